"""The objects of API v2: checkout sessions, charge permissions, charges and refunds.

States are Amazon's names (amazonpay-api.md §C.2), ``TRANSITIONS`` is the one table of the
moves each kind may make, and ``move`` is the only way a state changes. ``Status`` (state,
when, reason code and description) is the legacy side's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Final, Literal

from ..model import (
    Buyer,
    Price,
    Status as Status,  # the legacy side's, shared
)

Kind = Literal["CheckoutSession", "ChargePermission", "Charge", "Refund"]


class SessionState(StrEnum):
    OPEN = "Open"
    COMPLETED = "Completed"
    CANCELED = "Canceled"


class PermissionState(StrEnum):
    CHARGEABLE = "Chargeable"
    NON_CHARGEABLE = "NonChargeable"
    CLOSED = "Closed"


class ChargeState(StrEnum):
    AUTHORIZATION_INITIATED = "AuthorizationInitiated"
    AUTHORIZED = "Authorized"
    CAPTURE_INITIATED = "CaptureInitiated"
    CAPTURED = "Captured"
    CANCELED = "Canceled"
    DECLINED = "Declined"


class RefundState(StrEnum):
    REFUND_INITIATED = "RefundInitiated"
    REFUNDED = "Refunded"
    DECLINED = "Declined"


State = SessionState | PermissionState | ChargeState | RefundState

_C = ChargeState
TRANSITIONS: Final[dict[Kind, dict[str, frozenset[str]]]] = {
    "CheckoutSession": {
        SessionState.OPEN: frozenset({SessionState.COMPLETED, SessionState.CANCELED}),
        SessionState.COMPLETED: frozenset(),
        SessionState.CANCELED: frozenset(),
    },
    "ChargePermission": {
        PermissionState.CHARGEABLE: frozenset(
            {PermissionState.NON_CHARGEABLE, PermissionState.CLOSED}
        ),
        # NonChargeable to NonChargeable: the reason changes (ChargeInProgress to
        # PaymentMethodInvalid when the pending charge is hard declined).
        PermissionState.NON_CHARGEABLE: frozenset(
            {PermissionState.CHARGEABLE, PermissionState.NON_CHARGEABLE, PermissionState.CLOSED}
        ),
        PermissionState.CLOSED: frozenset(),
    },
    "Charge": {
        # AuthorizationInitiated to Captured: a pending authorization with captureNow.
        _C.AUTHORIZATION_INITIATED: frozenset(
            {_C.AUTHORIZED, _C.CAPTURED, _C.DECLINED, _C.CANCELED}
        ),
        _C.AUTHORIZED: frozenset({_C.CAPTURE_INITIATED, _C.CAPTURED, _C.DECLINED, _C.CANCELED}),
        _C.CAPTURE_INITIATED: frozenset({_C.CAPTURED, _C.DECLINED}),
        _C.CAPTURED: frozenset(),
        _C.CANCELED: frozenset(),
        _C.DECLINED: frozenset(),
    },
    "Refund": {
        RefundState.REFUND_INITIATED: frozenset({RefundState.REFUNDED, RefundState.DECLINED}),
        RefundState.REFUNDED: frozenset(),
        RefundState.DECLINED: frozenset(),
    },
}


def move(
    status: Status, kind: Kind, target: State, at: datetime, reason: str | None = None
) -> None:
    """The only way a v2 object's state changes: along ``TRANSITIONS``, else the legacy
    side's IllegalTransition."""
    status.follow(TRANSITIONS[kind], kind, target, at, reason)


@dataclass
class PaymentDetails:
    """What the shop tells a checkout session about the payment it wants."""

    payment_intent: str | None = None  # Confirm | Authorize | AuthorizeWithCapture
    can_handle_pending_authorization: bool = False
    charge_amount: Price | None = None
    total_order_amount: Price | None = None
    soft_descriptor: str | None = None
    presentment_currency: str | None = None


@dataclass
class CheckoutSession:
    id: str
    seller_id: str
    sandbox: bool
    store_id: str
    review_return_url: str
    created: datetime
    expires: datetime
    status: Status
    result_return_url: str | None = None
    payment: PaymentDetails = field(default_factory=PaymentDetails)
    merchant_metadata: dict[str, str | None] = field(default_factory=dict)
    platform_id: str | None = None
    buyer: Buyer | None = None
    card: str | None = None  # the wallet key the buyer chose
    charge_permission_id: str | None = None
    charge_id: str | None = None
    # Made by the buyer at the button (the hosted pages): the buyer confirms the payment at
    # amazonPayRedirectUrl, passing an authentication step, before it can be completed.
    needs_authentication: bool = False
    authenticated: bool = False
    kind: Kind = "CheckoutSession"


@dataclass
class ChargePermission:
    id: str
    session_id: str
    buyer: Buyer
    card: str
    created: datetime
    expires: datetime
    status: Status
    limit: Price
    merchant_metadata: dict[str, str | None] = field(default_factory=dict)
    platform_id: str | None = None
    charge_ids: list[str] = field(default_factory=list)
    kind: Kind = "ChargePermission"


@dataclass
class Charge:
    id: str
    charge_permission_id: str
    amount: Price
    created: datetime
    expires: datetime
    status: Status
    soft_descriptor: str | None = None
    captured: Decimal | None = None
    refunded: Decimal = Decimal(0)
    refund_ids: list[str] = field(default_factory=list)
    kind: Kind = "Charge"


@dataclass
class Refund:
    id: str
    charge_id: str
    amount: Price
    created: datetime
    status: Status
    soft_descriptor: str | None = None
    kind: Kind = "Refund"


Resource = CheckoutSession | ChargePermission | Charge | Refund
