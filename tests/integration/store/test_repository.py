from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from amzpay.domain.money import Money
from amzpay.domain.order import ExpenseId, ItemId, Refunded, RefundStatus
from amzpay.domain.refund import RefundLine
from amzpay.store.errors import OrderNotFound
from amzpay.store.log_rows import CallRecord
from amzpay.store.payments import NewPayment, PaymentKind
from fakes.orders import make_order

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def store(database, order, process="amazon-pay-async"):
    with database.transaction() as tx:
        tx.add_order(order, process=process, at=NOW)
    return order.reference


def add_capture_and_refund(database, order):
    with database.transaction() as tx:
        auth = tx.add_payment(
            order, NewPayment(PaymentKind.AUTHORIZATION, "A-1", Money(4488, "EUR"), ("L1-1",)), NOW
        )
        capture = tx.add_payment(
            order,
            NewPayment(PaymentKind.CAPTURE, "C-1", Money(4488, "EUR"), ("L1-1",), auth.id),
            NOW,
        )
        line = RefundLine(ItemId("L1-1"), Money(1999, "EUR"))
        new = NewPayment(
            PaymentKind.REFUND, "R-1", Money(1999, "EUR"), parent_id=capture.id, item_lines=(line,)
        )
        return tx.add_payment(order, new, NOW)


def test_an_order_comes_back_as_it_was_stored(database):
    order = make_order(quantity=3)

    store(database, order)

    with database.transaction() as tx:
        assert tx.order(order.reference) == order


def test_what_refunds_hold_of_each_line_is_kept(database):
    order = make_order()
    reference = store(database, order)
    held = Refunded(RefundStatus.PENDING, Money(0, "EUR"), Money(1999, "EUR"))

    with database.transaction() as tx:
        tx.save_refunds(replace(order, refunds={ItemId("L1-1"): held}))

    with database.transaction() as tx:
        assert tx.order(reference).refunded(ItemId("L1-1")) == held


def test_an_unknown_order_is_not_found(database):
    with pytest.raises(OrderNotFound), database.transaction() as tx:
        tx.order("nope")


def test_two_orders_cannot_share_a_reference(database):
    order = make_order()
    store(database, order)

    with pytest.raises(IntegrityError):
        store(database, order)


def test_each_payment_record_keeps_its_own_state(database):
    reference = store(database, make_order())
    refund = add_capture_and_refund(database, reference)

    with database.transaction() as tx:
        tx.update_payment(refund, NOW, state="pending", amazon_id="AMZ-R-1")
        states = {kind: [r.state for r in tx.payments(reference, kind)] for kind in PaymentKind}

    assert states == {
        PaymentKind.AUTHORIZATION: ["requested"],
        PaymentKind.CAPTURE: ["requested"],
        PaymentKind.REFUND: ["pending"],
    }


def test_a_refund_keeps_the_amount_of_each_line_it_asked_for(database):
    reference = store(database, make_order())

    refund = add_capture_and_refund(database, reference)

    assert refund.item_lines == (RefundLine(ItemId("L1-1"), Money(1999, "EUR")),)
    assert refund.items == ("L1-1",)


def test_each_records_items_come_in_one_query_as_its_record_has_them(database):
    reference = store(database, make_order(quantity=2))
    first = add_capture_and_refund(database, reference)
    with database.transaction() as tx:
        lines = (RefundLine(ItemId("L1-2"), Money(1999, "EUR")),)
        expense = (RefundLine(ExpenseId("shipping"), Money(490, "EUR")),)
        new = NewPayment(
            PaymentKind.REFUND,
            "R-2",
            Money(2489, "EUR"),
            parent_id=first.parent_id,
            item_lines=lines,
            expense_lines=expense,
        )
        second = tx.add_payment(reference, new, NOW)

    with database.read() as tx:
        found = {kind: tx.payment_items(reference, kind) for kind in PaymentKind}
        expected = {
            kind: [(record.id, record.items) for record in tx.payments(reference, kind)]
            for kind in PaymentKind
        }

    assert found == expected
    assert found[PaymentKind.REFUND] == [(first.id, ("L1-1",)), (second.id, ("L1-2", "shipping"))]
    assert found[PaymentKind.CAPTURE] == [(first.parent_id, ("L1-1",))]


def test_the_order_of_a_payment_is_found_by_our_id_then_amazons_then_its_order_reference(
    database,
):
    ours = make_order()
    other = make_order()
    reference, other_reference = store(database, ours), store(database, other)
    refund = add_capture_and_refund(database, reference)
    with database.transaction() as tx:
        tx.update_payment(refund, NOW, amazon_id="S02-AMAZON-R1")

    def order_of(reference_id, amazon_id, order_reference_id):
        with database.read() as tx:
            return tx.order_of_payment(
                PaymentKind.REFUND, reference_id, amazon_id, order_reference_id
            )

    other_amazon_reference = other.amazon_order_reference_id
    assert order_of("R-1", "S02-UNKNOWN", other_amazon_reference) == reference
    assert order_of(None, "S02-AMAZON-R1", other_amazon_reference) == reference
    assert order_of("R-unknown", "S02-UNKNOWN", other_amazon_reference) == other_reference
    assert order_of("R-unknown", "S02-UNKNOWN", None) is None
    with database.read() as tx:
        assert tx.order_of_payment(PaymentKind.CAPTURE, "R-1", "S02-AMAZON-R1", None) is None


