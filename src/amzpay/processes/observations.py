"""Applying what Amazon says to our records: one function for a call's answer, an IPN and a
poll alike (ARCHITECTURE.md, the refund, step 5).

Every move of a record goes through its kind's transition table (``domain.payment``): news
of a state the record already passed, or of a record in a final state, is stale and changes
nothing, as does a repeat; a move no diagram has raises ``IllegalTransition``. A refund that
reaches ``completed`` is booked exactly once (a unique booking per refund record), with the
amount that was asked for; one that is declined or refused releases its items, so they may be
refunded again. In the same transaction the record's new state moves the items it covers
(``settlement``) and the e-mails the change calls for are queued (``notices``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

from amzpay.amazonpay.gateway import CallRefused, ObjectKind, Observation
from amzpay.domain.payment import (
    STATES,
    Observed,
    OrderReferenceState,
    PaymentKind,
    PaymentRecord,
    PaymentState,
    RefundState,
    guard,
    is_final,
    judge,
    judge_order_reference,
    state_of,
)
from amzpay.ports.unit import UnitOfWork
from amzpay.processes.notices import queue_notices
from amzpay.processes.settlement import Settlement

log = logging.getLogger(__name__)

_KINDS = {
    ObjectKind.AUTHORIZATION: PaymentKind.AUTHORIZATION,
    ObjectKind.CAPTURE: PaymentKind.CAPTURE,
    ObjectKind.REFUND: PaymentKind.REFUND,
}


def apply_observation(
    tx: UnitOfWork, seen: Observation, at: datetime, settlement: Settlement, actor: str
) -> PaymentRecord | None:
    """Record ``seen`` on its payment record; None when it is unknown, stale or a repeat.
    ``actor`` is who brought the news, for the items' history ("ipn", "poll", ...)."""
    if seen.kind is ObjectKind.ORDER_REFERENCE:
        return None  # the order reference's state is kept by the commands that change it
    kind = _KINDS[seen.kind]
    record = tx.find_payment(kind, reference_id=seen.reference_id, amazon_id=seen.amazon_id)
    if record is None:
        log.warning("no %s for Amazon id %s: observation ignored", kind, seen.amazon_id)
        return None
    if record.observed_at is not None and seen.updated_at < record.observed_at:
        return None
    target = state_of(kind, seen.state.value)
    observed = judge(kind, record.state, target)
    if observed is Observed.STALE:
        return None
    if observed is Observed.REPEAT and (
        record.reason_code == seen.reason_code or is_final(kind, record.state)
    ):
        return None  # a final state keeps the reason it was reached with
    changes = {
        "reason_code": seen.reason_code,
        "amazon_id": seen.amazon_id,
        "observed_at": seen.updated_at,
    }
    return _move(tx, record, target, at, settlement, actor, changes, soft=seen.soft_decline)


def apply_refusal(
    tx: UnitOfWork,
    record: PaymentRecord,
    refused: CallRefused,
    at: datetime,
    settlement: Settlement,
    actor: str,
) -> PaymentRecord:
    """Amazon rejected the call that ``record`` stands for: it failed, nothing happened
    there. A record Amazon has answered for meanwhile (its IPN came first, before a repeat
    of the call was refused) keeps that answer."""
    current = tx.payment(record.kind, record.id)
    if current.state != STATES[record.kind].REQUESTED:
        log.warning("%s %s is %s: refusal ignored", record.kind, record.reference_id, current.state)
        return current
    failed = STATES[record.kind].FAILED
    changes = {"error_code": refused.code, "error_message": refused.message}
    return _move(tx, current, failed, at, settlement, actor, changes)


def follow_authorization(
    tx: UnitOfWork,
    capture: PaymentRecord,
    target: PaymentState,
    at: datetime,
    settlement: Settlement,
    actor: str,
) -> PaymentRecord:
    """Move a CaptureNow capture with its authorization, which Amazon declined or refused:
    no capture exists at Amazon to tell us. A capture already answered for stays."""
    current = tx.payment(capture.kind, capture.id)
    if judge(current.kind, current.state, target) is not Observed.MOVE:
        return current
    return _move(tx, current, target, at, settlement, actor, {})


def record_order_reference(
    tx: UnitOfWork,
    order: str,
    amazon_id: str,
    target: OrderReferenceState,
    reason_code: str | None,
    at: datetime,
) -> bool:
    """Record that the order's Amazon order reference is in ``target``; False (nothing
    changed) when that is stale news: a state it passed, or it is closed or canceled."""
    before = tx.order_reference_state(order)
    if before is not None and judge_order_reference(before, target) is Observed.STALE:
        return False
    tx.set_order_reference(order, amazon_id, target, reason_code, at)
    return True


def _move(
    tx: UnitOfWork,
    record: PaymentRecord,
    target: PaymentState,
    at: datetime,
    settlement: Settlement,
    actor: str,
    changes: Mapping[str, object],
    *,
    soft: bool = False,
) -> PaymentRecord:
    before = record.state
    if target != before:
        guard(record.kind, before, target)
    record = tx.update_payment(record, at, state=target, **changes)
    if target != before:
        if record.kind is PaymentKind.REFUND:
            _settle_refund(tx, record, at)
        settlement.settled(tx, record, actor)
    queue_notices(tx, before, record, at, soft=soft)
    return record


def _settle_refund(tx: UnitOfWork, refund: PaymentRecord, at: datetime) -> None:
    """Book a completed refund's amount, once. What it holds of the order's lines follows
    from its state (``ledger.line_refunds``): nothing else to write."""
    if refund.state is RefundState.COMPLETED:
        tx.book_refund(refund, at)
