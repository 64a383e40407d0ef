"""After the buyer's checkout, in a real browser (Debian's chromium through Playwright), for
either of Amazon's APIs: staff capture the storefront's order in the back office, refund one
of its two products through the refund form, watch the refund go pending and Amazon's IPN
complete it, and read the money summary; the buyer who signed in at Amazon receives the
refund e-mail at the SMTP sink. A legacy IPN says the refund's state; an API v2 IPN only
names the refund, which the worker then asks Amazon for."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from playwright.sync_api import Page, expect
from storefront_kit import (
    BUYER,
    Storefront,
    capture_all,
    item_state,
    mails_about,
    money,
    pay_with_amazon,
    pay_with_amazon_v2,
    place_order,
    place_order_v2,
    refund_product,
    staff_log_in,
)

from amzpay.mail.sink import SmtpSink
from shop import AUTHORIZATION_OPENS, REFUND_SETTLES

IPN_BEFORE_POLL = 40  # seconds: Amazon completes a refund after 31 s, and sends its IPN;
# amzpay's first poll of a pending refund comes a minute after its call


class RefundWords(NamedTuple):
    """An item's states while its refund is at Amazon and once it is refunded, in the words
    of the process of the order's API."""

    pending: str
    refunded: str


LEGACY_WORDS = RefundWords("refund pending", "refund completed")  # amazon-pay-async
V2_WORDS = RefundWords("refund initiated", "refunded")  # amazon-pay-v2


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
    capture_both_and_refund_the_mug(store, sink, page, order, LEGACY_WORDS)

    store.later(REFUND_SETTLES)  # Amazon completes it; its IPN arrives; the worker applies it

    expect_the_mug_refunded(page, LEGACY_WORDS)

    page.goto("/ipns?type=PaymentRefund")  # it was Amazon's notification that said so
    [notification] = page.locator("table.ipns tbody tr", has_text=order).all()
    expect(notification.locator(".state")).to_have_text("Completed", ignore_case=True)

    expect_the_refund_mail(sink, order)


def test_staff_capture_an_api_v2_order_refund_one_product_and_the_buyer_is_mailed(
    store, sink, page
):
    pay_with_amazon_v2(page, products=("Mug", "Teapot"))
    order = place_order_v2(page)
    store.work()  # the worker asks for the charge: Amazon authorizes it at once

    staff_log_in(page)
    page.goto(f"/orders/{order}")
    expect(page.locator(".page-head .api")).to_have_text("API v2")
    expect(page.locator(".page-head")).to_contain_text("charge permission")
    expect(page.locator("section.buyer")).to_contain_text(BUYER)
    expect(page.locator("section.buyer")).to_contain_text("Friedrichstrasse 43")
    expect(money(page, "authorized")).to_have_text("63.89 EUR")
    capture_both_and_refund_the_mug(store, sink, page, order, V2_WORDS)  # one charge, captured
    [refund] = store.refunds(order)

    store.later(IPN_BEFORE_POLL)  # Amazon completes it; its IPN names the refund; the
    # worker asks Amazon for it and applies what it says

    expect_the_mug_refunded(page, V2_WORDS)

    page.goto("/ipns?type=REFUND")
    [notification] = page.locator("table.ipns tbody tr", has_text=order).all()
    expect(notification).to_contain_text(str(refund.amazon_id))
    expect(notification.locator("td").nth(5)).not_to_have_text("waiting")  # processed
    expect(notification.locator(".reason")).to_have_text("")  # applied as expected
    [completed] = [
        entry.details
        for entry in store.app.queries.history(order)
        if entry.summary.endswith(f"-> {V2_WORDS.refunded}")
    ]
    assert ("actor", "ipn") in completed  # asked of Amazon on the IPN's word, not polled

    expect_the_refund_mail(sink, order)


def capture_both_and_refund_the_mug(
    store: Storefront, sink: SmtpSink, page: Page, order: str, words: RefundWords
) -> None:
    """On the order's page, staff capture both products, then refund the mug: the refund
    is pending at Amazon and the buyer has no mail yet."""
    capture_all(store, page, order, items=2)
    expect(item_state(page, "Mug")).to_have_text("closed")
    expect(item_state(page, "Teapot")).to_have_text("closed")
    expect(money(page, "captured")).to_have_text("63.89 EUR")

    refund_product(store, page, order, "Mug", total="19.99 EUR")

    expect(page.locator("[data-refund] .refund-state")).to_have_text("pending")
    expect(item_state(page, "Mug")).to_have_text(words.pending)
    expect(money(page, "pending")).to_have_text("19.99 EUR")
    assert mails_about(sink, order) == []


def expect_the_mug_refunded(page: Page, words: RefundWords) -> None:
    """The order page, unreloaded, once Amazon completed the refund of the mug: the items'
    states, the money summary and the capture's figures."""
    expect(page.locator("[data-refund] .refund-state")).to_have_text("completed")
    expect(item_state(page, "Mug")).to_have_text(words.refunded)
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


def expect_the_refund_mail(sink: SmtpSink, order: str) -> None:
    """The buyer got one refund e-mail for ``order``, of the mug alone."""
    [mail] = mails_about(sink, order)
    assert mail["Subject"] == f"Your refund of €19.99 for order {order}"
    text = mail.get_body(("plain",))
    assert text is not None
    body = text.get_content()
    assert "we have refunded €19.99" in body
    assert "Mug" in body
    assert "Teapot" not in body
