"""The REST order's money summary: total, authorized, captured, refunded, pending and still
refundable per capture, in integer minor units, as a refund goes from pending to completed;
amzpay with the real gateway against the simulator, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from amzpay.mail.sink import SmtpSink
from shop import DECLINE, REFUND_SETTLES, Shop, api_client, shop_on

TOTAL = 2 * 1999 + 4900 + 490  # two mugs, the tea set, shipping


@pytest.fixture
def shop(database_url: str, sink: SmtpSink) -> Iterator[Shop]:
    with shop_on(database_url, sink) as made:
        yield made


@pytest.fixture
def api(shop: Shop) -> Iterator[httpx.Client]:
    with api_client(shop) as client:
        yield client


def minor(summary: dict, *names: str) -> tuple[int, ...]:
    return tuple(summary[name]["minor"] for name in names)


def test_an_authorized_order_has_nothing_captured_or_refundable_yet(shop, api):
    order = shop.place()

    money = api.get(f"/api/v1/orders/{order}").json()["money"]

    assert money["total"] == {"amount": "93.88", "minor": TOTAL, "currency": "EUR"}
    assert minor(money, "authorized", "captured", "refunded", "pending", "refundable") == (
        TOTAL,
        0,
        0,
        0,
        0,
    )
    assert money["captures"] == []


def test_a_refund_is_pending_then_refunded_and_leaves_the_rest_refundable(shop, api):
    order = shop.closed_order()

    api.post(f"/api/v1/orders/{order}/refunds", json={"items": ["L1-1"]})
    shop.work()
    pending = api.get(f"/api/v1/orders/{order}").json()["money"]
    shop.later(REFUND_SETTLES)
    settled = api.get(f"/api/v1/orders/{order}").json()["money"]

    names = ("authorized", "captured", "refunded", "pending", "refundable")
    assert minor(pending, *names) == (TOTAL, TOTAL, 0, 1999, TOTAL - 1999)
    assert minor(settled, *names) == (TOTAL, TOTAL, 1999, 0, TOTAL - 1999)
    [capture] = settled["captures"]
    assert minor(capture, "captured", "refunded", "pending", "refundable") == (
        TOTAL,
        1999,
        0,
        TOTAL - 1999,
    )
    assert capture["over_refund_left"]["minor"] == TOTAL * 15 // 100  # under the 75 EUR cap
    assert capture["refunds"] == 1
    assert capture["amazon_id"]


def test_a_declined_refund_gives_its_amount_back_to_the_refundable(shop, api):
    order = shop.closed_order()

    api.post(f"/api/v1/orders/{order}/refunds", json={"items": ["B1"], "note": DECLINE})
    shop.work()
    shop.later(REFUND_SETTLES)
    money = api.get(f"/api/v1/orders/{order}").json()["money"]

    assert minor(money, "refunded", "pending", "refundable") == (0, 0, TOTAL)
    assert money["captures"][0]["refunds"] == 1  # Amazon counts declined refunds too


def test_the_openapi_description_documents_the_money_summary(api):
    schemas = api.get("/openapi.json").json()["components"]["schemas"]

    assert "money" in schemas["OrderOut"]["required"]
    summary = schemas["MoneySummaryOut"]["properties"]
    assert set(summary) == {
        "total",
        "authorized",
        "captured",
        "refunded",
        "pending",
        "refundable",
        "captures",
    }
    assert "refundable" in schemas["CaptureMoneyOut"]["properties"]
