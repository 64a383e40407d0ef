from __future__ import annotations

import pytest

from amzpay.domain.money import Money
from amzpay.ports.errors import DuplicateOrder
from shop import order_spec


def test_an_imported_order_is_stored_with_its_units_bundle_and_shipping_and_authorized(shop):
    order = shop.place(order_spec())

    with shop.app.database.transaction() as tx:
        stored = tx.order(order)
    assert [item.id for item in stored.items] == ["L1-1", "L1-2", "B1-pot", "B1-cup"]
    assert [item.price_to_pay for item in stored.items[2:]] == [
        Money(2940, "EUR"),
        Money(1960, "EUR"),
    ]
    assert [e.price_to_pay for e in stored.expenses] == [Money(490, "EUR")]
    assert shop.states(order) == {"auth open"}


def test_an_order_is_captured_and_closed_when_staff_capture_every_item(shop):
    order = shop.closed_order()

    assert shop.states(order) == {"closed"}


def test_an_order_reference_is_imported_once(shop):
    spec = order_spec()
    shop.place(spec)

    with pytest.raises(DuplicateOrder):
        shop.app.orders.import_order(spec)


def test_staff_see_which_events_each_item_allows(shop):
    order = shop.place(order_spec())

    items = shop.app.orders.items(order)

    assert {(i.state, i.manual_events) for i in items} == {
        ("auth open", ("cancel", "capture", "close"))
    }
