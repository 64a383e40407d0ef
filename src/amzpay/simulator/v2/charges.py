"""Charges: Create, Get, Capture, Cancel (amazonpay-api.md §C.1, §C.2, §C.8).

An authorization is Authorized (or Captured with ``captureNow``) at once; a card or
simulation that makes it pending leaves it AuthorizationInitiated for
``authorization_seconds``, which needs ``canHandlePendingAuthorization`` (without it the
charge is Declined/TransactionTimedOut, as Amazon does when it cannot decide in time). A
declined authorization answers 422 with the reason code and books the Declined charge. An
Authorized charge not captured in 30 days becomes Canceled/ExpiredUnused.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from ..model import Price
from . import wire
from .body import Body
from .call import Answer, Books, Call
from .errors import V2Error
from .model import Charge, ChargePermission, ChargeState, PermissionState, Status
from .simulations import DECLINES_CHARGE, refused
from .wallet import CARDS

AUTHORIZATION_DAYS = 30
DESCRIPTOR_LIMIT = 16
REASON_LIMIT = 255
_SPENT = frozenset({ChargeState.DECLINED, ChargeState.CANCELED})
_CREATE = (
    "chargePermissionId",
    "chargeAmount",
    "captureNow",
    "softDescriptor",
    "canHandlePendingAuthorization",
    "merchantMetadata",
    "providerMetadata",
)


def create(books: Books, call: Call) -> Answer:
    body = Body.parse(call.body, _CREATE)
    permission_id = body.required_text("chargePermissionId")
    amount = body.required_price("chargeAmount")
    capture_now = body.flag("captureNow", False)
    descriptor = body.text("softDescriptor", DESCRIPTOR_LIMIT)
    if descriptor is not None and not capture_now:
        raise V2Error("InvalidParameterCombination", "softDescriptor needs captureNow true.")
    permission = books.permission(permission_id, *call.owner)
    charge = authorize(
        books,
        call,
        permission,
        amount,
        capture_now=capture_now,
        can_handle_pending=body.flag("canHandlePendingAuthorization", False),
        soft_descriptor=descriptor,
        pending=False,
    )
    return 201, wire.charge(charge, call.sandbox)


def get(books: Books, call: Call) -> Answer:
    return 200, wire.charge(books.charge(call.the_id(), *call.owner), call.sandbox)


def capture(books: Books, call: Call) -> Answer:
    body = Body.parse(call.body, ("captureAmount", "softDescriptor"))
    amount = body.required_price("captureAmount")
    descriptor = body.text("softDescriptor", DESCRIPTOR_LIMIT)
    charge = books.charge(call.the_id(), *call.owner)
    if charge.status.state != ChargeState.AUTHORIZED:
        raise _state(charge, "captured")
    _same_currency(charge.amount, amount)
    if amount.amount > charge.amount.amount:
        raise V2Error("TransactionAmountExceeded", "captureAmount exceeds the charge amount.")
    charge.soft_descriptor = descriptor or charge.soft_descriptor
    if call.simulation == "CaptureInitiated":
        books.move(charge, ChargeState.CAPTURE_INITIATED)
        books.later(books.config.capture_seconds, lambda: _captured(books, charge, amount.amount))
    else:
        _captured(books, charge, amount.amount)
    return 200, wire.charge(charge, call.sandbox)


def cancel(books: Books, call: Call) -> Answer:
    body = Body.parse(call.body, ("cancellationReason",))
    reason = body.text("cancellationReason", REASON_LIMIT)
    charge = books.charge(call.the_id(), *call.owner)
    cancelable = (ChargeState.AUTHORIZATION_INITIATED, ChargeState.AUTHORIZED)
    if charge.status.state not in cancelable:
        raise _state(charge, "canceled")
    books.move(charge, ChargeState.CANCELED, "MerchantCanceled")
    charge.status.reason_description = reason
    _after_decision(books, books.permissions[charge.charge_permission_id], None)
    return 200, wire.charge(charge, call.sandbox)


def authorize(
    books: Books,
    call: Call,
    permission: ChargePermission,
    amount: Price,
    *,
    capture_now: bool,
    can_handle_pending: bool,
    soft_descriptor: str | None,
    pending: bool,
) -> Charge:
    """A new charge on ``permission``, decided as the buyer's card and the simulation say."""
    if permission.status.state != PermissionState.CHARGEABLE:
        raise V2Error(
            "InvalidChargePermissionStatus",
            f"The charge permission is {permission.status.state}, not Chargeable.",
        )
    _same_currency(permission.limit, amount)
    if amount.amount > balance(books, permission).amount:
        raise V2Error(
            "TransactionAmountExceeded", "chargeAmount exceeds the charge permission's balance."
        )
    if call.simulation == "CaptureInitiated" and not capture_now:
        raise refused("CaptureInitiated", "it needs captureNow true")
    now = books.now()
    charge = Charge(
        id=books.ids.child(permission.id, "C"),
        charge_permission_id=permission.id,
        amount=amount,
        created=now,
        expires=now + timedelta(days=AUTHORIZATION_DAYS),
        status=Status(ChargeState.AUTHORIZATION_INITIATED, now),
        soft_descriptor=soft_descriptor and f"AMZ*{soft_descriptor}",
    )
    permission.charge_ids.append(charge.id)
    outcome = CARDS[permission.card].pending_outcome or ("Authorized" if pending else None)
    decline = call.simulation if call.simulation in DECLINES_CHARGE else None
    if decline is None and outcome is not None and not can_handle_pending:
        decline = "TransactionTimedOut"
    if decline is not None:
        charge.status = Status(ChargeState.DECLINED, now, decline)
        books.add(charge, call.seller_id, call.sandbox, announce=True)
        _after_decision(books, permission, decline)
        raise V2Error(decline, f"The charge was declined: {decline}.")
    if outcome is not None:
        books.add(charge, call.seller_id, call.sandbox, announce=False)
        books.move(permission, PermissionState.NON_CHARGEABLE, "ChargeInProgress")
        seconds = books.config.authorization_seconds
        books.later(seconds, lambda: _decide(books, charge, outcome, capture_now))
        return charge
    _authorized(books, charge, call, capture_now)
    return charge


