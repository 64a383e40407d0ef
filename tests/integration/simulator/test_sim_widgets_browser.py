"""The legacy widgets in a real browser (Debian's chromium through Playwright): a shop's page
on one origin loads the simulator's Widgets.js from another, the buyer signs in in the popup,
chooses an address and a card in the widgets' iframes, and the page learns the order
reference id and the address consent token through Amazon's callbacks; the order reference
is left Draft with the buyer's choices."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import uvicorn
from playwright.sync_api import Page, expect, sync_playwright
from simkit import SELLER
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route
from widgetkit import ERIKA, PASSWORD

from amzpay.simulator import ManualClock, Simulator, SimulatorConfig, simulator_app
from chromium import CHROMIUM, CHROMIUM_ARGS

SANDBOX_ORDER_ID = re.compile(r"S01-\d{7}-\d{7}")
SHOP_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Cart</title>
<script>
window.seen = [];
window.onAmazonLoginReady = function () { amazon.Login.setClientId("%(client_id)s"); };
window.onAmazonPaymentsReady = function () {
  OffAmazonPayments.Button("AmazonPayButton", "%(seller_id)s", {
    type: "PwA",
    authorization: function () {
      var scope = "profile payments:widget payments:shipping_address";
      if (location.search.indexOf("mode=redirect") >= 0) {
        amazon.Login.authorize({scope: scope, popup: false}, "/cart?mode=redirect");
      } else {
        amazon.Login.authorize({scope: scope},
          function (answer) { window.seen.push("token"); showWidgets(); });
      }
    }
  });
  if (location.search.indexOf("access_token=") >= 0) { showWidgets(); }
};
function showWidgets() {
  new OffAmazonPayments.Widgets.AddressBook({
    sellerId: "%(seller_id)s",
    onOrderReferenceCreate: function (ref) {
      document.getElementById("order").textContent = ref.getAmazonOrderReferenceId();
      document.getElementById("consent").textContent = ref.getAddressConsentToken();
    },
    onAddressSelect: function () { window.seen.push("address"); },
    onError: function (e) { document.getElementById("error").textContent = e.getErrorCode(); }
  }).bind("addressBook");
  new OffAmazonPayments.Widgets.Wallet({
    sellerId: "%(seller_id)s",
    onPaymentSelect: function () { window.seen.push("payment"); }
  }).bind("wallet");
}
</script>
<script src="%(simulator)s/sim/OffAmazonPayments/de/sandbox/lpa/js/Widgets.js?sellerId=%(seller_id)s">
</script></head>
<body><div id="AmazonPayButton"></div><div id="addressBook"></div><div id="wallet"></div>
<p>Order reference: <span id="order"></span></p><p>Token: <span id="consent"></span></p>
<p id="error"></p></body></html>"""


@pytest.fixture(scope="module")
def simulator() -> Simulator:
    config = SimulatorConfig(sellers=(SELLER,), seed=11)
    return Simulator(config, clock=ManualClock(datetime(2026, 3, 2, 10, tzinfo=UTC)))


@pytest.fixture(scope="module")
def served(simulator: Simulator) -> Iterator[int]:
    """The shop's page and the simulator (under /sim) on one free loopback port."""

    def cart(request: Request) -> HTMLResponse:
        simulator_origin = f"http://127.0.0.1:{request.url.port}"
        values = {"client_id": SELLER.client_id, "seller_id": SELLER.seller_id}
        return HTMLResponse(SHOP_PAGE % (values | {"simulator": simulator_origin}))

    app = Starlette(routes=[Route("/cart", cart), Mount("/sim", simulator_app(simulator))])
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", ws="none"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "the server did not start"
        time.sleep(0.01)
    try:
        yield listener.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()


@pytest.fixture
def page(served: int) -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # The shop is "localhost", the simulator 127.0.0.1: two origins, as in real life.
            yield browser.new_page(base_url=f"http://localhost:{served}")
        finally:
            browser.close()


def test_a_buyer_signs_in_and_chooses_an_address_and_a_card_in_the_widgets(
    page: Page, simulator: Simulator
):
    page.goto("/cart")
    with page.expect_popup() as opened:
        page.click("text=Pay with Amazon")
    popup = opened.value
    popup.fill("#email", ERIKA)
    popup.fill("#password", PASSWORD)
    popup.click("button[type=submit]")

    expect(page.locator("#order")).to_have_text(SANDBOX_ORDER_ID)
    address_book = page.frame_locator("#addressBook iframe")
    address_book.locator('[data-address="1"]').click()
    expect(address_book.locator('[data-address="1"]')).to_have_attribute("aria-current", "true")
    wallet = page.frame_locator("#wallet iframe")
    wallet.locator('[data-payment-method="*invalid-payment-method"]').click()
    expect(wallet.locator('[data-payment-method="*invalid-payment-method"]')).to_have_attribute(
        "aria-current", "true"
    )

    order_id = page.locator("#order").inner_text()
    order = simulator.ledger.orders[order_id]
    assert order.status.state == "Draft"
    assert order.buyer.email == ERIKA
    assert order.buyer.address.city == "Berlin"
    assert order.buyer.payment_method == "*invalid-payment-method"
    token = page.locator("#consent").inner_text()
    assert simulator.ledger.logins.of(token, simulator.clock.now()) is not None
    assert page.evaluate("window.seen").count("address") == 2  # shown, then chosen
    assert page.evaluate("window.seen")[0] == "token"
    assert page.locator("#error").inner_text() == ""


def test_a_sign_in_without_popup_returns_to_the_shop_whose_widgets_then_know_the_buyer(
    page: Page, simulator: Simulator
):
    page.goto("/cart?mode=redirect")
    page.click("text=Pay with Amazon")
    page.fill("#email", ERIKA)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")

    page.wait_for_url("**/cart?mode=redirect&access_token=*")
    expect(page.locator("#order")).to_have_text(SANDBOX_ORDER_ID)
    wallet = page.frame_locator("#wallet iframe")
    wallet.locator('[data-payment-method="mastercard"]').click()
    expect(wallet.locator('[data-payment-method="mastercard"]')).to_have_attribute(
        "aria-current", "true"
    )

    order = simulator.ledger.orders[page.locator("#order").inner_text()]
    assert (order.status.state, order.buyer.email) == ("Draft", ERIKA)
    assert order.buyer.payment_method == "mastercard"
    [token] = parse_qs(urlsplit(page.url).query)["access_token"]
    assert page.locator("#consent").inner_text() == token
