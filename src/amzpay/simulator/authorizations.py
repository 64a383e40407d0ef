"""Authorize, GetAuthorizationDetails and CloseAuthorization (amazonpay-api.md §A.4, §A.7).

``TransactionTimeout=0`` answers synchronously (Open or Declined, never Pending); otherwise
the authorization is Pending and settles after ``authorization_seconds``. With
``CaptureNow=true`` an authorization that opens is captured in full at once and Closed with
MaxCapturesProcessed, as Amazon's fixtures show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from xml.etree.ElementTree import Element

from . import scenarios
from .buyers import PAYMENT_METHODS
from .captures import book_capture
from .errors import ApiError
from .ledger import Ledger
from .model import Authorization, OrderReference, Price, Status
from .money import refund_ceiling
from .params import NOTE_LIMIT, SOFT_DESCRIPTOR_LIMIT, Call, at_most, same_currency
from .wire import authorization_details

VALID_FOR = timedelta(days=30)
MAX_AUTHORIZATIONS = 10


@dataclass(frozen=True)
class _Outcome:
    """Where a new authorization ends up, and what that does to its order reference."""

    state: str
    reason: str | None = None
    soft_decline: bool | None = None
    update_minutes: float | None = None
    expiration_minutes: float | None = None


def authorize(ledger: Ledger, call: Call) -> Element:
    order = ledger.order(call.required("AmazonOrderReferenceId"), call.seller_id, call.sandbox)
    reference_id = call.reference_id("AuthorizationReferenceId")
    amount = call.price("AuthorizationAmount")
    note = call.optional("SellerAuthorizationNote", NOTE_LIMIT)
    descriptor = call.optional("SoftDescriptor", SOFT_DESCRIPTOR_LIMIT)
    descriptor = descriptor and f"AMZ*{descriptor}"  # as Capture and Refund show it (§A.5)
    timeout = call.whole_number("TransactionTimeout", 1440)
    capture_now = call.flag("CaptureNow", default=False)
    outcome = _outcome(order, scenarios.read("Authorize", note) if call.sandbox else None)
    _check(ledger, order, amount)
    now = ledger.now()
    auth = Authorization(
        id=ledger.ids.child(order.id, "A"),
        order_reference_id=order.id,
        reference_id=reference_id,
        amount=amount,
        created=now,
        expires=now + VALID_FOR,
        status=Status("Pending", now) if timeout else Status(outcome.state, now, outcome.reason),
        capture_now=capture_now,
        note=note,
        soft_descriptor=descriptor,
    )
    order.authorization_ids.append(auth.id)
    if timeout:
        ledger.add(auth, call.seller_id, call.sandbox)
        ledger.later(ledger.config.authorization_seconds, lambda: _settle(ledger, auth, outcome))
    else:
        auth.soft_decline = outcome.soft_decline
        ledger.add(auth, call.seller_id, call.sandbox)
        _follow_up(ledger, auth, outcome)
    # Amazon's sample AuthorizeResponse with CaptureNow lists the capture, yet reports
    # CapturedAmount 0: the answer is the authorization as it was authorized.
    return authorization_details(auth, captured=Decimal(0))


def get_details(ledger: Ledger, call: Call) -> Element:
    auth_id = call.required("AmazonAuthorizationId")
    return authorization_details(ledger.authorization(auth_id, call.seller_id, call.sandbox))


def close(ledger: Ledger, call: Call) -> None:
    """CloseAuthorization: Pending or Open -> Closed/SellerClosed; Closed stays Closed."""
    auth_id = call.required("AmazonAuthorizationId")
    auth = ledger.authorization(auth_id, call.seller_id, call.sandbox)
    call.optional("ClosureReason", NOTE_LIMIT)
    if auth.status.state == "Closed":
        return
    if auth.status.state == "Declined":
        raise ApiError(
            "InvalidAuthorizationStatus",
            f"Authorization {auth.id} is in state Declined and cannot be closed.",
        )
    ledger.move(auth, "Closed", "SellerClosed")


def _check(ledger: Ledger, order: OrderReference, amount: Price) -> None:
    if order.total is not None:
        same_currency(order.total.currency, amount)
    if order.status.state != "Open" or order.total is None:
        raise ApiError(
            "InvalidOrderReferenceStatus",
            f"OrderReference {order.id} is in state {order.status.state}; "
            "authorizations are only allowed while it is Open.",
        )
    authorizations = (ledger.authorizations[i] for i in order.authorization_ids)
    live = [a for a in authorizations if a.status.state != "Declined"]
    if len(live) >= MAX_AUTHORIZATIONS:
        raise ApiError(
            "TransactionCountExceeded",
            f"OrderReference {order.id} already has {MAX_AUTHORIZATIONS} authorizations.",
        )
    # Authorizations may exceed the order total by the same allowance as refunds (§A.8).
    held = (a.captured if a.status.state == "Closed" else a.amount.amount for a in live)
    taken = sum(held, Decimal(0))
    ceiling = refund_ceiling(order.total.amount, order.total.currency)
    at_most(taken + amount.amount, ceiling, "authorization")


def _outcome(order: OrderReference, simulation: scenarios.Simulation | None) -> _Outcome:
    if simulation is not None and simulation.expiration_minutes is not None:
        # Closed/ExpiredUnused after N minutes: the authorization opens, then lapses.
        return _Outcome("Open", expiration_minutes=simulation.expiration_minutes)
    if simulation is not None and simulation.state is not None:
        soft = simulation.soft_decline
        if simulation.reason_code == "InvalidPaymentMethod" and soft is None:
            soft = True
        return _Outcome(
            simulation.state,
            simulation.reason_code,
            soft,
            simulation.payment_method_update_minutes,
        )
    reason = PAYMENT_METHODS[order.buyer.payment_method].decline_reason
    if reason is None:
        return _Outcome("Open")
    return _Outcome("Declined", reason, reason == "InvalidPaymentMethod" or None)


def _settle(ledger: Ledger, auth: Authorization, outcome: _Outcome) -> None:
    if auth.status.state != "Pending":
        return
    auth.soft_decline = outcome.soft_decline
    ledger.move(auth, outcome.state, outcome.reason)
    _follow_up(ledger, auth, outcome)


def _follow_up(ledger: Ledger, auth: Authorization, outcome: _Outcome) -> None:
    """What an authorization's first real state does next (§A.7, §A.11)."""
    order = ledger.orders[auth.order_reference_id]
    if outcome.state == "Open":
        _opened(ledger, auth, outcome)
    elif outcome.reason == "InvalidPaymentMethod" and order.status.state == "Open":
        ledger.move(order, "Suspended", "InvalidPaymentMethod")
        if outcome.update_minutes is not None:
            ledger.later(outcome.update_minutes * 60, lambda: _reopen(ledger, order))
    elif outcome.reason == "AmazonRejected" and order.status.state in ("Open", "Suspended"):
        ledger.move(order, "Closed", "AmazonClosed")


def _opened(ledger: Ledger, auth: Authorization, outcome: _Outcome) -> None:
    if auth.capture_now:
        seller_id, sandbox = ledger.owner[auth.id]
        book_capture(
            ledger,
            auth,
            auth.reference_id,
            auth.amount,
            None,
            seller_id,
            sandbox,
            soft_descriptor=auth.soft_descriptor,
        )
        return
    if outcome.expiration_minutes is not None:
        ledger.later(outcome.expiration_minutes * 60, lambda: _expire(ledger, auth))
    else:
        ledger.at(VALID_FOR, lambda: _expire(ledger, auth))


def _reopen(ledger: Ledger, order: OrderReference) -> None:
    if order.status.state == "Suspended":
        ledger.move(order, "Open")


def _expire(ledger: Ledger, auth: Authorization) -> None:
    if auth.status.state == "Open":
        ledger.move(auth, "Closed", "ExpiredUnused")
