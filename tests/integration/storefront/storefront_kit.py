"""The demo storefront as ``amzpay serve --simulator`` serves it: amzpay's web app with the
storefront at /shop and the simulator at /simulator on one loopback port, amzpay on a SQLite
file with the real gateway in front of that same simulator (in-process), its worker run by
the test. ``serve`` runs it with uvicorn in a thread for a browser; with an SMTP sink, its mails
go there, as ``amzpay serve --simulator`` sends them to its own sink. ``pay_with_amazon``,
``place_order`` and ``staff_log_in`` are a buyer's and staff's steps in a browser. The seller
has an API v2 key too: the cart page shows the v2 button, whose hosted pages the browser
reaches at /simulator while amzpay calls the same simulator in-process (``pay_with_amazon_v2``,
``place_order_v2``). ``capture_all`` and ``refund_product`` are staff's steps on the
order page, with Amazon's time moved on as they wait for it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path

import httpx
import uvicorn
from argon2 import PasswordHasher
from fastapi import FastAPI
from playwright.sync_api import Locator, Page, expect

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


def fill_cart(page: Page, products: tuple[str, ...]) -> None:
    """Each of ``products`` added to the cart from the shop's front page."""
    for product in products:
        page.goto("/shop")
        page.click(f"text=Add {product} to cart")


def sign_in_at_amazon(page: Page) -> None:
    """``BUYER`` signs in on the simulator's sign-in page (the legacy popup or v2's page)."""
    page.fill("#email", BUYER)
    page.fill("#password", BUYER_PASSWORD)
    page.click("button[type=submit]")


def pay_with_amazon(
    page: Page,
    products: tuple[str, ...] = ("Mug", "Teapot"),
    address: str = "1",
    payment_method: str = "mastercard",
) -> None:
    """A buyer puts ``products`` into the cart, pays with Amazon, signs in at the simulator as
    ``BUYER`` and chooses an address and a payment method in Amazon's widgets: the review page
    shows Amazon's address and the order can be placed."""
    fill_cart(page, products)
    with page.expect_popup() as opened:
        page.click("text=Pay with Amazon")
    sign_in_at_amazon(opened.value)
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


def pay_with_amazon_v2(
    page: Page,
    products: tuple[str, ...] = ("Mug", "Teapot"),
    address: str = "1",
    card: str = "mastercard",
) -> None:
    """A buyer puts ``products`` into the cart, presses the v2 button, signs in at the
    simulator's hosted pages as ``BUYER`` and chooses an address and a card; back at the
    shop's review page."""
    fill_cart(page, products)
    page.click('#AmazonPayButtonV2 [data-amazon-pay="v2"]')
    page.wait_for_url("**/simulator/checkout/v2/*/signin")
    sign_in_at_amazon(page)
    page.wait_for_url("**/simulator/checkout/v2/*/choose")
    page.check(f'[data-address="{address}"]')
    page.check(f'[data-card="{card}"]')
    page.click("text=Continue to the shop")
    page.wait_for_url("**/shop/v2/review?amazonCheckoutSessionId=*")


def place_and_authenticate(page: Page, choice: str = "Confirm payment") -> None:
    """The buyer places the order on the v2 review page; at Amazon's authentication step,
    which asks for the cart's total, presses ``choice``."""
    total = page.locator("#total").inner_text()
    page.click("button[name=place]")
    page.wait_for_url("**/simulator/_sim/v2/checkout/*")
    expect(page.locator("#amount")).to_have_text(total)
    page.click(f"text={choice}")


def place_order(page: Page) -> str:
    """The buyer places the order on the review page; returns the shop's order reference."""
    page.click("button[name=place]")
    return thanked(page)


def place_order_v2(page: Page) -> str:
    """The buyer places the order on the v2 review page and confirms the payment at Amazon;
    returns the shop's order reference."""
    place_and_authenticate(page)
    return thanked(page)


def thanked(page: Page) -> str:
    """The shop's order reference, from the thank-you page the buyer is sent to."""
    page.wait_for_url("**/shop/thanks/*")
    return page.locator("#order-reference").inner_text()


def staff_log_in(page: Page) -> None:
    page.goto("/login")
    page.fill("#username", STAFF)
    page.fill("#password", STAFF_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/orders")


def capture_all(store: Storefront, page: Page, order: str, items: int) -> None:
    """Staff capture the order's ``items`` on its page; Amazon completes the capture."""
    page.click(f"text=Capture {items} items")
    page.wait_for_url(f"**/orders/{order}")
    store.work()
    store.later(1)


def refund_product(store: Storefront, page: Page, order: str, product: str, total: str) -> None:
    """Staff tick ``product`` in the order's refund form, which computes ``total``, and
    refund it; the refund is asked of Amazon. The form's link follows the items' states on
    the page as loaded, with no reload."""
    link = page.get_by_role("link", name="Refund items…")
    expect(link).to_be_visible()
    link.click()
    page.locator("tr", has_text=product).locator("input[type=checkbox]").check()
    expect(page.locator("[data-total]")).to_have_text(total)
    page.click("text=Refund the ticked items")
    page.wait_for_url(f"**/orders/{order}")
    store.work()


def item_state(page: Page, name: str) -> Locator:
    """The state the order page shows for the item named ``name``."""
    return page.locator("tr[data-item]", has_text=name).locator(".item-state")


def money(page: Page, what: str) -> Locator:
    """One figure of the order page's money summary (total, authorized, captured, …)."""
    return page.locator(f"[data-money-{what}]")


def mails_about(sink: SmtpSink, order: str, to: str = BUYER) -> list[EmailMessage]:
    """The mails sent to ``to`` whose subject names ``order``."""
    return [m for m in sink.messages if m["To"] == to and order in str(m["Subject"])]
