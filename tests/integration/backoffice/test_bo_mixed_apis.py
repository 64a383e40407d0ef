"""One back office for both of Amazon's APIs: legacy and API v2 orders listed on the same
page, each order's page saying its API and linking its Amazon id to Seller Central the same
way, both refunded from the same form, each to its process's word for it (in Debian's
chromium through Playwright, against amzpay served by uvicorn with both gateways in front of
the simulator); the v2 order's process drawn with its items' states; v2's reason codes in
words and the IPN log filtered by API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from bo_shop import PASSWORD, USERNAME, demo_orders, http_client, log_in, serve
from playwright.sync_api import Page, expect

from amzpay.cli.demo import HOST, V2_SELLER
from amzpay.web.app import create_app
from mixed import MixedShop, built_mixed
from shop import REFUND_SETTLES, SimulatedAmazon


class MixedBackOffice(MixedShop):
    """The demo's seller with both APIs' credentials, on a SQLite file, with its back office."""

    def __init__(self, folder: Path) -> None:
        amazon = SimulatedAmazon(V2_SELLER, HOST, start=None, seed=1)
        app = built_mixed(
            f"sqlite:///{folder / 'mixed.db'}",
            amazon,
            password_hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
        )
        super().__init__(app, amazon, demo_orders())
        self.web = create_app(self.app)
        self.web.state.backoffice_poll_seconds = 0.5
        self.app.access.add_user(USERNAME, PASSWORD, display_name="Ada")


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MixedBackOffice]:
    made = MixedBackOffice(tmp_path_factory.mktemp("mixed"))
    try:
        yield made
    finally:
        made.close()


@pytest.fixture(scope="module")
def served(mixed: MixedBackOffice) -> Iterator[str]:
    with serve(mixed.web) as url:
        yield url


@pytest.fixture
def client(mixed: MixedBackOffice) -> Iterator[httpx.Client]:
    with http_client(mixed.web) as made:
        log_in(made)
        yield made


def browser_log_in(page: Page) -> None:
    page.goto("/login")
    page.fill("#username", USERNAME)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/orders")


def item_state(page: Page, item: str):
    return page.locator(f'[data-item="{item}"] .item-state')


def test_staff_list_legacy_and_v2_orders_see_each_api_and_refund_an_item_of_each(mixed, page):
    legacy = mixed.closed_order()
    v2 = mixed.closed_v2_order()
    permission = mixed.app.queries.order(v2).order.amazon_order_reference_id
    assert permission is not None
    browser_log_in(page)

    page.goto("/orders")
    expect(page.locator("tr", has_text=legacy).locator(".api")).to_have_text("legacy API")
    expect(page.locator("tr", has_text=v2).locator(".api")).to_have_text("API v2")
    page.click(f"text={v2}")
    page.wait_for_url(f"**/orders/{v2}")
    expect(page.locator(".page-head .api")).to_have_text("API v2")
    expect(page.locator(".page-head")).to_contain_text(f"charge permission {permission}")
    link = page.locator(".page-head a.amazon-id")
    assert "sellercentral-europe.amazon.com" in str(link.get_attribute("href"))
    assert f"orderReferenceId={permission}" in str(link.get_attribute("href"))

    for order in (legacy, v2):
        page.goto(f"/orders/{order}/refund")
        page.check("#item-mug-1")
        page.click("text=Refund the ticked items")
        page.wait_for_url(f"**/orders/{order}")
    mixed.work()  # the worker asks Amazon, each order through its own API
    mixed.later(REFUND_SETTLES)  # both refunds complete; both APIs' IPNs arrive

    for order, api, refunded in (
        (legacy, "legacy API", "refund completed"),
        (v2, "API v2", "refunded"),  # the v2 process's word
    ):
        page.goto(f"/orders/{order}")
        expect(page.locator(".page-head .api")).to_have_text(api)
        expect(page.locator("[data-refund] .refund-state")).to_have_text("completed")
        expect(item_state(page, "mug-1")).to_have_text(refunded)


def test_the_ipn_log_offers_both_apis_types_and_shows_one_apis_messages(mixed, client):
    legacy = mixed.closed_order()
    v2 = mixed.closed_v2_order()
    for order in (legacy, v2):
        mixed.app.refunds.request(order, ["cup"], actor="staff")
    mixed.work()
    mixed.later(REFUND_SETTLES)

    page = client.get("/ipns").text
    only_v2 = client.get("/ipns?api=v2").text
    only_legacy = client.get("/ipns?api=legacy").text
    bad = client.get("/ipns?api=v3").text

    for kind in ("PaymentRefund", "REFUND", "CHARGE", "CHARGE_PERMISSION", "CHARGEBACK"):
        assert f"<option>{kind}</option>" in page
    assert "<td>REFUND</td>" in only_v2
    assert "<td>PaymentRefund</td>" not in only_v2
    assert "<td>PaymentRefund</td>" in only_legacy
    assert "<td>REFUND</td>" not in only_legacy
    assert "api: &#39;v3&#39; is not one of legacy, v2" in bad


def test_a_v2_orders_page_draws_the_v2_process_with_its_items_states(mixed, client):
    v2 = mixed.closed_v2_order()

    svg = client.get(f"/orders/{v2}/diagram").text

    assert svg.startswith("<svg")
    assert "<title>amazon&#45;pay&#45;v2</title>" in svg
    for state in ("charge requested", "authorized", "captured", "refund initiated", "refunded"):
        assert state in svg
    assert "auth open" not in svg
    assert "4 item(s) here" in svg  # the four items are closed (shipping is no item)
