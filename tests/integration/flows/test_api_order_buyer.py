"""The REST order shows who bought and where it ships when Amazon told, and null for both
otherwise; amzpay on the in-memory store with the fake Amazon."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from amzpay.domain.buyer import Buyer, OrderBuyer, ShippingAddress
from shop import FakeShop, api_client

ERIKA = Buyer("Erika Mustermann", "erika.mustermann@example.com")
BERLIN = ShippingAddress("Erika Mustermann", ("Heidestraße 17",), "Berlin", "10557", "DE")


@pytest.fixture
def api(shop: FakeShop) -> Iterator[httpx.Client]:
    with api_client(shop) as client:
        yield client


def test_the_order_shows_the_buyer_and_the_shipping_address_amazon_told(shop, api):
    order = shop.place(shop.spec())
    with shop.app.database.transaction() as tx:
        tx.set_order_buyer(order, OrderBuyer(ERIKA, BERLIN))

    read = api.get(f"/api/v1/orders/{order}").json()

    assert read["buyer"] == {
        "name": "Erika Mustermann",
        "email": "erika.mustermann@example.com",
        "phone": None,
    }
    assert read["shipping_address"] == {
        "name": "Erika Mustermann",
        "lines": ["Heidestraße 17"],
        "city": "Berlin",
        "postal_code": "10557",
        "region": None,
        "country_code": "DE",
        "phone": None,
    }


def test_an_order_imported_without_checkout_details_has_neither(shop, api):
    order = shop.place(shop.spec())

    read = api.get(f"/api/v1/orders/{order}").json()

    assert (read["buyer"], read["shipping_address"]) == (None, None)


def test_the_openapi_description_names_the_buyer_and_the_address(api):
    schema = api.get("/openapi.json").json()["components"]["schemas"]

    assert {"buyer", "shipping_address"} <= set(schema["OrderOut"]["properties"])
    assert set(schema["AddressOut"]["properties"]) >= {"lines", "city", "country_code"}
