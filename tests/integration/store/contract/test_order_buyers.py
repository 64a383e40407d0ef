"""Who bought an order and where it ships: kept with the order, replaced as a whole, empty for
an order Amazon told nothing of, and refused for an order that is not stored."""

from __future__ import annotations

import pytest

from amzpay.domain.buyer import Buyer, OrderBuyer, ShippingAddress
from amzpay.ports.errors import OrderNotFound
from integration.store.contract.kit import stored

ERIKA = Buyer("Erika Mustermann", "erika.mustermann@example.com", "+49 30 1234567")
BERLIN = ShippingAddress(
    name="Erika Mustermann",
    lines=("Heidestraße 17", "Hinterhaus"),
    city="Berlin",
    postal_code="10557",
    country_code="DE",
    region="Berlin",
    phone="+49 30 1234567",
)


def test_the_buyer_and_the_shipping_address_come_back_as_kept(storage):
    order = stored(storage)
    with storage.transaction() as tx:
        tx.set_order_buyer(order.reference, OrderBuyer(ERIKA, BERLIN))

    with storage.read() as tx:
        assert tx.order_buyer(order.reference) == OrderBuyer(ERIKA, BERLIN)


def test_an_address_without_postal_code_region_or_phone_keeps_them_unknown(storage):
    order = stored(storage)
    hong_kong = ShippingAddress("Chan Tai Man", ("1 Queen's Road",), "Hong Kong", None, "HK")
    with storage.transaction() as tx:
        tx.set_order_buyer(order.reference, OrderBuyer(Buyer("Chan", "chan@example.hk"), hong_kong))

    with storage.read() as tx:
        kept = tx.order_buyer(order.reference)
    assert kept.shipping_address == hong_kong
    assert kept.buyer == Buyer("Chan", "chan@example.hk")


def test_an_order_amazon_told_nothing_of_has_neither_buyer_nor_address(storage):
    order = stored(storage)

    with storage.read() as tx:
        assert tx.order_buyer(order.reference) == OrderBuyer(None, None)


def test_keeping_the_buyer_again_replaces_what_was_kept(storage):
    order = stored(storage)
    with storage.transaction() as tx:
        tx.set_order_buyer(order.reference, OrderBuyer(ERIKA, BERLIN))
    with storage.transaction() as tx:
        tx.set_order_buyer(order.reference, OrderBuyer(ERIKA, None))

    with storage.read() as tx:
        assert tx.order_buyer(order.reference) == OrderBuyer(ERIKA, None)


def test_each_order_keeps_its_own_buyer(storage):
    first, second = stored(storage), stored(storage)
    other = Buyer("John Smith", "john.smith@example.co.uk")
    with storage.transaction() as tx:
        tx.set_order_buyer(first.reference, OrderBuyer(ERIKA, BERLIN))
        tx.set_order_buyer(second.reference, OrderBuyer(other, None))

    with storage.read() as tx:
        assert tx.order_buyer(first.reference).buyer == ERIKA
        assert tx.order_buyer(second.reference).buyer == other


def test_the_buyer_of_an_order_that_is_not_stored_is_refused(storage):
    with pytest.raises(OrderNotFound), storage.transaction() as tx:
        tx.set_order_buyer("NO-SUCH-ORDER", OrderBuyer(ERIKA, BERLIN))
    with pytest.raises(OrderNotFound), storage.read() as tx:
        tx.order_buyer("NO-SUCH-ORDER")


def test_a_buyer_kept_in_a_unit_of_work_that_fails_is_not_kept(storage):
    order = stored(storage)

    def keep_then_fail() -> None:
        with storage.transaction() as tx:
            tx.set_order_buyer(order.reference, OrderBuyer(ERIKA, BERLIN))
            raise RuntimeError("the order's import failed after")

    with pytest.raises(RuntimeError):
        keep_then_fail()

    with storage.read() as tx:
        assert tx.order_buyer(order.reference) == OrderBuyer()
