"""Orders in and out of the store: as stored, what refunds hold of their lines (folded from the
refunds' own records), which capture took each line, and the errors for unknown and duplicate
orders."""

from __future__ import annotations

from dataclasses import replace

import pytest

from amzpay.domain.order import ExpenseId, ItemId, Refunded, RefundStatus
from amzpay.domain.payment import OrderReferenceState, PaymentKind, RefundState
from amzpay.domain.refund import RefundLine
from amzpay.ports.errors import OrderNotFound
from amzpay.ports.payments import NewPayment
from fakes.orders import make_order
from integration.store.contract.kit import KEY_REFUSAL, NOW, eur, paid, stored


def test_an_order_comes_back_as_it_was_stored(storage):
    order = stored(storage, make_order(quantity=3))

    with storage.read() as tx:
        assert tx.order(order.reference) == order


def test_each_order_gets_its_own_id_which_its_reference_finds(storage):
    first, second = make_order(), make_order()
    with storage.transaction() as tx:
        ids = [tx.add_order(o, process="p", at=NOW) for o in (first, second)]

    with storage.read() as tx:
        assert [tx.order_id(first.reference), tx.order_id(second.reference)] == ids
    assert ids[0] != ids[1]


def test_what_refunds_hold_of_each_line_follows_each_refunds_state(storage):
    order = stored(storage)
    _, _, refund = paid(storage, order.reference)  # L1-1 (19.99) and shipping (4.90), requested
    item, shipping = ItemId("L1-1"), ExpenseId("shipping-1")

    def held():
        with storage.read() as tx:
            return tx.order(order.reference).refunds

    def settle(state):
        with storage.transaction() as tx:
            tx.update_payment(refund, NOW, state=state)

    assert held() == {
        item: Refunded(RefundStatus.PENDING, eur(0), eur(1999)),
        shipping: Refunded(RefundStatus.PENDING, eur(0), eur(490)),
    }
    settle(RefundState.COMPLETED)
    assert held() == {
        item: Refunded(RefundStatus.REFUNDED, eur(1999), eur(0)),
        shipping: Refunded(RefundStatus.REFUNDED, eur(490), eur(0)),
    }


def test_a_line_whose_refund_was_declined_holds_nothing_and_can_be_asked_again(storage):
    order = stored(storage)
    _, capture, refund = paid(storage, order.reference)
    with storage.transaction() as tx:
        tx.update_payment(refund, NOW, state=RefundState.DECLINED)

    with storage.read() as tx:
        assert tx.order(order.reference).refunds == {}

    again = NewPayment(
        PaymentKind.REFUND,
        "R-2",
        eur(1999),
        parent_id=capture.id,
        item_lines=(RefundLine(ItemId("L1-1"), eur(1999)),),
    )
    with storage.transaction() as tx:
        tx.add_payment(order.reference, again, NOW)
    with storage.read() as tx:
        assert tx.order(order.reference).refunds == {
            ItemId("L1-1"): Refunded(RefundStatus.PENDING, eur(0), eur(1999))
        }


def test_the_capture_is_noted_on_the_lines_it_took_and_no_others(storage):
    order = stored(storage)

    with storage.transaction() as tx:
        tx.set_capture(order.reference, ["L1-1", "shipping-1"], "S02-1-C1")

    with storage.read() as tx:
        back = tx.order(order.reference)
    assert [item.capture_id for item in back.items] == ["S02-1-C1", None]
    assert [expense.capture_id for expense in back.expenses] == ["S02-1-C1"]


def test_an_unknown_order_is_not_found(storage):
    with storage.transaction() as tx:
        for look_up in (tx.order, tx.order_id, tx.order_head, tx.lock_order, tx.order_facts):
            with pytest.raises(OrderNotFound) as raised:
                look_up("nope")
            assert raised.value.reference == "nope"


def test_two_orders_cannot_share_a_reference(storage):
    order = stored(storage)
    other = replace(make_order(quantity=5), reference=order.reference)

    with pytest.raises(KEY_REFUSAL), storage.transaction() as tx:
        tx.add_order(other, process="other", at=NOW)

    with storage.read() as tx:
        assert tx.order(order.reference) == order


def test_an_order_paid_with_amazon_pay_starts_with_its_order_reference_open(storage):
    order = stored(storage)

    with storage.read() as tx:
        assert tx.order_reference_state(order.reference) is OrderReferenceState.OPEN
        assert tx.amazon_order_reference_id(order.reference) == order.amazon_order_reference_id


def test_an_order_without_an_amazon_order_reference_has_no_state_for_it(storage):
    order = stored(storage, replace(make_order(), amazon_order_reference_id=None))

    with storage.read() as tx:
        assert tx.order_reference_state(order.reference) is None
        assert tx.amazon_order_reference_id(order.reference) is None
