"""Read-side pages for staff and the REST API: orders, refunds, IPNs and mails with their
filters, order and counts; an order's facts and history rows."""

from __future__ import annotations

from dataclasses import replace

import pytest

from amzpay.domain.payment import PaymentKind, RefundState
from amzpay.ports.errors import OrderNotFound, RecordNotFound
from amzpay.ports.logs import IpnSubject
from amzpay.ports.payments import NewPayment
from amzpay.ports.queries import MailMoment, MailRow, OrderFilter, RefundFilter
from fakes.orders import make_order
from integration.store.contract.kit import MINUTE, NOW, eur, paid, stored


def _orders(storage, count):
    return [stored(storage, at=NOW + n * MINUTE).reference for n in range(count)]


def test_orders_come_newest_first_a_page_at_a_time_with_their_count(storage):
    references = _orders(storage, 5)

    with storage.read() as tx:
        page, total = tx.order_page(OrderFilter(), 2, 1)
        past_the_end, same_total = tx.order_page(OrderFilter(), 2, 10)

    assert [s.reference for s in page] == [references[3], references[2]]
    assert (total, past_the_end, same_total) == (5, [], 5)


def test_an_order_summary_has_its_total_and_how_many_items_are_in_each_state(storage):
    order = stored(storage, make_order(quantity=3))
    with storage.transaction() as tx:
        tx.move_items(order.reference, ["L1-1", "L1-3"], (None, "shipped", None), "shop", NOW)
        tx.move_items(order.reference, ["L1-2"], (None, "authorized", None), "shop", NOW)
        tx.close_order(order.reference, NOW)
    other = stored(storage, make_order(quantity=2, shipping=""))

    with storage.read() as tx:
        [second, first], _ = tx.order_page(OrderFilter(), 10, 0)

    assert (first.reference, first.customer_email, first.placed_at, first.closed) == (
        order.reference,
        "buyer@example.com",
        NOW,
        True,
    )
    assert first.amazon_order_reference_id == order.amazon_order_reference_id
    assert (first.total, first.item_count) == (eur(3 * 1999 + 490), 3)
    assert first.states == (("authorized", 1), ("shipped", 2))
    assert (second.reference, second.total, second.closed) == (other.reference, eur(3998), False)
    assert second.states == (("(not started)", 2),)


def test_orders_are_searched_by_part_of_their_ids_or_email_in_any_case(storage):
    shop = stored(storage, replace(make_order(), reference="SHOP-1001", customer_email="Ann@X.org"))
    amazon = stored(storage, replace(make_order(), amazon_order_reference_id="S02-7777777-1"))
    stored(storage)

    with storage.read() as tx:
        found = {
            needle: [s.reference for s in tx.order_page(OrderFilter(search=needle), 10, 0)[0]]
            for needle in ("shop-10", " ann@x ", "7777777", "nothing-like-it")
        }
    assert found == {
        "shop-10": [shop.reference],
        " ann@x ": [shop.reference],
        "7777777": [amazon.reference],
        "nothing-like-it": [],
    }


def test_orders_are_filtered_by_an_item_state_and_by_when_they_were_placed(storage):
    first, second, third = _orders(storage, 3)
    with storage.transaction() as tx:
        tx.move_items(first, ["L1-1"], (None, "shipped", None), "shop", NOW)
        tx.move_items(third, ["L1-2"], (None, "shipped", None), "shop", NOW)

    with storage.read() as tx:
        shipped, shipped_total = tx.order_page(OrderFilter(state="shipped"), 10, 0)
        placed, _ = tx.order_page(OrderFilter(placed_from=NOW + MINUTE), 10, 0)
        window, _ = tx.order_page(
            OrderFilter(placed_from=NOW, placed_to=NOW + 2 * MINUTE, state="shipped"), 10, 0
        )

    assert ([s.reference for s in shipped], shipped_total) == ([third, first], 2)
    assert [s.reference for s in placed] == [third, second]
    assert [s.reference for s in window] == [first]


def test_an_orders_facts_are_its_process_and_times(storage):
    order = stored(storage).reference
    with storage.read() as tx:
        open_facts = tx.order_facts(order)
    with storage.transaction() as tx:
        tx.close_order(order, NOW + MINUTE)

    with storage.read() as tx:
        closed = tx.order_facts(order)
    assert (open_facts.process, open_facts.placed_at, open_facts.closed_at) == (
        "amazon-pay-async",
        NOW,
        None,
    )
    assert closed.closed_at == NOW + MINUTE


