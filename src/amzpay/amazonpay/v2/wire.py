"""Amazon Pay API v2's JSON objects as frozen dataclasses, amounts as ``Money``.

Field names follow the API reference of each object (research C.1, C.2): a Refund is
``refundId``, ``chargeId``, ``refundAmount{amount,currencyCode}``, ``statusDetails{state,
reasonCode, reasonDescription, lastUpdatedTimestamp}``, ``creationTimestamp``, … States are
enums; a state Amazon does not document is refused as unreadable rather than guessed at.
Buyer data (name, e-mail, addresses, phone) is not read: nothing here needs it, so nothing
here can leak it.

Imports amzpay.domain and the standard library only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final, Generic, TypeVar

from amzpay.domain.errors import DomainError
from amzpay.domain.money import Money

T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)
S = TypeVar("S", bound=StrEnum)
_TIMESTAMP_FORMATS: Final = ("%Y%m%dT%H%M%SZ", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%fZ")


class WireError(ValueError):
    """A reply that is not the JSON object it should be."""


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


class ChargePermissionState(StrEnum):
    CHARGEABLE = "Chargeable"
    NON_CHARGEABLE = "NonChargeable"
    CLOSED = "Closed"


class CheckoutSessionState(StrEnum):
    OPEN = "Open"
    COMPLETED = "Completed"
    CANCELED = "Canceled"


@dataclass(frozen=True, slots=True)
class Status(Generic[S]):
    """``statusDetails``: the state, Amazon's reason code (kept as given) and when."""

    state: S
    reason_code: str | None
    reason_description: str | None
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class Refund:
    refund_id: str
    charge_id: str
    amount: Money
    status: Status[RefundState]
    created_at: datetime | None
    soft_descriptor: str | None
    environment: str | None


@dataclass(frozen=True, slots=True)
class Charge:
    charge_id: str
    charge_permission_id: str
    amount: Money
    captured: Money | None
    refunded: Money | None
    status: Status[ChargeState]
    created_at: datetime | None
    expires_at: datetime | None
    environment: str | None


@dataclass(frozen=True, slots=True)
class ChargePermission:
    charge_permission_id: str
    status: Status[ChargePermissionState]
    reasons: tuple[str, ...]  # statusDetails.reasons[].reasonCode, e.g. BillingAddressDeleted
    amount_limit: Money | None
    amount_balance: Money | None
    merchant_reference_id: str | None
    created_at: datetime | None
    expires_at: datetime | None
    environment: str | None


@dataclass(frozen=True, slots=True)
class CheckoutSession:
    checkout_session_id: str
    status: Status[CheckoutSessionState]
    charge_permission_id: str | None
    charge_id: str | None
    charge_amount: Money | None
    merchant_reference_id: str | None
    amazon_pay_redirect_url: str | None
    created_at: datetime | None
    environment: str | None


# -- reading -------------------------------------------------------------------------------


def read(data: Any, reader: Callable[[Mapping[str, Any]], T]) -> T:
    """``reader`` applied to a decoded reply; any shape it did not expect is a WireError."""
    if not isinstance(data, Mapping):
        raise WireError("the reply is not a JSON object")
    try:
        return reader(data)
    except (KeyError, TypeError, AttributeError) as missing:
        raise WireError(f"the reply lacks or mistypes {missing}") from None
    except DomainError as bad:  # an amount or currency Money refuses
        raise WireError(f"the reply holds a bad amount: {bad}") from None


def read_refund(data: Mapping[str, Any]) -> Refund:
    return Refund(
        refund_id=_text(data, "refundId"),
        charge_id=_text(data, "chargeId"),
        amount=_money(data["refundAmount"]),
        status=_status(data, RefundState),
        created_at=_time(data.get("creationTimestamp")),
        soft_descriptor=data.get("softDescriptor"),
        environment=data.get("releaseEnvironment"),
    )


def read_charge(data: Mapping[str, Any]) -> Charge:
    return Charge(
        charge_id=_text(data, "chargeId"),
        charge_permission_id=_text(data, "chargePermissionId"),
        amount=_money(data["chargeAmount"]),
        captured=_optional_money(data.get("captureAmount")),
        refunded=_optional_money(data.get("refundedAmount")),
        status=_status(data, ChargeState),
        created_at=_time(data.get("creationTimestamp")),
        expires_at=_time(data.get("expirationTimestamp")),
        environment=data.get("releaseEnvironment"),
    )


def read_charge_permission(data: Mapping[str, Any]) -> ChargePermission:
    limits = data.get("limits") or {}
    reasons = data["statusDetails"].get("reasons") or ()
    return ChargePermission(
        charge_permission_id=_text(data, "chargePermissionId"),
        status=_status(data, ChargePermissionState),
        reasons=tuple(str(reason["reasonCode"]) for reason in reasons),
        amount_limit=_optional_money(limits.get("amountLimit")),
        amount_balance=_optional_money(limits.get("amountBalance")),
        merchant_reference_id=(data.get("merchantMetadata") or {}).get("merchantReferenceId"),
        created_at=_time(data.get("creationTimestamp")),
        expires_at=_time(data.get("expirationTimestamp")),
        environment=data.get("releaseEnvironment"),
    )


def read_checkout_session(data: Mapping[str, Any]) -> CheckoutSession:
    payment = data.get("paymentDetails") or {}
    web = data.get("webCheckoutDetails") or {}
    return CheckoutSession(
        checkout_session_id=_text(data, "checkoutSessionId"),
        status=_status(data, CheckoutSessionState),
        charge_permission_id=data.get("chargePermissionId"),
        charge_id=data.get("chargeId"),
        charge_amount=_optional_money(payment.get("chargeAmount")),
        merchant_reference_id=(data.get("merchantMetadata") or {}).get("merchantReferenceId"),
        amazon_pay_redirect_url=web.get("amazonPayRedirectUrl"),
        created_at=_time(data.get("creationTimestamp")),
        environment=data.get("releaseEnvironment"),
    )


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data[name]
    if not isinstance(value, str) or not value:
        raise WireError(f"{name} is not a non-empty string")
    return value


def _money(data: Mapping[str, Any]) -> Money:
    amount, currency = data["amount"], data["currencyCode"]
    if not isinstance(amount, str | int) or isinstance(amount, bool):
        raise WireError(f"amount {amount!r} is neither a decimal string nor an integer")
    return Money.parse(str(amount), str(currency))


def _optional_money(data: Mapping[str, Any] | None) -> Money | None:
    return None if data is None else _money(data)


def _status(data: Mapping[str, Any], states: type[E]) -> Status[E]:
    details = data["statusDetails"]
    try:
        state = states(details["state"])
    except ValueError:
        raise WireError(f"{details['state']!r} is not a {states.__name__}") from None
    return Status(
        state=state,
        reason_code=details.get("reasonCode"),
        reason_description=details.get("reasonDescription"),
        updated_at=_time(details.get("lastUpdatedTimestamp")),
    )


def _time(value: object) -> datetime | None:
    """Amazon's timestamps, compact (20190714T155300Z) or ISO 8601, with or without millis."""
    if value is None:
        return None
    if isinstance(value, str):
        for form in _TIMESTAMP_FORMATS:
            try:
                return datetime.strptime(value, form).replace(tzinfo=UTC)
            except ValueError:
                continue
    raise WireError(f"{value!r} is not a timestamp")
