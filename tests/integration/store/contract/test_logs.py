"""The Amazon API call log, the IPN inbox (receipt once per message id, processing,
retries, claims) and the order reference's own row."""

from __future__ import annotations

from dataclasses import replace

import pytest

from amzpay.domain.payment import OrderReferenceState, PaymentKind
from amzpay.ports.errors import OrderNotFound
from amzpay.ports.flow import InboxMessage
from amzpay.ports.logs import CallRecord, IpnObject, IpnSubject
from fakes.orders import make_order
from integration.store.contract.kit import MINUTE, NOW, paid, stored


def _refund_call(**changes):
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
    return replace(call, **changes)


def test_a_call_is_logged_with_the_order_its_reference_id_belongs_to(storage):
    order = stored(storage).reference
    paid(storage, order)
    call = _refund_call()

    with storage.transaction() as tx:
        tx.log_call(call)
        tx.log_call(replace(call, attempt=2, outcome="ok", http_status=200))

    with storage.read() as tx:
        calls = tx.api_calls(order)
    assert calls == [call, replace(call, attempt=2, outcome="ok", http_status=200)]


def test_a_call_is_linked_to_its_order_by_the_amazon_order_reference_id(storage):
    order = stored(storage)
    other = stored(storage)
    ids = {"AmazonOrderReferenceId": order.amazon_order_reference_id}
    call = CallRecord("CloseOrderReference", 1, "ok", NOW, 80, parameters=ids)

    with storage.transaction() as tx:
        tx.log_call(call)

    with storage.read() as tx:
        assert [c.operation for c in tx.api_calls(order.reference)] == ["CloseOrderReference"]
        assert tx.api_calls(other.reference) == []


def test_a_call_about_nothing_known_is_logged_with_no_order(storage):
    order = stored(storage).reference

    with storage.transaction() as tx:
        tx.log_call(_refund_call(reference_id="R-unknown"))
        tx.log_call(CallRecord("GetServiceStatus", 1, "ok", NOW, 5))

    with storage.read() as tx:
        assert tx.api_calls(order) == []
        with pytest.raises(OrderNotFound):
            tx.api_calls("nope")


# -- the IPN inbox ------------------------------------------------------------------------------


def test_a_notification_enters_the_inbox_once_by_its_message_id(storage):
    with storage.transaction() as tx:
        first = tx.receive_ipn("m-1", "PaymentRefund", "{}", NOW)
        second = tx.receive_ipn("m-1", "PaymentRefund", '{"again": 1}', NOW)
    with storage.transaction() as tx:
        third = tx.receive_ipn("m-1", "PaymentRefund", "{}", NOW)

    assert (first, second, third) == (True, False, False)
    with storage.read() as tx:
        assert tx.unprocessed_ipns(10) == [InboxMessage("m-1", "PaymentRefund", "{}", 0)]


def test_what_a_notification_is_about_links_it_to_its_order(storage):
    order = stored(storage).reference
    other = stored(storage).reference
    about = IpnSubject("refund", "S02-1-R1", "Completed", order)

    with storage.transaction() as tx:
        tx.receive_ipn("m-1", "PaymentRefund", "{1}", NOW, about)
        tx.receive_ipn("m-2", "PaymentRefund", "{2}", NOW + MINUTE)
        tx.receive_ipn("m-3", "PaymentCapture", "{3}", NOW, IpnSubject("capture", "C", "x", None))
        tx.receive_ipn("m-4", "PaymentRefund", "{4}", NOW, replace(about, amazon_id="S02-1-R2"))

    with storage.read() as tx:
        mine = tx.ipns_of_order(order)
        assert tx.ipns_of_order(other) == []
    assert [(m.message_id, m.object_kind, m.amazon_id, m.state, m.order) for m in mine] == [
        ("m-1", "refund", "S02-1-R1", "Completed", order),
        ("m-4", "refund", "S02-1-R2", "Completed", order),
    ]
    assert (mine[0].body, mine[0].received_at, mine[0].processed_at, mine[0].error) == (
        "{1}",
        NOW,
        None,
        None,
    )