# -- refunds ------------------------------------------------------------------------------------


def _refunds(storage):
    """Two orders; the first with refunds R-1 (pending), R-2 (requested, later), the second
    with bR-1 (completed)."""
    first, second = stored(storage).reference, stored(storage).reference
    _, capture, refund = paid(storage, first)
    _, _, other = paid(storage, second, prefix="b")
    with storage.transaction() as tx:
        tx.update_payment(refund, NOW + MINUTE, state="pending", amazon_id="S02-R-1")
        tx.add_payment(
            first, NewPayment(PaymentKind.REFUND, "R-2", eur(5), parent_id=capture.id), NOW + MINUTE
        )
        tx.update_payment(other, NOW, state="completed", reason_code=None)
    return first, second


def test_refunds_come_oldest_request_first_a_page_at_a_time(storage):
    first, second = _refunds(storage)

    with storage.read() as tx:
        every, total = tx.refund_page(RefundFilter(), 10, 0)
        page, _ = tx.refund_page(RefundFilter(), 1, 1)

    assert [(r.reference_id, r.order, r.state) for r in every] == [
        ("R-1", first, RefundState.PENDING),
        ("bR-1", second, RefundState.COMPLETED),
        ("R-2", first, RefundState.REQUESTED),
    ]
    assert total == 3
    assert [r.reference_id for r in page] == ["bR-1"]
    r1 = every[0]
    assert (r1.amazon_id, r1.amount, r1.requested_at, r1.updated_at) == (
        "S02-R-1",
        eur(2489),
        NOW,
        NOW + MINUTE,
    )
    assert r1.unsettled
    assert not every[1].unsettled


def test_refunds_are_filtered_by_state_order_and_request_time(storage):
    first, _ = _refunds(storage)

    with storage.read() as tx:
        pending, pending_total = tx.refund_page(RefundFilter(state="pending"), 10, 0)
        of_first, _ = tx.refund_page(RefundFilter(order=first), 10, 0)
        older, _ = tx.refund_page(RefundFilter(order=first, requested_before=NOW + MINUTE), 10, 0)

    assert ([r.reference_id for r in pending], pending_total) == (["R-1"], 1)
    assert [r.reference_id for r in of_first] == ["R-1", "R-2"]
    assert [r.reference_id for r in older] == ["R-1"]


# -- IPNs ---------------------------------------------------------------------------------------


def test_ipns_come_newest_first_filtered_by_type_and_errors(storage):
    order = stored(storage).reference
    with storage.transaction() as tx:
        tx.receive_ipn("m-1", "PaymentRefund", "{1}", NOW, IpnSubject("refund", "R", "Open", order))
        tx.receive_ipn("m-2", "PaymentCapture", "{2}", NOW + MINUTE)
        tx.receive_ipn("m-3", "PaymentRefund", "{3}", NOW + 2 * MINUTE)
        tx.mark_ipn_processed("m-1", NOW + 3 * MINUTE, "no such refund")
        tx.mark_ipn_processed("m-3", NOW + 3 * MINUTE)

    with storage.read() as tx:
        every, total = tx.ipn_page(None, False, 2, 0)
        refunds, refund_total = tx.ipn_page("PaymentRefund", False, 10, 0)
        errors, error_total = tx.ipn_page(None, True, 10, 0)

    assert ([m.message_id for m in every], total) == (["m-3", "m-2"], 3)
    assert ([m.message_id for m in refunds], refund_total) == (["m-3", "m-1"], 2)
    assert ([m.message_id for m in errors], error_total) == (["m-1"], 1)
    [m1] = errors
    assert (m1.notification_type, m1.received_at, m1.processed_at, m1.error, m1.body) == (
        "PaymentRefund",
        NOW,
        NOW + 3 * MINUTE,
        "no such refund",
        "{1}",
    )
    assert (m1.object_kind, m1.amazon_id, m1.state, m1.order) == ("refund", "R", "Open", order)


