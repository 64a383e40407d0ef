"""After the buyer's checkout, in a real browser (Debian's chromium through Playwright): staff
capture the storefront's order in the back office, refund one of its two products through the
refund form, watch the refund go pending and Amazon's IPN complete it, and read the money
summary; the buyer who signed in at Amazon receives the refund e-mail at the SMTP sink."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from storefront_kit import BUYER, Storefront, pay_with_amazon, place_order, staff_log_in

from amzpay.mail.sink import SmtpSink
from shop import AUTHORIZATION_OPENS, REFUND_SETTLES


@pytest.fixture(scope="module")
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as running:
        yield running


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, sink: SmtpSink) -> Iterator[Storefront]:
    """The storefront with its mails sent to ``sink``."""
    made = Storefront(Path(tmp_path_factory.mktemp("storefront-mail")), sink)
    try:
        yield made
    finally:
        made.close()


@pytest.fixture(scope="module")
def served(store: Storefront) -> Iterator[str]:
    with store.serve() as url:
        yield url


@pytest.fixture
def page(browser: Browser, served: str) -> Iterator[Page]:
    context = browser.new_context(base_url=served, viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


def item_state(page: Page, name: str):
    return page.locator("tr[data-item]", has_text=name).locator(".item-state")


def money(page: Page, what: str):
    return page.locator(f"[data-money-{what}]")


def mails_to(sink: SmtpSink, address: str) -> list[EmailMessage]:
    return [message for message in sink.messages if message["To"] == address]


def test_staff_capture_the_buyers_order_refund_one_product_and_the_buyer_is_mailed(
    store, sink, page
):
    pay_with_amazon(page, products=("Mug", "Teapot"))
    expect(page.locator("#amazon-address")).to_contain_text("Berlin")
    order = place_order(page)
    store.work()
    store.later(AUTHORIZATION_OPENS)  # Amazon opens the authorization; its IPN arrives

    staff_log_in(page)
    page.goto(f"/orders/{order}")
    expect(page.locator("section.buyer")).to_contain_text(BUYER)
    expect(page.locator("section.buyer")).to_contain_text("Berlin")
    page.click("text=Capture 2 items")
    page.wait_for_url(f"**/orders/{order}")
    store.work()
    store.later(1)  # the capture completes at Amazon, which closes the order reference

    expect(item_state(page, "Mug")).to_have_text("closed")
    expect(item_state(page, "Teapot")).to_have_text("closed")
    expect(money(page, "captured")).to_have_text("63.89 EUR")

    refund = page.get_by_role("link", name="Refund items…")  # usable once captured, unreloaded
    expect(refund).to_be_visible()
    refund.click()
    page.locator("tr", has_text="Mug").locator("input[type=checkbox]").check()
    expect(page.locator("[data-total]")).to_have_text("19.99 EUR")
    page.click("text=Refund the ticked items")
    page.wait_for_url(f"**/orders/{order}")
    store.work()  # the refund is asked of Amazon: pending

    expect(page.locator("[data-refund] .refund-state")).to_have_text("pending")
    expect(item_state(page, "Mug")).to_have_text("refund pending")
    expect(money(page, "pending")).to_have_text("19.99 EUR")
    assert mails_to(sink, BUYER) == []

    store.later(REFUND_SETTLES)  # Amazon completes it; its IPN arrives; the worker applies it

    expect(page.locator("[data-refund] .refund-state")).to_have_text("completed")
    expect(item_state(page, "Mug")).to_have_text("refund completed")
    expect(item_state(page, "Teapot")).to_have_text("closed")
    summary = {"total": "63.89", "authorized": "63.89", "captured": "63.89"}
    summary |= {"refunded": "19.99", "pending": "0.00", "refundable": "43.90"}
    for what, amount in summary.items():
        expect(money(page, what)).to_have_text(f"{amount} EUR")
    capture = page.locator("tr[data-capture] td.num")  # captured, refunded, pending, refundable
    expect(capture.nth(0)).to_have_text("63.89 EUR")
    expect(capture.nth(1)).to_have_text("19.99 EUR")
    expect(capture.nth(2)).to_have_text("0.00 EUR")
    expect(capture.nth(3)).to_have_text("43.90 EUR")

    page.goto("/ipns?type=PaymentRefund")  # it was Amazon's notification that said so
    [notification] = page.locator("table.ipns tbody tr").all()
    expect(notification).to_contain_text(order)
    expect(notification.locator(".state")).to_have_text("Completed", ignore_case=True)

    [mail] = mails_to(sink, BUYER)
    assert mail["Subject"] == f"Your refund of €19.99 for order {order}"
    text = mail.get_body(("plain",))
    assert text is not None
    body = text.get_content()
    assert "we have refunded €19.99" in body
    assert "Mug" in body
    assert "Teapot" not in body
