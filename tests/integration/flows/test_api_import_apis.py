"""The REST import takes an order paid through either API: a legacy order reference id, an
API v2 charge permission id, or the v2 checkout session whose charge permission Amazon is
asked for; exactly one of them, each in its shape, or a 422 naming the field. The order then
says its API, as stored (SQLite and PostgreSQL, the simulator serving both APIs)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from mixed import ORDER_TOTAL, MixedShop, mixed_shop_on
from shop import api_client, order_spec


@pytest.fixture
def shop(database_url: str) -> Iterator[MixedShop]:
    with mixed_shop_on(database_url) as made:
        yield made


@pytest.fixture
def api(shop: MixedShop) -> Iterator[httpx.Client]:
    with api_client(shop) as client:
        yield client


def spec_with(**ids: str) -> dict:
    spec = order_spec()
    del spec["amazon_order_reference_id"]
    return {**spec, **ids}


def error_of(answer: httpx.Response) -> tuple[int, str | None]:
    return answer.status_code, answer.json()["error"]["field"]


def imported(shop: MixedShop, api: httpx.Client, spec: dict) -> dict:
    made = api.post("/api/v1/orders", json=spec)
    assert made.status_code == 201, made.text
    shop.work()
    return api.get(f"/api/v1/orders/{spec['reference']}").json()


def test_an_order_imported_by_its_legacy_order_reference_is_a_legacy_order(shop, api):
    buyer = shop.amazon.sim.create_order_reference(payment_method="visa")

    order = imported(shop, api, {**spec_with(amazon_order_reference_id=buyer), "confirm": True})

    assert (order["api"], order["amazon_order_reference_id"]) == ("legacy", buyer)
    assert order["payments"][0]["kind"] == "authorization"
    assert order["process"] == "amazon-pay-async"


def test_an_order_imported_by_its_charge_permission_is_a_v2_order_charged_through_v2(shop, api):
    permission = shop.amazon.v2_checkout(ORDER_TOTAL)

    order = imported(shop, api, spec_with(charge_permission_id=permission))

    assert (order["api"], order["amazon_order_reference_id"]) == ("v2", permission)
    assert order["payments"][0]["state"] == "open"  # Create Charge: Authorized
    assert order["process"] == "amazon-pay-v2"
    assert {item["state"] for item in order["items"]} == {"authorized"}
    with shop.app.database.read() as tx:
        assert "CreateCharge" in {call.operation for call in tx.api_calls(order["reference"])}


def test_an_order_imported_by_its_checkout_session_is_paid_by_the_sessions_charge_permission(
    shop, api
):
    session, permission = shop.amazon.v2_session(ORDER_TOTAL)

    order = imported(shop, api, spec_with(checkout_session_id=session))

    assert (order["api"], order["amazon_order_reference_id"]) == ("v2", permission)
    listed = api.get("/api/v1/orders").json()["orders"]
    assert [(o["reference"], o["api"]) for o in listed] == [(order["reference"], "v2")]


def test_a_checkout_session_not_completed_yet_is_refused_naming_it_and_nothing_is_stored(shop, api):
    session, _ = shop.amazon.v2_session(ORDER_TOTAL, complete=False)

    answer = api.post("/api/v1/orders", json=spec_with(checkout_session_id=session))

    assert error_of(answer) == (422, "checkout_session_id")
    assert "not completed" in answer.json()["error"]["message"]
    assert api.get("/api/v1/orders").json()["total"] == 0


def test_a_checkout_session_amazon_does_not_know_is_refused_naming_it(shop, api):
    unknown = "0a0b0c0d-1111-2222-3333-444455556666"

    answer = api.post("/api/v1/orders", json=spec_with(checkout_session_id=unknown))

    assert error_of(answer) == (422, "checkout_session_id")


@pytest.mark.parametrize(
    ("ids", "field"),
    [
        ({}, "amazon_order_reference_id"),
        (
            {"amazon_order_reference_id": "S02-1000001-1000001", "charge_permission_id": "S02-1"},
            "charge_permission_id",
        ),
        ({"charge_permission_id": "not-a-permission"}, "charge_permission_id"),
        ({"checkout_session_id": "S02-1234567-1234567"}, "checkout_session_id"),
    ],
)
def test_none_or_two_amazon_ids_or_one_of_the_wrong_shape_are_refused_naming_the_field(
    shop, api, ids, field
):
    answer = api.post("/api/v1/orders", json=spec_with(**ids))

    assert error_of(answer) == (422, field)
    assert api.get("/api/v1/orders").json()["total"] == 0


def test_the_ipn_log_is_read_one_apis_messages_at_a_time(shop, api):
    buyer = shop.amazon.sim.create_order_reference(payment_method="visa")
    imported(shop, api, {**spec_with(amazon_order_reference_id=buyer), "confirm": True})
    imported(shop, api, spec_with(charge_permission_id=shop.amazon.v2_checkout(ORDER_TOTAL)))
    shop.later(60)  # the legacy authorization's IPN, the v2 charge's and charge permission's

    def types(query: str) -> set[str]:
        answer = api.get(f"/api/v1/ipns{query}")
        assert answer.status_code == 200, answer.text
        return {ipn["notification_type"] for ipn in answer.json()["ipns"]}

    legacy, v2, both = types("?api=legacy"), types("?api=v2"), types("")

    assert legacy
    assert v2
    assert legacy <= {"OrderReferenceNotification", "PaymentAuthorize", "PaymentCapture"}
    assert v2 <= {"CHARGE", "CHARGE_PERMISSION"}
    assert both == legacy | v2
    assert api.get("/api/v1/ipns?api=v3").status_code == 422
