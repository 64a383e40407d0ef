"""Amazon payment records: each with its own state, amounts and lines; found by our id or
Amazon's; polled when pending; a completed refund booked once."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest

from amzpay.domain.order import ExpenseId, ItemId
from amzpay.domain.payment import (
    AuthorizationState,
    CaptureState,
    PaymentKind,
    RefundState,
)
from amzpay.domain.refund import RefundLine
from amzpay.ports.errors import OrderNotFound, RecordNotFound, StorageFailed
from amzpay.ports.payments import NewPayment
from integration.store.contract.kit import KEY_REFUSAL, MINUTE, NOW, eur, paid, stored


def test_each_kind_of_record_keeps_what_it_was_stored_with(storage):
    order = stored(storage).reference
    with storage.transaction() as tx:
        job = tx.add_job(order, "authorize", "start", ["L1-1"], NOW)
        auth = tx.add_payment(
            order,
            NewPayment(
                PaymentKind.AUTHORIZATION,
                "A-1",
                eur(4488),
                ("L1-1",),
                capture_now=True,
                job_id=job.id,
            ),
            NOW,
        )

    auth_r, capture, refund = paid(storage, order, prefix="x")

    assert (auth.kind, auth.order, auth.reference_id, auth.amazon_id) == (
        PaymentKind.AUTHORIZATION,
        order,
        "A-1",
        None,
    )
    assert (auth.state, auth.amount, auth.items, auth.capture_now, auth.job_id) == (
        AuthorizationState.REQUESTED,
        eur(4488),
        ("L1-1",),
        True,
        job.id,
    )
    assert (auth.parent_id, auth.over_refund, auth.polls, auth.next_poll_at) == (
        None,
        None,
        0,
        None,
    )
    assert (capture.state, capture.parent_id, capture.items) == (
        CaptureState.REQUESTED,
        auth_r.id,
        ("L1-1", "L1-2"),
    )
    assert (refund.state, refund.parent_id, refund.over_refund) == (
        RefundState.REQUESTED,
        capture.id,
        eur(0),
    )
    assert refund.item_lines == (RefundLine(ItemId("L1-1"), eur(1999)),)
    assert refund.expense_lines == (RefundLine(ExpenseId("shipping-1"), eur(490)),)
    assert refund.items == ("L1-1", "shipping-1")
    assert (refund.created_at, refund.updated_at, refund.observed_at) == (NOW, NOW, None)
    with storage.read() as tx:
        assert tx.payment(PaymentKind.REFUND, refund.id) == refund
        assert tx.payment(PaymentKind.AUTHORIZATION, auth.id) == auth


def test_a_refund_keeps_what_it_asks_above_the_lines(storage):
    order = stored(storage).reference
    _, capture, _ = paid(storage, order)

    with storage.transaction() as tx:
        refund = tx.add_payment(
            order,
            NewPayment(
                PaymentKind.REFUND, "R-2", eur(2500), parent_id=capture.id, over_refund=eur(500)
            ),
            NOW,
        )

    assert (refund.over_refund, refund.items, refund.item_lines) == (eur(500), (), ())


def test_an_unknown_record_is_not_found(storage):
    with storage.read() as tx, pytest.raises(RecordNotFound) as raised:
        tx.payment(PaymentKind.CAPTURE, 999)
    assert (raised.value.kind, raised.value.key) == ("capture", "999")


def test_a_record_of_an_unknown_order_is_refused(storage):
    with pytest.raises(OrderNotFound), storage.transaction() as tx:
        tx.add_payment("nope", NewPayment(PaymentKind.AUTHORIZATION, "A-1", eur(1)), NOW)


def test_reference_ids_are_unique_within_a_kind(storage):
    order = stored(storage).reference
    paid(storage, order)

    with pytest.raises(KEY_REFUSAL), storage.transaction() as tx:
        tx.add_payment(order, NewPayment(PaymentKind.AUTHORIZATION, "A-1", eur(1)), NOW)


def test_a_capture_needs_its_authorization(storage):
    order = stored(storage).reference

    with pytest.raises(KEY_REFUSAL), storage.transaction() as tx:
        tx.add_payment(order, NewPayment(PaymentKind.CAPTURE, "C-9", eur(1), parent_id=999), NOW)


def test_an_orders_records_of_one_kind_come_oldest_first(storage):
    first, second = stored(storage).reference, stored(storage).reference
    paid(storage, first)
    paid(storage, second, prefix="b")
    with storage.transaction() as tx:
        later = tx.add_payment(first, NewPayment(PaymentKind.AUTHORIZATION, "A-2", eur(5)), NOW)

    with storage.read() as tx:
        auths = tx.payments(first, PaymentKind.AUTHORIZATION)
        refunds = tx.payments(second, PaymentKind.REFUND)
        with pytest.raises(OrderNotFound):
            tx.payments("nope", PaymentKind.REFUND)

    assert [r.reference_id for r in auths] == ["A-1", "A-2"]
    assert auths[1] == later
    assert [r.reference_id for r in refunds] == ["bR-1"]


def test_a_jobs_records_are_those_it_stored(storage):
    order = stored(storage).reference
    with storage.transaction() as tx:
        job = tx.add_job(order, "authorize", "start", ["L1-1"], NOW)
        mine = [
            tx.add_payment(
                order, NewPayment(PaymentKind.AUTHORIZATION, f"A-{n}", eur(1), job_id=job.id), NOW
            )
            for n in (1, 2)
        ]
        tx.add_payment(order, NewPayment(PaymentKind.AUTHORIZATION, "A-3", eur(1)), NOW)

    with storage.read() as tx:
        assert tx.job_payments(job.id, PaymentKind.AUTHORIZATION) == mine
        assert tx.job_payments(job.id, PaymentKind.CAPTURE) == []


def test_a_record_is_found_by_our_reference_id_or_amazons_id(storage):
    order = stored(storage).reference
    _, capture, _ = paid(storage, order)
    with storage.transaction() as tx:
        capture = tx.update_payment(capture, NOW, amazon_id="S02-1-C1")

    with storage.read() as tx:
        by_ours = tx.find_payment(PaymentKind.CAPTURE, reference_id="C-1")
        by_amazons = tx.find_payment(PaymentKind.CAPTURE, amazon_id="S02-1-C1")
        wrong_kind = tx.find_payment(PaymentKind.REFUND, reference_id="C-1")
        unknown = tx.find_payment(PaymentKind.CAPTURE, amazon_id="S02-9")
        neither = tx.find_payment(PaymentKind.CAPTURE)

    assert by_ours == by_amazons == capture
    assert (wrong_kind, unknown, neither) == (None, None, None)


def test_an_update_changes_the_named_fields_and_the_update_time(storage):
    order = stored(storage).reference
    _, _, refund = paid(storage, order)
    later = NOW + MINUTE

    with storage.transaction() as tx:
        changed = tx.update_payment(
            refund,
            later,
            state=RefundState.DECLINED,
            amazon_id="S02-1-R1",
            reason_code="AmazonRejected",
            error_code="E",
            error_message="no",
            observed_at=NOW,
        )

    assert (changed.state, changed.amazon_id, changed.reason_code) == (
        RefundState.DECLINED,
        "S02-1-R1",
        "AmazonRejected",
    )
    assert (changed.error_code, changed.error_message, changed.observed_at) == ("E", "no", NOW)
    assert (changed.created_at, changed.updated_at) == (NOW, later)
    assert changed.item_lines == refund.item_lines
    with storage.read() as tx:
        assert tx.payment(PaymentKind.REFUND, refund.id) == changed


def test_each_record_keeps_its_own_state(storage):
    order = stored(storage).reference
    _, _, refund = paid(storage, order)

    with storage.transaction() as tx:
        tx.update_payment(refund, NOW, state="pending", amazon_id="AMZ-R-1")

    with storage.read() as tx:
        states = {kind: [r.state for r in tx.payments(order, kind)] for kind in PaymentKind}
    assert states == {
        PaymentKind.AUTHORIZATION: ["requested"],
        PaymentKind.CAPTURE: ["requested"],
        PaymentKind.REFUND: ["pending"],
    }


def test_a_refund_carries_the_seller_note_set_on_it(storage):
    order = stored(storage).reference
    _, _, refund = paid(storage, order)

    with storage.transaction() as tx:
        tx.set_seller_note(refund, "{SandboxSimulation: {State: Declined}}")

    with storage.read() as tx:
        note = tx.payment(PaymentKind.REFUND, refund.id).seller_note
    assert (refund.seller_note, note) == (None, "{SandboxSimulation: {State: Declined}}")


def test_unsettled_refunds_are_the_requested_and_pending_ones_oldest_first(storage):
    order = stored(storage).reference
    _, capture, _ = paid(storage, order)
    with storage.transaction() as tx:
        second, third = (
            tx.add_payment(
                order, NewPayment(PaymentKind.REFUND, f"R-{n}", eur(1), parent_id=capture.id), NOW
            )
            for n in (2, 3)
        )
        tx.update_payment(second, NOW, state="pending")
        tx.update_payment(third, NOW, state="completed")

    with storage.read() as tx:
        assert [r.reference_id for r in tx.unsettled_refunds()] == ["R-1", "R-2"]


def _pending_auth(storage, reference_id="A-1", amazon_id="AMZ-A-1"):
    order = stored(storage).reference
    with storage.transaction() as tx:
        auth = tx.add_payment(
            order, NewPayment(PaymentKind.AUTHORIZATION, reference_id, eur(4488), ("L1-1",)), NOW
        )
        return tx.update_payment(auth, NOW, state="pending", amazon_id=amazon_id)


def test_a_pending_record_is_due_for_its_first_poll_one_step_after_it_last_changed(storage):
    _pending_auth(storage)
    step = MINUTE

    with storage.read() as tx:
        early = tx.polls_due(NOW + step - timedelta(seconds=1), step, 10)
        due = tx.polls_due(NOW + step, step, 10)

    assert early == []
    assert [record.reference_id for record in due] == ["A-1"]


def test_a_scheduled_poll_is_due_at_its_time_whatever_the_first_step(storage):
    auth = _pending_auth(storage)
    with storage.transaction() as tx:
        tx.schedule_poll(PaymentKind.AUTHORIZATION, auth.id, 1, NOW + timedelta(hours=2))

    with storage.read() as tx:
        before = tx.polls_due(NOW + timedelta(hours=1), MINUTE, 10)
        at = tx.polls_due(NOW + timedelta(hours=2), MINUTE, 10)

    assert before == []
    assert [(r.polls, r.next_poll_at) for r in at] == [(1, NOW + timedelta(hours=2))]


def test_only_pending_records_with_an_amazon_id_are_polled_up_to_the_limit_per_kind(storage):
    order = stored(storage).reference
    _, capture, refund = paid(storage, order)
    with storage.transaction() as tx:
        tx.update_payment(capture, NOW, state="pending")  # no Amazon id: nothing to ask
        tx.update_payment(refund, NOW, state="pending", amazon_id="AMZ-R-1")
        more = tx.add_payment(
            order, NewPayment(PaymentKind.REFUND, "R-2", eur(1), parent_id=capture.id), NOW
        )
        tx.update_payment(more, NOW, state="pending", amazon_id="AMZ-R-2")
        extra = tx.add_payment(order, NewPayment(PaymentKind.AUTHORIZATION, "A-2", eur(1)), NOW)
        tx.update_payment(extra, NOW, state="open", amazon_id="AMZ-A-2")

    with storage.read() as tx:
        due = tx.polls_due(NOW + MINUTE, MINUTE, 1)
        every = tx.polls_due(NOW + MINUTE, MINUTE, 10)

    assert [r.reference_id for r in due] == ["R-1"]
    assert [r.reference_id for r in every] == ["R-1", "R-2"]


def test_a_refund_is_booked_once_however_often_it_completes(storage):
    order = stored(storage).reference
    _, _, refund = paid(storage, order)

    with storage.transaction() as tx:
        first = tx.book_refund(refund, NOW)
        second = tx.book_refund(refund, NOW)
    with storage.transaction() as tx:
        third = tx.book_refund(refund, NOW + MINUTE)

    assert (first, second, third) == (True, False, False)
    with storage.read() as tx:
        assert tx.refund_bookings(order) == [(refund.id, eur(2489))]


def test_an_orders_bookings_are_its_own_in_booking_order(storage):
    first, second = stored(storage).reference, stored(storage).reference
    _, capture, refund = paid(storage, first)
    _, _, other = paid(storage, second, prefix="b")
    with storage.transaction() as tx:
        later = tx.add_payment(
            first, NewPayment(PaymentKind.REFUND, "R-2", eur(7), parent_id=capture.id), NOW
        )
        tx.book_refund(later, NOW)
        tx.book_refund(other, NOW)
        tx.book_refund(refund, NOW)

    with storage.read() as tx:
        assert tx.refund_bookings(first) == [(later.id, eur(7)), (refund.id, eur(2489))]
        assert tx.refund_bookings(second) == [(other.id, eur(2489))]


def test_timestamps_come_back_aware_and_in_utc(storage):
    order = stored(storage).reference
    east = NOW.astimezone(timezone(timedelta(hours=2)))

    with storage.transaction() as tx:
        auth = tx.add_payment(order, NewPayment(PaymentKind.AUTHORIZATION, "A-1", eur(1)), east)
    with storage.read() as tx:
        back = tx.payment(PaymentKind.AUTHORIZATION, auth.id)

    assert back.created_at == NOW
    assert back.created_at.utcoffset() == timedelta(0)


def test_a_naive_timestamp_is_refused(storage):
    order = stored(storage).reference

    with pytest.raises((ValueError, StorageFailed)) as refused, storage.transaction() as tx:
        tx.add_payment(
            order, NewPayment(PaymentKind.AUTHORIZATION, "A-1", eur(1)), NOW.replace(tzinfo=None)
        )

    assert "naive" in str(refused.value.__cause__ or refused.value)  # the store's: its cause
