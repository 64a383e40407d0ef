"""The REST API's orders: import, list, read, fire events; amzpay with the real gateway
against the simulator, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from amzpay.mail.sink import SmtpSink
from shop import Shop, api_client, order_spec, shop_on


@pytest.fixture
def shop(database_url: str, sink: SmtpSink) -> Iterator[Shop]:
    with shop_on(database_url, sink) as made:
        yield made


@pytest.fixture
def api(shop: Shop) -> Iterator[httpx.Client]:
    with api_client(shop) as client:
        yield client


def error_of(answer: httpx.Response) -> tuple[int, str, str | None]:
    error = answer.json()["error"]
    assert error["message"]
    return answer.status_code, error["code"], error["field"]


def new_spec(shop: Shop, **changes) -> dict:
    buyer = shop.amazon.sim.create_order_reference(payment_method="visa")
    return order_spec(amazon_order_reference_id=buyer, **changes)


def test_an_imported_order_is_authorized_and_read_back_with_its_items(shop, api):
    spec = new_spec(shop)

    made = api.post("/api/v1/orders", json={**spec, "confirm": True})
    shop.work()
    shop.later(31)
    read = api.get(f"/api/v1/orders/{spec['reference']}")

    assert made.status_code == 201
    assert made.json()["reference"] == spec["reference"]
    assert read.status_code == 200
    order = read.json()
    assert [item["id"] for item in order["items"]] == ["L1-1", "L1-2", "B1-pot", "B1-cup"]
    assert {item["state"] for item in order["items"]} == {"auth open"}
    assert all("capture" in item["manual_events"] for item in order["items"])
    assert order["total"] == {"amount": "93.88", "minor": 9388, "currency": "EUR"}
    assert order["expenses"][0]["price_to_pay"]["minor"] == 490
    assert [p["kind"] for p in order["payments"]] == ["authorization"]
    assert order["payments"][0]["state"] == "open"
    assert {entry["kind"] for entry in order["history"]} >= {"state", "payment", "api_call", "ipn"}


def test_capture_and_close_through_the_api_and_then_only_refunds_are_allowed(shop, api):
    order = shop.place()

    fired = api.post(f"/api/v1/orders/{order}/events", json={"event": "capture"})
    shop.work()
    shop.later(1)
    after = api.get(f"/api/v1/orders/{order}").json()
    refused = api.post(f"/api/v1/orders/{order}/events", json={"event": "cancel"})

    assert fired.status_code == 200
    assert {item["state"] for item in after["items"]} == {"closed"}
    assert after["closed_at"] is not None
    assert after["books"]["captured"]["minor"] == 9388
    assert error_of(refused) == (409, "order_closed", "event")


def test_an_event_on_some_items_moves_only_them(shop, api):
    order = shop.place()

    fired = api.post(
        f"/api/v1/orders/{order}/events", json={"event": "capture", "items": ["L1-1", "L1-2"]}
    )
    shop.work()

    assert fired.status_code == 200
    states = shop.item_states(order)
    assert states["B1-pot"] == "auth open"
    assert states["L1-1"] != "auth open"


def test_an_event_the_items_state_refuses_is_a_conflict(shop, api):
    order = shop.place()

    answer = api.post(f"/api/v1/orders/{order}/events", json={"event": "refund"})

    assert error_of(answer) == (409, "event_not_allowed", "event")


def test_reauthorize_is_neither_offered_nor_done_while_the_order_reference_is_suspended(shop, api):
    buyer = shop.amazon.sim.create_order_reference(payment_method="*invalid-payment-method")
    order = shop.app.orders.import_order(order_spec(amazon_order_reference_id=buyer), confirm=True)
    shop.work()
    shop.later(31)  # Amazon declines the authorization and suspends the order reference

    read = api.get(f"/api/v1/orders/{order}").json()
    answer = api.post(f"/api/v1/orders/{order}/events", json={"event": "reauthorize"})

    assert {item["state"] for item in read["items"]} == {"auth declined"}
    assert all("reauthorize" not in item["manual_events"] for item in read["items"])
    assert error_of(answer) == (409, "order_reference_not_open", "event")
    assert "the buyer must first choose another payment method" in answer.json()["error"]["message"]
    assert shop.states(order) == {"auth declined"}


def test_times_are_answered_and_documented_in_utc_with_the_zone(shop, api):
    order = shop.closed_order()

    read = api.get(f"/api/v1/orders/{order}").json()
    schema = api.get("/openapi.json").json()["components"]["schemas"]

    times = [read["placed_at"], *(p["updated_at"] for p in read["payments"])]
    assert times
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", t) for t in times)
    assert "UTC" in schema["OrderOut"]["properties"]["placed_at"]["description"]
    assert "UTC" in str(schema["PaymentOut"]["properties"]["updated_at"])


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"event": "teleport"}, "event", "unknown_event"),
        ({"event": "capture", "items": ["L9-9"]}, "items", "unknown_item"),
        ({"event": "capture", "items": []}, "items", "invalid_value"),
        ({"event": ""}, "event", "invalid_value"),
        ({"items": ["L1-1"]}, "event", "invalid_value"),
        ({"event": "capture", "when": "now"}, "when", "invalid_value"),
    ],
)
def test_a_malformed_event_names_the_field(shop, api, body, field, code):
    order = shop.place()

    answer = api.post(f"/api/v1/orders/{order}/events", json=body)

    assert error_of(answer)[0:3] == (422, code, field)
    assert shop.states(order) == {"auth open"}


def test_events_on_an_unknown_order_are_not_found(api):
    answer = api.post("/api/v1/orders/NOPE/events", json={"event": "capture"})

    assert error_of(answer) == (404, "order_not_found", "reference")


def test_an_unknown_order_is_not_found(api):
    assert error_of(api.get("/api/v1/orders/NOPE")) == (404, "order_not_found", "reference")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"currency": "euro"}, "currency"),
        ({"currency": "XXX"}, "currency"),
        ({"reference": ""}, "reference"),
        ({"reference": "x" * 65}, "reference"),
        ({"customer": {"locale": "de_DE"}}, "customer.email"),
        (
            {"lines": [{"id": "L1", "sku": "a", "name": "A", "unit_price": 19.99}]},
            "lines[0].unit_price",
        ),
        (
            {"lines": [{"id": "L1", "sku": "a", "name": "A", "unit_price": "1.999"}]},
            "lines[0].unit_price",
        ),
        (
            {"lines": [{"id": "L1", "sku": "a", "name": "A", "unit_price": "1", "quantity": 0}]},
            "lines[0].quantity",
        ),
        (
            {"lines": [{"id": "L1", "sku": "a", "name": "A", "unit_price": "1", "shipment": "S9"}]},
            "lines[0].shipment",
        ),
        ({"lines": [], "bundles": []}, "lines"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_malformed_order_is_refused_naming_the_field_and_nothing_is_stored(
    shop, api, change, field
):
    spec = {**new_spec(shop), **change}

    answer = api.post("/api/v1/orders", json=spec)

    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == field
    assert api.get("/api/v1/orders").json()["total"] == 0


def test_a_body_that_is_not_json_is_refused(api):
    answer = api.post(
        "/api/v1/orders", content=b"{not json", headers={"Content-Type": "application/json"}
    )

    assert error_of(answer) == (422, "invalid_json", "body")


def test_an_order_imported_twice_is_a_conflict(shop, api):
    spec = new_spec(shop)
    api.post("/api/v1/orders", json=spec)

    again = api.post("/api/v1/orders", json=spec)
    same_buyer = api.post("/api/v1/orders", json={**spec, "reference": "OTHER-1"})

    assert error_of(again) == (409, "duplicate_order", "reference")
    assert error_of(same_buyer) == (409, "duplicate_order_reference", "amazon_order_reference_id")


def test_orders_are_listed_newest_first_with_search_filters_and_paging(shop, api):
    first = shop.place()
    second = shop.closed_order()

    everything = api.get("/api/v1/orders").json()
    closed = api.get("/api/v1/orders", params={"state": "closed"}).json()
    searched = api.get("/api/v1/orders", params={"search": first.lower()}).json()
    second_page = api.get("/api/v1/orders", params={"limit": 1, "offset": 1}).json()

    assert [o["reference"] for o in everything["orders"]] == [second, first]
    assert everything["orders"][0]["states"] == {"closed": 4}
    assert everything["orders"][0]["total"]["minor"] == 9388
    assert [o["reference"] for o in closed["orders"]] == [second]
    assert [o["reference"] for o in searched["orders"]] == [first]
    assert (second_page["total"], [o["reference"] for o in second_page["orders"]]) == (2, [first])


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"offset": -1}, "offset"),
        ({"limit": "many"}, "limit"),
        ({"placed_from": "2026-03-02T10:00:00"}, "placed_from"),  # no time zone
        ({"placed_to": "yesterday"}, "placed_to"),
    ],
)
def test_a_malformed_order_query_names_the_parameter(api, params, field):
    answer = api.get("/api/v1/orders", params=params)

    assert (answer.status_code, answer.json()["error"]["field"]) == (422, field)


def test_orders_placed_in_a_time_window(shop, api):
    first = shop.place()
    placed = api.get(f"/api/v1/orders/{first}").json()["placed_at"]
    shop.later(3600)
    second = shop.place()

    before = api.get("/api/v1/orders", params={"placed_to": placed.replace("Z", "+00:00")})
    since = api.get("/api/v1/orders", params={"placed_from": placed})

    assert before.json()["total"] == 0
    assert [o["reference"] for o in since.json()["orders"]] == [second, first]
