"""The order page's money summary over plain HTTP: the order total, what was authorized,
captured, refunded and is pending, and what each capture may still refund, following a
refund from pending to completed."""

from __future__ import annotations

import re

import pytest
from bo_shop import log_in

from shop import REFUND_SETTLES


@pytest.fixture
def csrf(client):
    return log_in(client)


def figures(html: str) -> dict[str, str]:
    """The summary's figures, by name: total, authorized, captured, ..."""
    return dict(re.findall(r"data-money-([a-z]+)>([^<]*)</dd>", html))


def capture_row(html: str) -> str:
    [row] = re.findall(r'<tr data-capture="[^"]+">(.*?)</tr>', html, re.DOTALL)
    return row


def test_an_authorized_order_shows_its_total_and_nothing_captured(shop, client, csrf):
    order = shop.place()

    page = client.get(f"/orders/{order}").text

    assert figures(page) == {
        "total": "93.88 EUR",
        "authorized": "93.88 EUR",
        "captured": "0.00 EUR",
        "refunded": "0.00 EUR",
        "pending": "0.00 EUR",
        "refundable": "0.00 EUR",
    }
    assert "data-capture=" not in page


def test_the_summary_follows_a_refund_from_pending_to_refunded(shop, client, csrf):
    order = shop.closed_order()

    client.post(f"/orders/{order}/refund", data={"items": ["mug-1", "pot"], "csrf_token": csrf})
    shop.work()
    pending = client.get(f"/orders/{order}/live").text
    shop.later(REFUND_SETTLES)
    settled = client.get(f"/orders/{order}").text

    assert figures(pending)["pending"] == "49.39 EUR"
    assert figures(pending)["refunded"] == "0.00 EUR"
    assert figures(pending)["refundable"] == "44.49 EUR"
    assert figures(settled)["captured"] == "93.88 EUR"
    assert figures(settled)["refunded"] == "49.39 EUR"
    assert figures(settled)["pending"] == "0.00 EUR"
    assert figures(settled)["refundable"] == "44.49 EUR"
    row = capture_row(settled)
    assert re.search(r'capture-refundable">44.49 EUR<', row)
    assert "1 of 10" in row
