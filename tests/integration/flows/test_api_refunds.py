"""The REST API's refunds: preview, request, read, list, stuck, check now; amzpay with the real
gateway against the simulator, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from amzpay.mail.sink import SmtpSink
from shop import DECLINE, REFUND_SETTLES, Shop, api_client, shop_on


@pytest.fixture
def shop(database_url: str, sink: SmtpSink) -> Iterator[Shop]:
    # A refund counts as stuck after 20 s here (the simulator settles one after 31 s).
    with shop_on(database_url, sink, {"AMZPAY_POLLING__STUCK_AFTER": "PT20S"}) as made:
        yield made


@pytest.fixture
def api(shop: Shop) -> Iterator[httpx.Client]:
    with api_client(shop) as client:
        yield client


def error_of(answer: httpx.Response) -> tuple[int, str, str | None]:
    error = answer.json()["error"]
    return answer.status_code, error["code"], error["field"]


def test_a_preview_breaks_the_amount_down_per_item_expense_and_capture(shop, api):
    order = shop.closed_order()

    answer = api.post(
        f"/api/v1/orders/{order}/refund-preview", json={"items": ["L1-1", "L1-2", "B1"]}
    )

    assert answer.status_code == 200
    preview = answer.json()
    assert preview["total"]["minor"] == 2 * 1999 + 4900 + 490
    [capture] = preview["captures"]
    assert capture["amount"] == preview["total"]
    assert {line["line_id"]: line["amount"]["minor"] for line in capture["items"]} == {
        "L1-1": 1999,
        "L1-2": 1999,
        "B1-pot": 2940,
        "B1-cup": 1960,
    }
    assert [(e["line_id"], e["amount"]["minor"]) for e in capture["expenses"]] == [("ship-1", 490)]
    assert all(line["refundable"] for line in preview["lines"])


def test_a_preview_without_items_tells_why_each_line_cannot_be_refunded(shop, api):
    order = shop.closed_order()
    shop.app.refunds.request(order, ["L1-1"], actor="staff")
    placed = shop.place()

    closed = api.post(f"/api/v1/orders/{order}/refund-preview", json={}).json()
    uncaptured = api.post(f"/api/v1/orders/{placed}/refund-preview", json={"items": []}).json()

    assert closed["total"] is None
    assert closed["captures"] == []
    reasons = {line["line_id"]: line["reason"] for line in closed["lines"]}
    assert reasons == {
        "L1-1": "refund pending",
        "L1-2": None,
        "B1-pot": None,
        "B1-cup": None,
        "ship-1": None,
    }
    assert {line["reason"] for line in uncaptured["lines"]} == {"never captured"}
    assert not any(line["refundable"] for line in uncaptured["lines"])


def test_a_preview_of_an_item_that_cannot_be_refunded_is_a_conflict(shop, api):
    order = shop.place()

    answer = api.post(f"/api/v1/orders/{order}/refund-preview", json={"items": ["L1-1"]})

    assert error_of(answer) == (409, "item_not_refundable", "items")


def test_an_item_whose_capture_is_still_requested_is_not_refundable_in_the_api(shop, api):
    order = shop.place()
    shop.app.orders.fire(order, "capture", ["L1-1"], actor="staff")  # Amazon not asked yet

    lines = api.post(f"/api/v1/orders/{order}/refund-preview", json={}).json()["lines"]
    previewed = api.post(f"/api/v1/orders/{order}/refund-preview", json={"items": ["L1-1"]})
    requested = api.post(f"/api/v1/orders/{order}/refunds", json={"items": ["L1-1"]})

    [mug] = [line for line in lines if line["line_id"] == "L1-1"]
    assert (mug["refundable"], mug["reason"]) == (False, "its capture has not taken the money yet")
    assert error_of(previewed) == error_of(requested) == (409, "item_not_refundable", "items")


def test_an_expense_alone_is_refused_alike_by_preview_and_request_with_the_reason(shop, api):
    order = shop.closed_order()

    previewed = api.post(f"/api/v1/orders/{order}/refund-preview", json={"items": ["ship-1"]})
    requested = api.post(f"/api/v1/orders/{order}/refunds", json={"items": ["ship-1"]})

    assert error_of(previewed) == error_of(requested) == (409, "item_not_refundable", "items")
    message = requested.json()["error"]["message"]
    assert previewed.json()["error"]["message"] == message
    assert "comes with the last refundable items of the order" in message
    assert shop.app.refunds.refunds(order) == []


def test_a_preview_of_an_unknown_item_names_the_items(shop, api):
    order = shop.closed_order()

    answer = api.post(f"/api/v1/orders/{order}/refund-preview", json={"items": ["nope"]})

    assert error_of(answer) == (422, "unknown_item", "items")


def test_a_refund_request_makes_a_pending_refund_that_amazon_completes(shop, api):
    order = shop.closed_order()

    made = api.post(f"/api/v1/orders/{order}/refunds", json={"items": ["L1-1"]})
    shop.work()
    reference_id = made.json()[0]["reference_id"]
    pending = api.get(f"/api/v1/refunds/{reference_id}").json()
    shop.later(REFUND_SETTLES)
    completed = api.get(f"/api/v1/refunds/{reference_id}").json()

    assert made.status_code == 201
    [refund] = made.json()
    assert (refund["state"], refund["amount"]["minor"]) == ("requested", 1999)
    assert refund["lines"] == [{"line_id": "L1-1", "amount": refund["amount"]}]
    assert pending["state"] == "pending"
    assert (completed["state"], completed["booked"]) == ("completed", True)
    assert api.get(f"/api/v1/refunds/{completed['amazon_id']}").json() == completed
    item = next(i for i in api.get(f"/api/v1/orders/{order}").json()["items"] if i["id"] == "L1-1")
    assert (item["state"], item["refund_status"], item["refunded"]["minor"]) == (
        "refund completed",
        "refunded",
        1999,
    )


def test_a_declined_refund_shows_amazons_reason(shop, api):
    order = shop.closed_order()

    made = api.post(f"/api/v1/orders/{order}/refunds", json={"items": ["B1"], "note": DECLINE})
    shop.work()
    shop.later(REFUND_SETTLES)
    refund = api.get(f"/api/v1/refunds/{made.json()[0]['reference_id']}").json()

    assert (refund["state"], refund["reason_code"], refund["booked"]) == (
        "declined",
        "AmazonRejected",
        False,
    )


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"items": []}, 422, "invalid_value", "items"),
        ({}, 422, "invalid_value", "items"),
        ({"items": ["nothing-like-it"]}, 422, "unknown_item", "items"),
        ({"items": ["L1-1"], "note": "x" * 256}, 422, "invalid_value", "note"),
        ({"items": "L1-1"}, 422, "invalid_value", "items"),
    ],
)
def test_a_malformed_refund_request_names_the_field_and_refunds_nothing(
    shop, api, body, status, code, field
):
    order = shop.closed_order()

    answer = api.post(f"/api/v1/orders/{order}/refunds", json=body)

    assert error_of(answer) == (status, code, field)
    assert shop.app.refunds.refunds(order) == []


@pytest.mark.parametrize("chosen", [["L1-1"], ["B1"]], ids=["item", "bundle"])
def test_refunding_items_already_pending_is_a_conflict(shop, api, chosen):
    order = shop.closed_order()
    api.post(f"/api/v1/orders/{order}/refunds", json={"items": chosen})

    again = api.post(f"/api/v1/orders/{order}/refunds", json={"items": chosen})

    assert error_of(again) == (409, "item_not_refundable", "items")
    assert len(shop.app.refunds.refunds(order)) == 1


def test_refunds_of_an_unknown_order_and_an_unknown_refund_are_not_found(api):
    assert error_of(api.post("/api/v1/orders/NOPE/refunds", json={"items": ["L1-1"]})) == (
        404,
        "order_not_found",
        "reference",
    )
    assert error_of(api.get("/api/v1/refunds/NOPE")) == (404, "refund_not_found", "reference_id")
    assert error_of(api.post("/api/v1/refunds/NOPE/check")) == (
        404,
        "refund_not_found",
        "reference_id",
    )


def test_refunds_are_listed_by_state_order_and_age(shop, api):
    first = shop.closed_order()
    second = shop.closed_order()
    api.post(f"/api/v1/orders/{first}/refunds", json={"items": ["L1-1"]})
    shop.work()
    shop.later(REFUND_SETTLES)
    api.post(f"/api/v1/orders/{second}/refunds", json={"items": ["L1-2"]})
    shop.work()
    shop.amazon.advance(5)

    everything = api.get("/api/v1/refunds").json()
    pending = api.get("/api/v1/refunds", params={"state": "pending"}).json()
    of_first = api.get("/api/v1/refunds", params={"order": first}).json()
    old = api.get("/api/v1/refunds", params={"older_than": 30}).json()

    assert [r["order"] for r in everything["refunds"]] == [first, second]
    assert [(r["order"], r["age_seconds"]) for r in pending["refunds"]] == [(second, 5)]
    assert [r["state"] for r in of_first["refunds"]] == ["completed"]
    assert [r["order"] for r in old["refunds"]] == [first]
    bad = api.get("/api/v1/refunds", params={"older_than": -1})
    assert error_of(bad) == (422, "invalid_value", "older_than")


def test_stuck_refunds_are_those_unsettled_after_the_configured_age(shop, api):
    order = shop.closed_order()
    made = api.post(f"/api/v1/orders/{order}/refunds", json={"items": ["L1-1"]}).json()
    shop.work()

    fresh = api.get("/api/v1/refunds/stuck").json()
    shop.amazon.advance(25)  # not yet settled at Amazon, older than 20 s here
    stuck = api.get("/api/v1/refunds/stuck").json()

    assert fresh == []
    assert [(r["reference_id"], r["state"], r["age_seconds"]) for r in stuck] == [
        (made[0]["reference_id"], "pending", 25)
    ]


def test_check_now_asks_amazon_and_applies_its_answer(shop, api):
    order = shop.closed_order()
    made = api.post(f"/api/v1/orders/{order}/refunds", json={"items": ["L1-1"]}).json()
    shop.work()
    shop.amazon.advance(REFUND_SETTLES)  # settled at Amazon; its IPN waits in our inbox

    checked = api.post(f"/api/v1/refunds/{made[0]['reference_id']}/check")

    assert checked.status_code == 200
    result = checked.json()
    assert (result["answered"], result["error"]) == (True, None)
    assert (result["refund"]["state"], result["refund"]["booked"]) == ("completed", True)


def test_the_ipn_log_lists_messages_with_their_order(shop, api):
    order = shop.closed_order()

    log = api.get("/api/v1/ipns").json()
    captures = api.get("/api/v1/ipns", params={"notification_type": "PaymentCapture"}).json()

    assert log["total"] >= 2
    assert {entry["order"] for entry in log["ipns"]} == {order}
    assert [entry["notification_type"] for entry in captures["ipns"]] == ["PaymentCapture"]