def balance(books: Books, permission: ChargePermission) -> Price:
    """What is left of the permission's limit after its live charges."""
    used = sum(
        (
            books.charges[c].amount.amount
            for c in permission.charge_ids
            if books.charges[c].status.state not in _SPENT
        ),
        Decimal(0),
    )
    return Price(max(permission.limit.amount - used, Decimal(0)), permission.limit.currency)


def _authorized(books: Books, charge: Charge, call: Call, capture_now: bool) -> None:
    if capture_now and call.simulation == "CaptureInitiated":
        charge.status = Status(ChargeState.CAPTURE_INITIATED, books.now())
        books.add(charge, call.seller_id, call.sandbox, announce=True)
        seconds = books.config.capture_seconds
        books.later(seconds, lambda: _captured(books, charge, charge.amount.amount))
        return
    charge.status = Status(ChargeState.AUTHORIZED, books.now())
    if capture_now:
        charge.status = Status(ChargeState.CAPTURED, books.now())
        charge.captured = charge.amount.amount
    books.add(charge, call.seller_id, call.sandbox, announce=True)
    _expire_later(books, charge)


def _decide(books: Books, charge: Charge, outcome: str, capture_now: bool) -> None:
    if charge.status.state != ChargeState.AUTHORIZATION_INITIATED:
        return  # canceled meanwhile
    permission = books.permissions[charge.charge_permission_id]
    if outcome != "Authorized":
        books.move(charge, ChargeState.DECLINED, outcome)
        _after_decision(books, permission, outcome)
        return
    if capture_now:
        charge.captured = charge.amount.amount
        books.move(charge, ChargeState.CAPTURED)
    else:
        books.move(charge, ChargeState.AUTHORIZED)
        _expire_later(books, charge)
    _after_decision(books, permission, None)


def _after_decision(books: Books, permission: ChargePermission, decline: str | None) -> None:
    """The permission once a charge on it is decided: NonChargeable/PaymentMethodInvalid
    after a hard decline, Chargeable again when it waited for the charge."""
    state, reason = permission.status.state, permission.status.reason_code
    if state == PermissionState.CLOSED:
        return
    if decline == "HardDeclined":
        books.move(permission, PermissionState.NON_CHARGEABLE, "PaymentMethodInvalid")
    elif state == PermissionState.NON_CHARGEABLE and reason == "ChargeInProgress":
        books.move(permission, PermissionState.CHARGEABLE)


def _captured(books: Books, charge: Charge, amount: Decimal) -> None:
    charge.captured = amount
    books.move(charge, ChargeState.CAPTURED)


def _expire_later(books: Books, charge: Charge) -> None:
    def expire() -> None:
        if charge.status.state == ChargeState.AUTHORIZED:
            books.move(charge, ChargeState.CANCELED, "ExpiredUnused")

    books.later(AUTHORIZATION_DAYS * 86400.0, expire)


def _same_currency(expected: Price, given: Price) -> None:
    if given.currency != expected.currency:
        raise V2Error(
            "CurrencyMismatch",
            f"The currency {given.currency} does not match the currency {expected.currency}.",
        )


def _state(charge: Charge, what: str) -> V2Error:
    return V2Error(
        "InvalidChargeStatus", f"The charge is {charge.status.state} and cannot be {what}."
    )
