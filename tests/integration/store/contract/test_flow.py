"""The mail outbox (queued, claimed under a lease, sent, retried, failed) and refunds made
outside amzpay (recorded once, updated, acknowledged once)."""

from __future__ import annotations

import pytest

from amzpay.ports.errors import OrderNotFound
from amzpay.ports.flow import ExternalRefund, OutboxEntry, QueuedMail
from integration.store.contract.kit import MINUTE, NOW, eur, stored


def test_a_queued_mail_is_due_from_when_it_was_queued(storage):
    order = stored(storage).reference
    with storage.read() as tx:
        assert not tx.has_due_mail(NOW)

    with storage.transaction() as tx:
        tx.queue_mail(order, "refund_completed", "buyer", '{"to": "b"}', NOW)

    with storage.read() as tx:
        assert not tx.has_due_mail(NOW - MINUTE)
        assert tx.has_due_mail(NOW)
        assert tx.outbox() == [OutboxEntry("refund_completed", "buyer", "due", 0, '{"to": "b"}')]


def test_a_claim_takes_the_oldest_due_mail_and_holds_it_for_its_lease(storage):
    with storage.transaction() as tx:
        tx.queue_mail(None, "first", "staff", "{1}", NOW)
        tx.queue_mail(None, "second", "buyer", "{2}", NOW)
        tx.queue_mail(None, "later", "buyer", "{3}", NOW + MINUTE)

    with storage.transaction() as tx:
        first = tx.claim_mail(NOW, NOW + 10 * MINUTE)
        second = tx.claim_mail(NOW, NOW + 10 * MINUTE)
        none_due = tx.claim_mail(NOW, NOW + 10 * MINUTE)
    with storage.transaction() as tx:
        after_lease = tx.claim_mail(NOW + 10 * MINUTE, NOW + 20 * MINUTE)

    assert first is not None
    assert second is not None
    assert (first.audience, first.mail, first.attempts) == ("staff", "{1}", 1)
    assert (second.audience, second.mail, second.attempts) == ("buyer", "{2}", 1)
    assert none_due is None
    assert after_lease == QueuedMail(first.id, "staff", "{1}", 2)


def test_a_mail_ends_sent_failed_or_due_again(storage):
    with storage.transaction() as tx:
        for kind in ("sent", "failed", "retried"):
            tx.queue_mail(None, kind, "buyer", "{}", NOW)
    with storage.transaction() as tx:
        sent, failed, retried = (tx.claim_mail(NOW, NOW + MINUTE) for _ in range(3))
        assert sent is not None
        assert failed is not None
        assert retried is not None
        tx.mail_sent(sent.id, NOW)
        tx.mail_failed(failed.id, "refused by the server")
        tx.mail_retry(retried.id, NOW + 5 * MINUTE, "timed out")

    with storage.read() as tx:
        statuses = [(m.kind, m.status, m.attempts) for m in tx.outbox()]
        due_at_lease_end = tx.has_due_mail(NOW + MINUTE)
        due_later = tx.has_due_mail(NOW + 5 * MINUTE)
        retried_row = tx.mail_row(retried.id)
        sent_row = tx.mail_row(sent.id)

    assert statuses == [("sent", "sent", 1), ("failed", "failed", 1), ("retried", "due", 1)]
    assert (due_at_lease_end, due_later) == (False, True)
    assert (retried_row.not_before, retried_row.last_error) == (NOW + 5 * MINUTE, "timed out")
    assert (sent_row.sent_at, sent_row.last_error) == (NOW, None)


def test_an_orders_outbox_holds_its_own_mails(storage):
    order, other = stored(storage).reference, stored(storage).reference
    with storage.transaction() as tx:
        tx.queue_mail(order, "a", "buyer", "{}", NOW)
        tx.queue_mail(other, "b", "buyer", "{}", NOW)
        tx.queue_mail(None, "c", "staff", "{}", NOW)
        tx.queue_mail(order, "d", "staff", "{}", NOW)

    with storage.read() as tx:
        assert [m.kind for m in tx.outbox(order)] == ["a", "d"]
        assert [m.kind for m in tx.outbox()] == ["a", "b", "c", "d"]
        with pytest.raises(OrderNotFound):
            tx.outbox("nope")


def test_a_mail_for_an_unknown_order_is_refused(storage):
    with pytest.raises(OrderNotFound), storage.transaction() as tx:
        tx.queue_mail("nope", "a", "buyer", "{}", NOW)


# -- refunds made outside amzpay ----------------------------------------------------------------


THOUSAND = eur(1000)


def _external(order, state="Pending", amount=THOUSAND):
    return ExternalRefund("S02-1-R9", "seller-central-1", order, state, None, amount, False)


def test_an_external_refund_is_recorded_once_and_then_kept_current(storage):
    order = stored(storage).reference

    with storage.transaction() as tx:
        first = tx.record_external_refund(_external(order), NOW)
    with storage.transaction() as tx:
        again = tx.record_external_refund(_external(order, "Completed", eur(900)), NOW + MINUTE)

    with storage.read() as tx:
        [found] = tx.external_refunds()
    assert (first, again) == (True, False)
    assert found == ExternalRefund(
        "S02-1-R9", "seller-central-1", order, "Completed", None, eur(900), False, NOW
    )


def test_an_external_refund_may_name_no_order_and_no_amount(storage):
    with storage.transaction() as tx:
        tx.record_external_refund(_external(None, amount=None), NOW)

    with storage.read() as tx:
        [found] = tx.external_refunds()
    assert (found.order, found.amount) == (None, None)


def test_an_external_refund_is_acknowledged_once_keeping_who_and_when(storage):
    with storage.transaction() as tx:
        tx.record_external_refund(_external(None), NOW)
        other = ExternalRefund("S02-1-R8", "sc-2", None, "Completed", None, eur(5), False)
        tx.record_external_refund(other, NOW)

    with storage.transaction() as tx:
        first = tx.acknowledge_external_refund("S02-1-R9", "alice", NOW + MINUTE)
        second = tx.acknowledge_external_refund("S02-1-R9", "bob", NOW + 2 * MINUTE)
        unknown = tx.acknowledge_external_refund("S02-nope", "bob", NOW)

    with storage.read() as tx:
        [seen] = tx.external_refunds(amazon_refund_id="S02-1-R9")
        waiting = tx.external_refunds(unacknowledged_only=True)
        every = tx.external_refunds()
    assert (first, second, unknown) == (True, False, False)
    assert (seen.acknowledged, seen.acknowledged_by, seen.acknowledged_at) == (
        True,
        "alice",
        NOW + MINUTE,
    )
    assert [r.amazon_refund_id for r in waiting] == ["S02-1-R8"]
    assert [r.amazon_refund_id for r in every] == ["S02-1-R9", "S02-1-R8"]


def test_an_order_is_found_by_its_amazon_order_reference_id(storage):
    order = stored(storage)

    with storage.read() as tx:
        assert tx.order_of_amazon_reference(order.amazon_order_reference_id) == order.reference
        assert tx.order_of_amazon_reference("S02-unknown") is None