def test_a_notification_about_an_unknown_order_is_refused(storage):
    with pytest.raises(OrderNotFound), storage.transaction() as tx:
        tx.receive_ipn("m-1", "PaymentRefund", "{}", NOW, IpnSubject("refund", "R", "s", "nope"))


def test_a_notification_stored_for_the_worker_is_committed_once_by_its_message_id(storage):
    first = storage.store_ipn("m-1", "PaymentRefund", "{1}", NOW)
    second = storage.store_ipn("m-1", "PaymentRefund", '{"again": 1}', NOW + MINUTE)
    with storage.transaction() as tx:
        third = tx.receive_ipn("m-1", "PaymentRefund", "{}", NOW)

    assert (first, second, third) == (True, False, False)
    with storage.read() as tx:
        assert tx.unprocessed_ipns(10) == [InboxMessage("m-1", "PaymentRefund", "{1}", 0)]
        [row] = tx.ipn_page(None, False, 10, 0)[0]
    assert (row.received_at, row.object_kind, row.order) == (NOW, None, None)


def test_a_notification_stored_for_the_worker_finds_its_order_as_a_payment_lookup_does(storage):
    ours, other = stored(storage), stored(storage)
    _, _, refund = paid(storage, ours.reference)
    with storage.transaction() as tx:
        tx.update_payment(refund, NOW, amazon_id="S02-AMAZON-R1")
    elsewhere = other.amazon_order_reference_id

    def about(reference_id, amazon_id, order_reference_id, kind=PaymentKind.REFUND):
        return IpnObject("refund", amazon_id, "completed", kind, reference_id, order_reference_id)

    subjects = {
        "by-ours": about("R-1", "S02-UNKNOWN", elsewhere),
        "by-amazons": about(None, "S02-AMAZON-R1", elsewhere),
        "by-order-reference": about("R-unknown", "S02-UNKNOWN", elsewhere),
        "none": about("R-unknown", "S02-UNKNOWN", None),
        "other-kind": about("R-1", "S02-AMAZON-R1", None, PaymentKind.CAPTURE),
        "order-reference": IpnObject("order reference", elsewhere, "open", None, None, elsewhere),
        "unknown-order-reference": IpnObject(
            "order reference", "P01-X", "open", None, None, "P01-X"
        ),
        "no-state": replace(about(None, "S02-UNKNOWN", elsewhere), state=None),  # API v2's
    }
    for message_id, subject in subjects.items():
        assert storage.store_ipn(message_id, "PaymentRefund", "{}", NOW, subject)

    with storage.read() as tx:
        rows, _ = tx.ipn_page(None, False, 10, 0)
    found = {row.message_id: (row.object_kind, row.amazon_id, row.state, row.order) for row in rows}
    assert found == {
        "by-ours": ("refund", "S02-UNKNOWN", "completed", ours.reference),
        "by-amazons": ("refund", "S02-AMAZON-R1", "completed", ours.reference),
        "by-order-reference": ("refund", "S02-UNKNOWN", "completed", other.reference),
        "none": ("refund", "S02-UNKNOWN", "completed", None),
        "other-kind": ("refund", "S02-AMAZON-R1", "completed", None),
        "order-reference": ("order reference", elsewhere, "open", other.reference),
        "unknown-order-reference": ("order reference", "P01-X", "open", None),
        "no-state": ("refund", "S02-UNKNOWN", None, other.reference),
    }


def test_a_notification_is_stored_for_the_worker_after_a_read_on_the_same_connection(storage):
    with storage.read() as tx:
        assert tx.unprocessed_ipns(10) == []

    assert storage.store_ipn("m-1", "PaymentRefund", "{}", NOW)
    with storage.transaction() as tx:
        tx.mark_ipn_processed("m-1", NOW)
    with storage.read() as tx:
        assert tx.ipn_outcomes() == [("m-1", "PaymentRefund", None)]


