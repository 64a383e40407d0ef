"""Refund and GetRefundDetails (amazonpay-api.md §A.7, §A.8).

A refund is always Pending when the call returns, and settles after ``refund_seconds``:
Completed, or Declined/AmazonRejected when its note simulates that (§A.11). Per capture the
refunds may total the captured amount plus the lesser of 15 % or 75 (8,400 JPY); declined
refunds give their amount back. The 10th refund closes the capture with MaxRefundsProcessed,
a refund that reaches the ceiling closes it with MaxAmountRefunded.
"""

from __future__ import annotations

from decimal import Decimal
from xml.etree.ElementTree import Element

from . import scenarios
from .errors import ApiError
from .ledger import Ledger
from .model import Capture, Refund, Status
from .money import refund_ceiling
from .params import NOTE_LIMIT, SOFT_DESCRIPTOR_LIMIT, Call, at_most, same_currency
from .wire import refund_details

MAX_REFUNDS = 10


def refund(ledger: Ledger, call: Call) -> Element:
    capture_id = call.required("AmazonCaptureId")
    target = ledger.capture(capture_id, call.seller_id, call.sandbox)
    reference_id = call.reference_id("RefundReferenceId")
    amount = call.price("RefundAmount")
    note = call.optional("SellerRefundNote", NOTE_LIMIT)
    descriptor = call.optional("SoftDescriptor", SOFT_DESCRIPTOR_LIMIT)
    simulation = scenarios.read("Refund", note) if call.sandbox else None
    same_currency(target.amount.currency, amount)
    if target.status.state != "Completed":
        raise ApiError(
            "CaptureNotRefundable",
            f"Capture {target.id} is in state {target.status.state} and cannot be refunded.",
        )
    ceiling = refund_ceiling(target.amount.amount, target.amount.currency)
    committed = _committed(ledger, target) + amount.amount
    at_most(committed, ceiling, "refund")
    now = ledger.now()
    booked = Refund(
        id=ledger.ids.child(capture_id.rsplit("-", 1)[0], "R"),
        capture_id=target.id,
        reference_id=reference_id,
        amount=amount,
        created=now,
        status=Status("Pending", now),
        note=note,
        soft_descriptor=descriptor and f"AMZ*{descriptor}",
    )
    target.refund_ids.append(booked.id)
    ledger.add(booked, call.seller_id, call.sandbox)
    _close_when_exhausted(ledger, target, committed == ceiling)
    declined = simulation is not None
    ledger.later(ledger.config.refund_seconds, lambda: _settle(ledger, booked, declined))
    return refund_details(booked)


def get_details(ledger: Ledger, call: Call) -> Element:
    refund_id = call.required("AmazonRefundId")
    return refund_details(ledger.refund(refund_id, call.seller_id, call.sandbox))


def _committed(ledger: Ledger, target: Capture) -> Decimal:
    refunds = (ledger.refunds[i] for i in target.refund_ids)
    return sum((r.amount.amount for r in refunds if r.status.state != "Declined"), Decimal(0))


def _close_when_exhausted(ledger: Ledger, target: Capture, at_ceiling: bool) -> None:
    if len(target.refund_ids) >= MAX_REFUNDS:
        ledger.move(target, "Closed", "MaxRefundsProcessed")
    elif at_ceiling:
        ledger.move(target, "Closed", "MaxAmountRefunded")


def _settle(ledger: Ledger, booked: Refund, declined: bool) -> None:
    if declined:
        ledger.move(booked, "Declined", "AmazonRejected")
        return
    ledger.captures[booked.capture_id].refunded += booked.amount.amount
    ledger.move(booked, "Completed")
