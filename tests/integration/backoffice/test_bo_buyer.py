"""The order page shows who bought and where it ships, when Amazon told at checkout, and says
it is not known otherwise."""

from __future__ import annotations

import re

import pytest
from bo_shop import log_in

from amzpay.domain.buyer import Buyer, OrderBuyer, ShippingAddress


@pytest.fixture
def csrf(client):
    return log_in(client)


def buyer_panel(html: str) -> str:
    [panel] = re.findall(r'<section class="panel buyer".*?</section>', html, re.DOTALL)
    return panel


def test_the_order_page_shows_the_buyer_and_the_shipping_address(shop, client, csrf):
    order = shop.place()
    address = ShippingAddress(
        "Erika Mustermann", ("Heidestraße 17", "Hinterhaus"), "Berlin", "10557", "DE", "Berlin"
    )
    with shop.app.database.transaction() as tx:
        tx.set_order_buyer(
            order, OrderBuyer(Buyer("Erika Mustermann", "erika@example.com"), address)
        )

    panel = buyer_panel(client.get(f"/orders/{order}").text)

    assert 'href="mailto:erika@example.com"' in panel
    words = re.sub(r"<[^>]+>", " ", panel)
    for shown in ("Erika Mustermann", "Heidestraße 17", "Hinterhaus", "10557 Berlin", "DE"):
        assert shown in words


def test_an_order_without_checkout_details_says_the_buyer_is_not_known(shop, client, csrf):
    order = shop.place()

    panel = buyer_panel(client.get(f"/orders/{order}").text)

    assert "Not known" in panel