def test_processed_messages_leave_the_queue_and_keep_their_outcome(storage):
    with storage.transaction() as tx:
        for n in (1, 2, 3):
            tx.receive_ipn(f"m-{n}", "PaymentRefund", "{}", NOW)
        tx.mark_ipn_processed("m-2", NOW, "ignored: unknown refund")
        tx.mark_ipn_processed("m-1", NOW)

    with storage.read() as tx:
        assert [m.message_id for m in tx.unprocessed_ipns(10)] == ["m-3"]
        assert tx.ipn_outcomes() == [
            ("m-1", "PaymentRefund", None),
            ("m-2", "PaymentRefund", "ignored: unknown refund"),
        ]


def test_unprocessed_messages_come_oldest_first_up_to_the_limit(storage):
    with storage.transaction() as tx:
        for n in (3, 1, 2):
            tx.receive_ipn(f"m-{n}", "PaymentRefund", "{}", NOW)

    with storage.read() as tx:
        assert [m.message_id for m in tx.unprocessed_ipns(2)] == ["m-3", "m-1"]


def test_a_failed_application_is_counted_and_put_off_until_its_next_attempt(storage):
    with storage.transaction() as tx:
        tx.receive_ipn("m-1", "PaymentRefund", "{}", NOW)
        tx.receive_ipn("m-2", "PaymentRefund", "{}", NOW)
        tx.retry_ipn("m-1", NOW + MINUTE, "boom")
        tx.retry_ipn("m-1", NOW + 2 * MINUTE, "boom again")

    with storage.read() as tx:
        waiting = tx.unprocessed_ipns(10)
        now_due = tx.unprocessed_ipns(10, NOW)
        later_due = tx.unprocessed_ipns(10, NOW + 2 * MINUTE)
        page, _ = tx.ipn_page(None, True, 10, 0)

    assert [(m.message_id, m.attempts) for m in waiting] == [("m-1", 2), ("m-2", 0)]
    assert [m.message_id for m in now_due] == ["m-2"]
    assert [m.message_id for m in later_due] == ["m-1", "m-2"]
    assert [(m.message_id, m.error) for m in page] == [("m-1", "boom again")]


def test_only_an_unprocessed_message_can_be_claimed(storage):
    with storage.transaction() as tx:
        tx.receive_ipn("m-1", "PaymentRefund", "{}", NOW)
        tx.receive_ipn("m-2", "PaymentRefund", "{}", NOW)
        tx.mark_ipn_processed("m-2", NOW)

    with storage.transaction() as tx:
        claims = [tx.claim_ipn(m) for m in ("m-1", "m-2", "m-unknown")]

    assert claims == [True, False, False]


# -- the order reference ------------------------------------------------------------------------


def test_the_order_reference_keeps_its_latest_state(storage):
    order = stored(storage)

    with storage.transaction() as tx:
        tx.set_order_reference(
            order.reference, "S02-other", OrderReferenceState.SUSPENDED, "InvalidPayment", NOW
        )
    with storage.read() as tx:
        suspended = tx.order_reference_state(order.reference)
    with storage.transaction() as tx:
        tx.set_order_reference(order.reference, "S02-x", OrderReferenceState.CLOSED, None, NOW)

    with storage.read() as tx:
        assert (suspended, tx.order_reference_state(order.reference)) == (
            OrderReferenceState.SUSPENDED,
            OrderReferenceState.CLOSED,
        )
        with pytest.raises(OrderNotFound):
            tx.order_reference_state("nope")


def test_an_order_reference_is_recorded_for_an_order_that_had_none(storage):
    order = stored(storage, replace(make_order(), amazon_order_reference_id=None))

    with storage.transaction() as tx:
        tx.set_order_reference(order.reference, "S02-9", OrderReferenceState.OPEN, None, NOW)

    with storage.read() as tx:
        assert tx.order_reference_state(order.reference) is OrderReferenceState.OPEN
