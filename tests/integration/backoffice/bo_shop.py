"""A shop with its back office, for the back-office tests and the screenshot script.

amzpay is built by ``bootstrap.build`` on a SQLite file, with the real gateway talking to the
Amazon Pay simulator in-process (``amzpay.cli.local_amazon.LocalAmazon``: its clock moved by hand, its
signed IPNs delivered to amzpay's receiver), a cheap argon2 hasher, and the web app; ``serve``
runs the app with uvicorn on a free loopback port in a thread, for a browser.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from argon2 import PasswordHasher
from fastapi import FastAPI

from amzpay.bootstrap import App, build
from amzpay.cli.demo import HOST, ORDER, SELLER
from amzpay.cli.local_amazon import LocalAmazon
from amzpay.config import Settings
from amzpay.services.outbox import Mailer
from amzpay.simulator import InProcessTransport
from amzpay.web.app import create_app
from amzpay.web.backoffice.security import LOGIN_COOKIE

USERNAME = "ada"
PASSWORD = "correct horse battery"
REFUND_SETTLES = 60  # seconds of Amazon's time: a sandbox refund is Pending for 31 s
DECLINE = '{"SandboxSimulation": {"State": "Declined", "ReasonCode": "AmazonRejected"}}'


class BackOfficeShop:
    def __init__(self, folder: Path, mailer: Mailer | None = None) -> None:
        self.amazon = LocalAmazon(SELLER, HOST)
        settings = Settings.load(
            {
                "AMZPAY_DATABASE_URL": f"sqlite:///{folder / 'backoffice.db'}",
                "AMZPAY_AMAZON__SELLER_ID": SELLER.seller_id,
                "AMZPAY_AMAZON__SIMULATOR_HOST": HOST,
            }
        )
        self.app: App = build(
            settings,
            gateway_factory=lambda _, call_log: self.amazon.gateway(call_log),
            clock=self.amazon.clock.now,
            certificates=self.amazon.certificates,
            password_hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
            mailer=mailer,  # none: mails wait in the outbox, as with no SMTP server
        )
        self.amazon.receiver = self.app.ipn
        self.web: FastAPI = create_app(self.app)
        self.web.state.backoffice_poll_seconds = 0.5  # the browser tests wait less
        self._orders = 0

    def close(self) -> None:
        self.app.close()
        self.amazon.close()

    def work(self) -> None:
        """Run the worker until nothing is left to do now."""
        worker = self.app.worker("backoffice-test")
        for _ in range(20):
            if not worker.run_once().busy:
                return
        raise AssertionError("the worker never settled")

    def later(self, seconds: float) -> None:
        """Amazon's time (and so ours) moves on; IPNs arrive; the worker catches up."""
        self.amazon.advance(seconds)
        self.work()

    def closed_order(self, **changes: Any) -> str:
        """The demo's order (two mugs, a tea set of teapot and cup, shipping), authorized,
        captured in full and closed; each call gets a reference of its own."""
        order = self.authorized_order(**changes)
        self.app.orders.fire(order, "capture", None, actor="staff")
        self.work()
        self.later(1)
        return order

    def authorized_order(self, **changes: Any) -> str:
        """The demo's order, its authorization open: ready to be captured."""
        self._orders += 1
        buyer = self.amazon.sim.create_order_reference(payment_method="visa")
        spec = ORDER | {
            "reference": f"BO-{1000 + self._orders}",
            "amazon_order_reference_id": buyer,
            **changes,
        }
        order = self.app.orders.import_order(spec, confirm=True)
        self.work()
        self.later(31)  # the asynchronous authorization opens; its IPN arrives
        return order

    def suspended_order(self) -> str:
        """The demo's order whose authorization Amazon declined (InvalidPaymentMethod): its
        order reference is Suspended until the buyer chooses another payment method."""
        self._orders += 1
        buyer = self.amazon.sim.create_order_reference(payment_method="*invalid-payment-method")
        spec = ORDER | {
            "reference": f"BO-{1000 + self._orders}",
            "amazon_order_reference_id": buyer,
        }
        order = self.app.orders.import_order(spec, confirm=True)
        self.work()
        self.later(31)
        return order

    def add_staff(self, username: str = USERNAME, password: str = PASSWORD) -> None:
        self.app.access.add_user(username, password, display_name=username.capitalize())

    @contextmanager
    def serve(self) -> Iterator[str]:
        """The web app on a free loopback port, in a thread; yields its base URL."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        port = listener.getsockname()[1]
        config = uvicorn.Config(self.web, log_level="warning", lifespan="off", ws="none")
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


@contextmanager
def opened_shop(folder: Path, mailer: Mailer | None = None) -> Iterator[BackOfficeShop]:
    """A shop with one staff user (``USERNAME``), closed when the block ends."""
    made = BackOfficeShop(folder, mailer=mailer)
    made.add_staff()
    try:
        yield made
    finally:
        made.close()


CHROMIUM = "/usr/bin/chromium"  # Debian's; Playwright never downloads a browser here
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


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
