"""Applying what Amazon says to our records: one function for a call's answer, an IPN and a
poll alike (ARCHITECTURE.md, the refund, step 5).

Stale or repeated observations change nothing. A refund that reaches ``completed`` is booked
exactly once (a unique booking per refund record), with the amount that was asked for; one
that is declined or refused releases its items, so they may be refunded again. The e-mails a
change calls for are queued in the same transaction (``notices``).
"""

from __future__ import annotations

import logging
from datetime import datetime

from amzpay.amazonpay.gateway import CallRefused, ObjectKind, Observation
from amzpay.domain import ledger
from amzpay.processes.notices import queue_notices
from amzpay.processes.records import refund_part
from amzpay.store.payments import PaymentKind, PaymentRecord
from amzpay.store.transaction import Transaction

log = logging.getLogger(__name__)

_KINDS = {
    ObjectKind.AUTHORIZATION: PaymentKind.AUTHORIZATION,
    ObjectKind.CAPTURE: PaymentKind.CAPTURE,
    ObjectKind.REFUND: PaymentKind.REFUND,
}
_SETTLED_REFUND = frozenset({"completed", "declined", "failed"})


def apply_observation(tx: Transaction, seen: Observation, at: datetime) -> PaymentRecord | None:
    """Record ``seen`` on its payment record; None when it is unknown, stale or a repeat."""
    if seen.kind is ObjectKind.ORDER_REFERENCE:
        return None  # the order reference's state is kept by the commands that change it
    kind = _KINDS[seen.kind]
    record = tx.find_payment(kind, reference_id=seen.reference_id, amazon_id=seen.amazon_id)
    if record is None:
        log.warning("no %s for Amazon id %s: observation ignored", kind, seen.amazon_id)
        return None
    if _is_stale(record, seen):
        return None
    before = record.state
    record = tx.update_payment(
        record,
        at,
        state=seen.state.value,
        reason_code=seen.reason_code,
        amazon_id=seen.amazon_id,
        observed_at=seen.updated_at,
    )
    if kind is PaymentKind.REFUND and before != record.state:
        _settle_refund(tx, record, at)
    queue_notices(tx, before, record, at, soft=seen.soft_decline)
    return record


def apply_refusal(
    tx: Transaction, record: PaymentRecord, refused: CallRefused, at: datetime
) -> PaymentRecord:
    """Amazon rejected the call that ``record`` stands for: it failed, nothing happened."""
    failed = tx.update_payment(
        record, at, state="failed", error_code=refused.code, error_message=refused.message
    )
    if failed.kind is PaymentKind.REFUND:
        _settle_refund(tx, failed, at)
    return failed


def _is_stale(record: PaymentRecord, seen: Observation) -> bool:
    if record.kind is PaymentKind.REFUND and record.state in _SETTLED_REFUND:
        return True  # a settled refund never changes again; a repeat must not re-book it
    if record.observed_at is not None and seen.updated_at < record.observed_at:
        return True
    return record.state == seen.state.value and record.reason_code == seen.reason_code


def _settle_refund(tx: Transaction, refund: PaymentRecord, at: datetime) -> None:
    order = tx.order(refund.order)
    part = refund_part(tx, refund)
    if refund.state == "completed":
        if tx.book_refund(refund, at):
            tx.save_refunds(ledger.complete(order, part))
    elif refund.state in ("declined", "failed"):
        tx.save_refunds(ledger.release(order, part))
