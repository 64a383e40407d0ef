"""Amazon's ``…Details`` (legacy API) as ``Observation``s in the domain's words.

The one place where Amazon's state names become ``PaymentState`` (Amazon Pay API reference,
"Order reference / Authorization / Capture / Refund states and reason codes"; research
amazonpay-api.md A.7). Reason codes are kept exactly as Amazon spells them: codes this module
has never heard of (Amazon adds some, e.g. ``StopShipmentAtypicalAuth``) must pass through.

A soft decline is an authorization ``Declined/InvalidPaymentMethod``: the buyer may choose
another payment method and the order reference is Suspended meanwhile. Amazon's ``SoftDecline``
element, when present, decides; when it is absent, InvalidPaymentMethod counts as soft
("Handle soft and hard declines": AmazonRejected, ProcessingFailure and TransactionTimedOut
are hard).

Raises ``UnexpectedResponse`` (``mws.errors``) for a state Amazon does not document.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Final

from amzpay.amazonpay.gateway import ObjectKind, Observation, PaymentState
from amzpay.amazonpay.mws.errors import UnexpectedResponse
from amzpay.amazonpay.mws.wire import (
    AuthorizationDetails,
    CaptureDetails,
    OrderReferenceDetails,
    RefundDetails,
    Status,
)

Now = Callable[[], datetime]

STATES: Final[dict[str, PaymentState]] = {
    "Draft": PaymentState.DRAFT,
    "Pending": PaymentState.PENDING,
    "Open": PaymentState.OPEN,
    "Suspended": PaymentState.SUSPENDED,
    "Declined": PaymentState.DECLINED,
    "Completed": PaymentState.COMPLETED,
    "Closed": PaymentState.CLOSED,
    "Canceled": PaymentState.CANCELED,
}
SOFT_DECLINE_REASON: Final = "InvalidPaymentMethod"
ORDER_REFERENCE_ID_LENGTH: Final = 19
"""S02-1234567-1234567: an order reference id, which its payment objects' ids begin with
(S02-1234567-1234567-A012345, …-C012345, …-R012345)."""


def order_reference_of(amazon_id: str) -> str:
    """The order reference id an order reference's or payment object's Amazon id begins with."""
    return amazon_id[:ORDER_REFERENCE_ID_LENGTH]


def state_of(status: Status) -> PaymentState:
    """Amazon's state name as a ``PaymentState``."""
    state = STATES.get(status.state)
    if state is None:
        raise UnexpectedResponse(f"Amazon answered an unknown state {status.state!r}")
    return state


def _seen(
    kind: ObjectKind,
    ids: tuple[str, str | None],
    status: Status,
    created_at: datetime | None,
    now: Now,
    **more: Any,
) -> Observation:
    """The fields every kind shares, and ``more``; the time is Amazon's, or ours when Amazon
    gave none."""
    amazon_id, reference_id = ids
    return Observation(
        kind=kind,
        amazon_id=amazon_id,
        reference_id=reference_id,
        state=state_of(status),
        updated_at=status.last_update or created_at or now(),
        reason_code=status.reason_code,
        reason_description=status.reason_description,
        created_at=created_at,
        order_reference_id=order_reference_of(amazon_id),
        **more,
    )


def of_order_reference(details: OrderReferenceDetails, now: Now) -> Observation:
    return _seen(
        ObjectKind.ORDER_REFERENCE,
        (details.amazon_order_reference_id, None),
        details.status,
        details.created_at,
        now,
        amount=details.order_total,
        expires_at=details.expires_at,
        children=details.authorization_ids,
    )


def of_authorization(details: AuthorizationDetails, now: Now) -> Observation:
    return _seen(
        ObjectKind.AUTHORIZATION,
        (details.amazon_authorization_id, details.authorization_reference_id),
        details.status,
        details.created_at,
        now,
        amount=details.amount,
        settled=details.captured_amount,
        expires_at=details.expires_at,
        children=details.capture_ids,
        soft_decline=is_soft_decline(details.status, details.soft_decline),
    )


def of_capture(details: CaptureDetails, now: Now) -> Observation:
    return _seen(
        ObjectKind.CAPTURE,
        (details.amazon_capture_id, details.capture_reference_id),
        details.status,
        details.created_at,
        now,
        amount=details.amount,
        settled=details.refunded_amount,
        children=details.refund_ids,
    )


def of_refund(details: RefundDetails, now: Now) -> Observation:
    return _seen(
        ObjectKind.REFUND,
        (details.amazon_refund_id, details.refund_reference_id),
        details.status,
        details.created_at,
        now,
        amount=details.amount,
    )


def is_soft_decline(status: Status, soft_decline: bool | None) -> bool:
    """Whether a declined authorization may succeed with another payment method."""
    if status.state != "Declined" or status.reason_code != SOFT_DECLINE_REASON:
        return False
    return soft_decline is not False
