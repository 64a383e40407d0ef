"""The import command's API: an order imported for API v2 is stored, read and listed as a v2
order (the storefront's v2 checkout imports it so) and follows an API v2 process; what only
the legacy API does (its confirmation, its processes) is refused for it, naming the field;
the services on the in-memory store, the fake Amazon."""

from __future__ import annotations

import pytest

from amzpay.domain.order import AmazonApi
from amzpay.processes.catalog import ASYNC, SYNC, V2, V2_SYNC
from amzpay.services.errors import InvalidOrderSpec, ProcessNotForApi
from amzpay.services.queries import OrderFilter
from shop import api_client


def test_an_order_imported_with_api_v2_is_read_and_listed_as_a_v2_order(shop):
    spec = shop.spec()
    shop.amazon.open_order_reference(spec["amazon_order_reference_id"])

    order = shop.app.orders.import_order(spec, api=AmazonApi.V2)
    legacy = shop.place(shop.spec())

    assert shop.app.queries.order(order).order.api is AmazonApi.V2
    listed = shop.app.queries.orders(OrderFilter(), limit=10, offset=0).rows
    assert {(s.reference, s.api) for s in listed} == {
        (order, AmazonApi.V2),
        (legacy, AmazonApi.LEGACY),
    }
    with api_client(shop) as api:
        assert api.get(f"/api/v1/orders/{order}").json()["api"] == "v2"
        assert api.get(f"/api/v1/orders/{legacy}").json()["api"] == "legacy"


def test_an_order_imported_without_an_api_is_a_legacy_order(shop):
    order = shop.place(shop.spec())

    assert shop.app.queries.order(order).order.api is AmazonApi.LEGACY


def test_a_v2_order_is_not_confirmed_as_a_legacy_order_reference_and_nothing_is_stored(shop):
    spec = shop.spec()

    with pytest.raises(InvalidOrderSpec) as refused:
        shop.app.orders.import_order(spec, api=AmazonApi.V2, confirm=True)

    assert refused.value.field == "confirm"
    assert shop.app.queries.orders(OrderFilter(), limit=10, offset=0).total == 0


def test_a_checkout_session_cannot_be_read_without_api_v2_credentials(shop):
    spec = shop.spec()
    del spec["amazon_order_reference_id"]
    spec["checkout_session_id"] = "bd504926-f659-4ad7-a1a9-9a747aaf5275"

    with api_client(shop) as api:
        answer = api.post("/api/v1/orders", json=spec)

    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "checkout_session_id"


def v2_spec(shop):
    spec = shop.spec()
    shop.amazon.open_order_reference(spec["amazon_order_reference_id"])
    return spec


def test_a_v2_order_follows_the_v2_process_and_a_legacy_order_the_legacy_one(shop):
    v2 = shop.app.orders.import_order(v2_spec(shop), api=AmazonApi.V2)
    legacy = shop.place(shop.spec())
    shop.work()

    assert shop.app.queries.order(v2).facts.process == V2
    assert shop.states(v2) == {"authorized"}
    assert shop.app.queries.order(legacy).facts.process == ASYNC
    assert shop.states(legacy) == {"auth open"}


@pytest.mark.parametrize(
    ("api", "process", "choices"),
    [(AmazonApi.V2, ASYNC, (V2, V2_SYNC)), (AmazonApi.LEGACY, V2_SYNC, (ASYNC, SYNC))],
)
def test_a_process_of_the_other_api_is_refused_naming_both_and_nothing_is_stored(
    shop, api, process, choices
):
    with pytest.raises(ProcessNotForApi) as refused:
        shop.app.orders.import_order(v2_spec(shop), api=api, process=process)

    assert (refused.value.field, refused.value.choices) == ("process", choices)
    assert process in str(refused.value)
    assert "legacy API" in str(refused.value)
    assert "API v2" in str(refused.value)
    assert shop.app.queries.orders(OrderFilter(), limit=10, offset=0).total == 0


def test_the_rest_import_takes_a_process_of_the_orders_api(shop):
    spec = v2_spec(shop)
    spec["charge_permission_id"] = spec.pop("amazon_order_reference_id")

    with api_client(shop) as api:
        made = api.post("/api/v1/orders", json={**spec, "process": V2_SYNC})
        shop.work()
        order = api.get(f"/api/v1/orders/{spec['reference']}").json()

    assert made.status_code == 201, made.text
    assert (order["api"], order["process"]) == ("v2", V2_SYNC)
    assert {item["state"] for item in order["items"]} == {"closed"}


def test_the_rest_import_refuses_a_process_of_the_other_api_with_422_naming_it(shop):
    spec = v2_spec(shop)
    spec["charge_permission_id"] = spec.pop("amazon_order_reference_id")

    with api_client(shop) as api:
        answer = api.post("/api/v1/orders", json={**spec, "process": SYNC})
        listed = api.get("/api/v1/orders").json()

    error = answer.json()["error"]
    assert answer.status_code == 422
    assert (error["code"], error["field"]) == ("process_not_for_api", "process")
    assert SYNC in error["message"]
    assert V2 in error["message"]
    assert listed["total"] == 0
