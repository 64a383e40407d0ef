"""The import command's API: an order imported for API v2 is stored, read and listed as a v2
order (the storefront's v2 checkout imports it so); what only the legacy API does is refused
for it, naming the field; the services on the in-memory store, the fake Amazon."""

from __future__ import annotations

import pytest

from amzpay.domain.order import AmazonApi
from amzpay.services.errors import InvalidOrderSpec
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