def test_unread_ipns_are_found_by_what_their_body_mentions(storage):
    order = stored(storage).reference
    with storage.transaction() as tx:
        tx.receive_ipn("m-1", "PaymentRefund", '{"id": "S02-1-R1"}', NOW)
        tx.receive_ipn("m-2", "PaymentRefund", '{"ref": "R-77"}', NOW)
        tx.receive_ipn("m-3", "PaymentRefund", '{"id": "S02-2-R1"}', NOW)
        tx.receive_ipn(
            "m-4", "PaymentRefund", '{"id": "S02-1-R2"}', NOW, IpnSubject("refund", "x", "y", order)
        )

    with storage.read() as tx:
        found = tx.unread_ipns_mentioning(["S02-1", "R-77"])
        nothing = tx.unread_ipns_mentioning([])

    assert [m.message_id for m in found] == ["m-1", "m-2"]
    assert nothing == []


# -- an order's history -------------------------------------------------------------------------


def test_an_orders_payment_moments_are_its_records_by_kind_oldest_first(storage):
    order = stored(storage).reference
    stored_other = stored(storage).reference
    _, capture, _ = paid(storage, order)
    paid(storage, stored_other, prefix="b")
    with storage.transaction() as tx:
        tx.update_payment(capture, NOW + MINUTE, state="declined", error_code="E")

    with storage.read() as tx:
        moments = tx.payment_moments(order)

    assert [(m.kind, m.reference_id, m.state) for m in moments] == [
        (PaymentKind.AUTHORIZATION, "A-1", "requested"),
        (PaymentKind.CAPTURE, "C-1", "declined"),
        (PaymentKind.REFUND, "R-1", "requested"),
    ]
    declined = moments[1]
    assert (declined.amount, declined.error_code, declined.created_at, declined.updated_at) == (
        eur(4488),
        "E",
        NOW,
        NOW + MINUTE,
    )


def test_an_orders_mail_moments_are_its_mails_oldest_first(storage):
    order, other = stored(storage).reference, stored(storage).reference
    with storage.transaction() as tx:
        tx.queue_mail(order, "refund_completed", "buyer", "{}", NOW)
        tx.queue_mail(other, "x", "buyer", "{}", NOW)
        tx.queue_mail(order, "refund_failed", "staff", "{}", NOW + MINUTE)
        claimed = tx.claim_mail(NOW, NOW + MINUTE)
        assert claimed is not None
        tx.mail_sent(claimed.id, NOW)

    with storage.read() as tx:
        moments = tx.mail_moments(order)

    assert [(m.kind, m.audience, m.status, m.attempts) for m in moments] == [
        ("refund_completed", "buyer", "sent", 1),
        ("refund_failed", "staff", "due", 0),
    ]
    assert moments[0] == MailMoment(
        claimed.id, "refund_completed", "buyer", "sent", 1, NOW, NOW, None
    )


def test_history_rows_of_an_unknown_order_are_an_error(storage):
    with storage.read() as tx:
        for read in (
            tx.payment_moments,
            tx.mail_moments,
            tx.ipns_of_order,
            tx.amazon_order_reference_id,
        ):
            with pytest.raises(OrderNotFound):
                read("nope")


# -- mails --------------------------------------------------------------------------------------


def test_mails_come_newest_first_by_status_with_their_order(storage):
    order = stored(storage).reference
    with storage.transaction() as tx:
        tx.queue_mail(order, "a", "buyer", '{"a": 1}', NOW)
        tx.queue_mail(None, "b", "staff", "{}", NOW + MINUTE)
        tx.queue_mail(order, "c", "buyer", "{}", NOW + 2 * MINUTE)
        claimed = tx.claim_mail(NOW, NOW + MINUTE)
        assert claimed is not None
        tx.mail_failed(claimed.id, "refused")

    with storage.read() as tx:
        every, total = tx.mail_page(None, 2, 0)
        due, due_total = tx.mail_page("due", 10, 0)
        failed = tx.mail_row(claimed.id)

    assert ([(m.kind, m.order) for m in every], total) == ([("c", order), ("b", None)], 3)
    assert ([m.kind for m in due], due_total) == (["c", "b"], 2)
    assert failed == MailRow(
        claimed.id, order, "a", "buyer", "failed", 1, '{"a": 1}', NOW, NOW + MINUTE, None, "refused"
    )


def test_an_unknown_mail_is_not_found(storage):
    with storage.read() as tx, pytest.raises(RecordNotFound) as raised:
        tx.mail_row(999)

    assert (raised.value.kind, raised.value.key) == ("mail", "999")
