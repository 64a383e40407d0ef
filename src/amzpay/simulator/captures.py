"""Capture and GetCaptureDetails (amazonpay-api.md §A.4, §A.7, §A.8).

A capture completes at once unless its note simulates Pending (then it completes after
``capture_seconds``), Declined/AmazonRejected or Closed/AmazonClosed. One capture per
authorization: a successful one closes its authorization with MaxCapturesProcessed.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from . import scenarios
from .errors import ApiError
from .ledger import Ledger
from .model import Authorization, Capture, Price, Status
from .params import NOTE_LIMIT, SOFT_DESCRIPTOR_LIMIT, Call, at_most, same_currency
from .wire import capture_details


def capture(ledger: Ledger, call: Call) -> Element:
    auth_id = call.required("AmazonAuthorizationId")
    auth = ledger.authorization(auth_id, call.seller_id, call.sandbox)
    reference_id = call.reference_id("CaptureReferenceId")
    amount = call.price("CaptureAmount")
    note = call.optional("SellerCaptureNote", NOTE_LIMIT)
    descriptor = call.optional("SoftDescriptor", SOFT_DESCRIPTOR_LIMIT)
    simulation = scenarios.read("Capture", note) if call.sandbox else None
    same_currency(auth.amount.currency, amount)
    if auth.status.state != "Open":
        raise ApiError(
            "InvalidAuthorizationStatus",
            f"Authorization {auth.id} is in state {auth.status.state} and cannot be captured.",
        )
    at_most(amount.amount, auth.amount.amount - auth.captured, "capture")
    booked = book_capture(
        ledger,
        auth,
        reference_id,
        amount,
        note,
        call.seller_id,
        call.sandbox,
        simulation,
        soft_descriptor=descriptor and f"AMZ*{descriptor}",
    )
    return capture_details(booked)


def get_details(ledger: Ledger, call: Call) -> Element:
    capture_id = call.required("AmazonCaptureId")
    return capture_details(ledger.capture(capture_id, call.seller_id, call.sandbox))


def book_capture(
    ledger: Ledger,
    auth: Authorization,
    reference_id: str,
    amount: Price,
    note: str | None,
    seller_id: str,
    sandbox: bool,
    simulation: scenarios.Simulation | None = None,
    soft_descriptor: str | None = None,
) -> Capture:
    """Record a capture of ``auth``; Completed unless a simulation says otherwise.
    ``soft_descriptor`` is already in Amazon's form (``AMZ*…``), so its IPN carries it."""
    state = simulation.state if simulation and simulation.state else "Completed"
    reason = simulation.reason_code if simulation else None
    now = ledger.now()
    booked = Capture(
        id=ledger.ids.child(auth.order_reference_id, "C"),
        authorization_id=auth.id,
        reference_id=reference_id,
        amount=amount,
        created=now,
        status=Status(state, now, reason),
        note=note,
        soft_descriptor=soft_descriptor,
    )
    auth.capture_ids.append(booked.id)
    ledger.add(booked, seller_id, sandbox)
    if state == "Declined":
        return booked  # the authorization stays Open: the seller may try again (§A.7)
    auth.captured += amount.amount
    ledger.orders[auth.order_reference_id].captured += amount.amount
    ledger.move(auth, "Closed", "MaxCapturesProcessed")
    if state == "Pending":
        ledger.later(ledger.config.capture_seconds, lambda: _complete(ledger, booked))
    return booked


def _complete(ledger: Ledger, booked: Capture) -> None:
    if booked.status.state == "Pending":
        ledger.move(booked, "Completed")
