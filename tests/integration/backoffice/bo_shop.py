"""A shop with its back office, for the back-office tests and the screenshot script.

The shop of ``tests/shop.py`` (amzpay with the real gateway in front of the in-process
simulator) on a SQLite file, for the demo's seller and order, with a cheap argon2 hasher and
its web app; ``serve`` runs the app with uvicorn on a free loopback port in a thread, for a
browser.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from itertools import count
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from argon2 import PasswordHasher
from fastapi import FastAPI

from amzpay.cli.demo import HOST, ORDER, SELLER
from amzpay.services.outbox import Mailer
from amzpay.simulator import InProcessTransport
from amzpay.web.app import create_app
from amzpay.web.backoffice.security import LOGIN_COOKIE
from shop import Shop, SimulatedAmazon, built

USERNAME = "ada"
PASSWORD = "correct horse battery"
SUSPENDS = "*invalid-payment-method"  # Amazon declines the authorization: InvalidPaymentMethod


def demo_orders() -> Callable[..., dict[str, Any]]:
    """The demo's order (two mugs, a tea set of teapot and cup, shipping); each spec gets a
    reference of its own."""
    numbers = count(1001)

    def spec(**changes: Any) -> dict[str, Any]:
        return ORDER | {"reference": f"BO-{next(numbers)}", **changes}

    return spec


class BackOfficeShop(Shop):
    def __init__(self, folder: Path, mailer: Mailer | None = None) -> None:
        amazon = SimulatedAmazon(SELLER, HOST, start=None, seed=1)
        app = built(
            f"sqlite:///{folder / 'backoffice.db'}",
            amazon,
            password_hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
            mailer=mailer,  # none: mails wait in the outbox, as with no SMTP server
        )
        super().__init__(app, amazon, spec=demo_orders())
        self.web: FastAPI = create_app(self.app)
        self.web.state.backoffice_poll_seconds = 0.5  # the browser tests wait less

    def suspended_order(self) -> str:
        """The demo's order whose authorization Amazon declined (InvalidPaymentMethod): its
        order reference is Suspended until the buyer chooses another payment method."""
        return self.place(payment_method=SUSPENDS)

    def add_staff(self, username: str = USERNAME, password: str = PASSWORD) -> None:
        self.app.access.add_user(username, password, display_name=username.capitalize())

    def serve(self) -> AbstractContextManager[str]:
        """The web app on a free loopback port, in a thread; yields its base URL."""
        return serve(self.web)


@contextmanager
def opened_shop(folder: Path, mailer: Mailer | None = None) -> Iterator[BackOfficeShop]:
    """A shop with one staff user (``USERNAME``), closed when the block ends."""
    made = BackOfficeShop(folder, mailer=mailer)
    made.add_staff()
    try:
        yield made
    finally:
        made.close()


@contextmanager
def serve(web: FastAPI) -> Iterator[str]:
    """``web`` on a free loopback port, in a thread; yields its base URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(web, log_level="warning", lifespan="off", ws="none")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the back office's server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()


def log_in(client: httpx.Client, username: str = USERNAME, password: str = PASSWORD) -> str:
    """Log ``client`` in through the login form; return the session's CSRF token."""
    client.get("/login")
    answer = client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "login_token": client.cookies.get(LOGIN_COOKIE) or "",
        },
    )
    assert answer.status_code == 303, answer.text
    page = client.get("/orders").text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def http_client(web: FastAPI, base_url: str = "http://backoffice.test") -> httpx.Client:
    """An HTTP client talking to the web app in-process (no redirects followed)."""
    return httpx.Client(transport=InProcessTransport(web), base_url=base_url)
