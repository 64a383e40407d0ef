"""The demo storefront as ``amzpay serve --simulator`` serves it: amzpay's web app with the
storefront at /shop and the simulator at /simulator on one loopback port, amzpay on a SQLite
file with the real gateway in front of that same simulator (in-process), its worker run by
the test. ``serve`` runs it with uvicorn in a thread for a browser; with an SMTP sink, its mails
go there, as ``amzpay serve --simulator`` sends them to its own sink. ``pay_with_amazon``,
``place_order`` and ``staff_log_in`` are a buyer's and staff's steps in a browser. The seller
has an API v2 key too: the cart page shows the v2 button, whose hosted pages the browser
reaches at /simulator while amzpay calls the same simulator in-process."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import httpx
import uvicorn
from argon2 import PasswordHasher
from fastapi import FastAPI
from playwright.sync_api import Page, expect

from amzpay.mail.sink import SmtpSink
from amzpay.simulator import InProcessTransport
from amzpay.web import storefront
from amzpay.web.app import create_app
from shop import SELLER, Shop, SimulatedAmazon, built

WIDGETS_PATH = "/simulator/OffAmazonPayments/de/sandbox/lpa/js/Widgets.js"
CHECKOUT_JS_PATH = "/simulator/checkout.js"
V2_SELLER = replace(SELLER, public_key_id="SANDBOX-ASTOREFRONTKEY0001")
STAFF, STAFF_PASSWORD = "ada", "correct horse battery"
BUYER, BUYER_PASSWORD = "erika.mustermann@example.com", "sandbox-password"  # a simulator buyer


class Storefront(Shop):
    def __init__(self, folder: Path, sink: SmtpSink | None = None) -> None:
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        amazon = SimulatedAmazon(V2_SELLER, start=None, pages_url=f"{self.url}/simulator")
        environ = {
            "AMZPAY_AMAZON__CLIENT_ID": SELLER.client_id,
            "AMZPAY_AMAZON__WIDGETS_URL": f"{self.url}{WIDGETS_PATH}?sellerId={SELLER.seller_id}",
            "AMZPAY_AMAZON_V2__CHECKOUT_JS_URL": f"{self.url}{CHECKOUT_JS_PATH}",
        }
        app = built(
            f"sqlite:///{folder / 'storefront.db'}",
            amazon,
            sink,
            environ=environ,
            password_hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
        )
        super().__init__(app, amazon)
        self.web: FastAPI = create_app(app)
        self.web.include_router(storefront.router())
        self.web.mount("/simulator", amazon.app)
        self.web.state.backoffice_poll_seconds = 0.5
        app.access.add_user(STAFF, STAFF_PASSWORD)

    def client(self) -> httpx.Client:
        """A client of the web app in-process (no redirects followed)."""
        return httpx.Client(transport=InProcessTransport(self.web), base_url=self.url)

    @contextmanager
    def serve(self) -> Iterator[str]:
        """The web app on its loopback port, in a thread; yields its base URL."""
        config = uvicorn.Config(self.web, log_level="warning", lifespan="off", ws="none")
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [self.listener]}, daemon=True
        )
        thread.start()
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the storefront's server did not start")
            time.sleep(0.01)
        try:
            yield self.url
        finally:
            server.should_exit = True
            thread.join(timeout=10)

    def close(self) -> None:
        super().close()
        self.listener.close()


def pay_with_amazon(
    page: Page,
    products: tuple[str, ...] = ("Mug", "Teapot"),
    address: str = "1",
    payment_method: str = "mastercard",
) -> None:
    """A buyer puts ``products`` into the cart, pays with Amazon, signs in at the simulator as
    ``BUYER`` and chooses an address and a payment method in Amazon's widgets: the review page
    shows Amazon's address and the order can be placed."""
    for product in products:
        page.goto("/shop")
        page.click(f"text=Add {product} to cart")
    with page.expect_popup() as opened:
        page.click("text=Pay with Amazon")
    popup = opened.value
    popup.fill("#email", BUYER)
    popup.fill("#password", BUYER_PASSWORD)
    popup.click("button[type=submit]")
    page.wait_for_url("**/shop/review?*")
    chosen = (
        ("#addressBook", "data-address", address),
        ("#wallet", "data-payment-method", payment_method),
    )
    for widget, attribute, value in chosen:
        choice = page.frame_locator(f"{widget} iframe").locator(f'[{attribute}="{value}"]')
        choice.click()
        expect(choice).to_have_attribute("aria-current", "true")
    expect(page.locator("button[name=place]")).to_be_enabled()


def place_order(page: Page) -> str:
    """The buyer places the order on the review page; returns the shop's order reference."""
    page.click("button[name=place]")
    page.wait_for_url("**/shop/thanks/*")
    return page.locator("#order-reference").inner_text()


def staff_log_in(page: Page) -> None:
    page.goto("/login")
    page.fill("#username", STAFF)
    page.fill("#password", STAFF_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/orders")