def test_a_mails_addressee_is_the_buyer_with_the_names_of_the_items_asked_about(database):
    order = make_order(quantity=2)
    reference = store(database, order)
    first, second = order.items[0], order.items[1]

    with database.read() as tx:
        found = tx.addressee(reference, [first.id, "shipping", "no-such-line"])
        with pytest.raises(OrderNotFound):
            tx.addressee("NO-SUCH-ORDER", [first.id])

    assert (found.reference, found.customer_email, found.locale) == (
        reference,
        order.customer_email,
        order.locale,
    )
    assert found.item_names == {first.id: first.name}
    assert second.id not in found.item_names


def test_a_refund_is_booked_once_however_often_it_completes(database):
    reference = store(database, make_order())
    refund = add_capture_and_refund(database, reference)

    with database.transaction() as tx:
        first = tx.book_refund(refund, NOW)
        second = tx.book_refund(refund, NOW)

    with database.transaction() as tx:
        assert (first, second) == (True, False)
        assert tx.refund_bookings(reference) == [(refund.id, Money(1999, "EUR"))]


def test_reference_ids_are_unique(database):
    reference = store(database, make_order())
    add_capture_and_refund(database, reference)

    with pytest.raises(IntegrityError), database.transaction() as tx:
        tx.add_payment(
            reference, NewPayment(PaymentKind.AUTHORIZATION, "A-1", Money(1, "EUR"), ()), NOW
        )


def test_a_notification_enters_the_inbox_once_by_its_message_id(database):
    with database.transaction() as tx:
        first = tx.receive_ipn("m-1", "PaymentRefund", "{}", NOW)
        second = tx.receive_ipn("m-1", "PaymentRefund", "{}", NOW)

    assert (first, second) == (True, False)


def test_a_call_is_logged_with_the_order_its_reference_id_belongs_to(database):
    reference = store(database, make_order())
    add_capture_and_refund(database, reference)
    call = CallRecord(
        "Refund",
        1,
        "failed",
        NOW,
        120,
        reference_id="R-1",
        http_status=400,
        request_id="b8e9-1",
        error_code="InvalidParameterValue",
        parameters={"RefundReferenceId": "R-1", "RefundAmount.Amount": "19.99"},
    )

    with database.transaction() as tx:
        tx.log_call(call)

    with database.transaction() as tx:
        assert tx.api_calls(reference) == [call]


def test_a_call_is_linked_to_its_order_by_the_amazon_order_reference_id(database):
    order = make_order()
    reference = store(database, order)
    assert order.amazon_order_reference_id is not None
    ids = {"AmazonOrderReferenceId": order.amazon_order_reference_id}
    call = CallRecord("CloseOrderReference", 1, "ok", NOW, 80, parameters=ids)

    with database.transaction() as tx:
        tx.log_call(call)

    with database.transaction() as tx:
        assert [c.operation for c in tx.api_calls(reference)] == ["CloseOrderReference"]


def test_timestamps_come_back_aware_and_in_utc(database):
    reference = store(database, make_order())

    refund = add_capture_and_refund(database, reference)

    assert refund.created_at == NOW
    assert refund.created_at.tzinfo is not None


def test_an_order_paid_with_amazon_pay_starts_with_its_order_reference_open(database):
    reference = store(database, make_order())

    with database.transaction() as tx:
        assert tx.order_reference_state(reference) == "open"


def test_a_pending_record_is_due_for_its_first_poll_one_step_after_it_last_changed(database):
    order = make_order()
    store(database, order)
    step = timedelta(minutes=1)
    with database.transaction() as tx:
        auth = tx.add_payment(
            order.reference,
            NewPayment(PaymentKind.AUTHORIZATION, "A-1", Money(4488, "EUR"), ("L1-1",)),
            NOW,
        )
        tx.update_payment(auth, NOW, state="pending", amazon_id="AMZ-A-1")

    with database.read() as tx:
        early = tx.polls_due(NOW + step - timedelta(seconds=1), step, 10)
        due = tx.polls_due(NOW + step, step, 10)

    assert early == []
    assert [record.reference_id for record in due] == ["A-1"]


def test_a_scheduled_poll_is_due_at_its_time_whatever_the_first_step(database):
    order = make_order()
    store(database, order)
    with database.transaction() as tx:
        auth = tx.add_payment(
            order.reference,
            NewPayment(PaymentKind.AUTHORIZATION, "A-1", Money(4488, "EUR"), ("L1-1",)),
            NOW,
        )
        auth = tx.update_payment(auth, NOW, state="pending", amazon_id="AMZ-A-1")
        tx.schedule_poll(PaymentKind.AUTHORIZATION, auth.id, 1, NOW + timedelta(hours=2))

    with database.read() as tx:
        before = tx.polls_due(NOW + timedelta(hours=1), timedelta(minutes=1), 10)
        at = tx.polls_due(NOW + timedelta(hours=2), timedelta(minutes=1), 10)

    assert before == []
    assert [record.polls for record in at] == [1]
