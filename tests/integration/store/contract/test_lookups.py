"""The lookups the IPN endpoint and the mails make without reading whole records or orders:
each record's items, the order of a payment object, a mail's addressee."""

from __future__ import annotations

import pytest

from amzpay.domain.order import ExpenseId, ItemId
from amzpay.domain.payment import PaymentKind
from amzpay.domain.refund import RefundLine
from amzpay.ports.errors import OrderNotFound
from amzpay.ports.payments import NewPayment
from fakes.orders import make_order
from integration.store.contract.kit import NOW, eur, paid, stored


def test_each_records_items_come_as_its_record_has_them(storage):
    order = stored(storage).reference
    _, capture, first = paid(storage, order)
    second = NewPayment(
        PaymentKind.REFUND,
        "R-2",
        eur(1999),
        parent_id=capture.id,
        item_lines=(RefundLine(ItemId("L1-2"), eur(1999)),),
        expense_lines=(RefundLine(ExpenseId("shipping-1"), eur(0)),),
    )
    with storage.transaction() as tx:
        second_id = tx.add_payment(order, second, NOW).id

    with storage.read() as tx:
        found = {kind: tx.payment_items(order, kind) for kind in PaymentKind}
        expected = {
            kind: [(record.id, record.items) for record in tx.payments(order, kind)]
            for kind in PaymentKind
        }

    assert found == expected
    assert found[PaymentKind.REFUND] == [
        (first.id, ("L1-1", "shipping-1")),
        (second_id, ("L1-2", "shipping-1")),
    ]
    assert found[PaymentKind.CAPTURE] == [(capture.id, ("L1-1", "L1-2"))]


def test_the_order_of_a_payment_is_found_by_our_id_then_amazons_then_its_order_reference(
    storage,
):
    ours, other = stored(storage), stored(storage)
    _, _, refund = paid(storage, ours.reference)
    with storage.transaction() as tx:
        tx.update_payment(refund, NOW, amazon_id="S02-AMAZON-R1")
    elsewhere = other.amazon_order_reference_id

    def order_of(kind, reference_id, amazon_id, order_reference_id):
        with storage.read() as tx:
            return tx.order_of_payment(kind, reference_id, amazon_id, order_reference_id)

    refund_kind = PaymentKind.REFUND
    assert order_of(refund_kind, "R-1", "S02-UNKNOWN", elsewhere) == ours.reference
    assert order_of(refund_kind, None, "S02-AMAZON-R1", elsewhere) == ours.reference
    assert order_of(refund_kind, "R-unknown", "S02-UNKNOWN", elsewhere) == other.reference
    assert order_of(refund_kind, "R-unknown", "S02-UNKNOWN", None) is None
    assert order_of(PaymentKind.CAPTURE, "R-1", "S02-AMAZON-R1", None) is None


def test_a_mails_addressee_is_the_buyer_with_the_names_of_the_items_asked_about(storage):
    order = stored(storage, make_order(quantity=2))
    first, second = order.items

    with storage.read() as tx:
        found = tx.addressee(order.reference, [first.id, "shipping-1", "no-such-line"])
        with pytest.raises(OrderNotFound):
            tx.addressee("NO-SUCH-ORDER", [first.id])

    assert (found.reference, found.customer_email, found.locale) == (
        order.reference,
        order.customer_email,
        order.locale,
    )
    assert found.item_names == {first.id: first.name}
    assert second.id not in found.item_names
