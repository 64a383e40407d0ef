"""A verified IPN's NotificationData in the port's words: an ``Observation``.

The IPN and the poll must meet in one function (``processes.observations.apply_observation``),
so an IPN is turned into the same ``Observation`` a ``Get*Details`` call gives. Amazon's
state names map one to one onto ``PaymentState`` (legacy API, "States and reason codes");
a state we do not know is ``None``: the message is recorded and acknowledged, not applied.
"""

from __future__ import annotations

from datetime import UTC, datetime

from amzpay.amazonpay.gateway import ObjectKind, Observation, PaymentState
from amzpay.amazonpay.ipn import (
    AuthorizationNotification,
    CaptureNotification,
    OrderReferenceNotification,
    RefundNotification,
)
from amzpay.amazonpay.ipn.notification import NotificationData
from amzpay.amazonpay.mws import wire
from amzpay.domain.money import Money


def observation_of(data: NotificationData, sent_at: datetime) -> Observation | None:
    """What the notification says, or None for a type or state this module does not read.
    ``sent_at`` (the SNS Timestamp) stands in when Amazon gives no LastUpdateTimestamp."""
    match data:
        case RefundNotification(details=refund):
            return _observed(
                ObjectKind.REFUND,
                refund.amazon_refund_id,
                refund.refund_reference_id,
                refund.status,
                sent_at,
                amount=refund.amount,
            )
        case CaptureNotification(details=capture):
            return _observed(
                ObjectKind.CAPTURE,
                capture.amazon_capture_id,
                capture.capture_reference_id,
                capture.status,
                sent_at,
                amount=capture.amount,
                children=capture.refund_ids,
            )
        case AuthorizationNotification(details=auth):
            return _observed(
                ObjectKind.AUTHORIZATION,
                auth.amazon_authorization_id,
                auth.authorization_reference_id,
                auth.status,
                sent_at,
                amount=auth.amount,
                children=auth.capture_ids,
                soft_decline=bool(auth.soft_decline),
            )
        case OrderReferenceNotification(details=reference):
            return _observed(
                ObjectKind.ORDER_REFERENCE,
                reference.amazon_order_reference_id,
                None,
                reference.status,
                sent_at,
            )
    return None


def _observed(
    kind: ObjectKind,
    amazon_id: str,
    reference_id: str | None,
    status: wire.Status,
    sent_at: datetime,
    *,
    amount: Money | None = None,
    children: tuple[str, ...] = (),
    soft_decline: bool = False,
) -> Observation | None:
    try:
        state = PaymentState(status.state.lower())
    except ValueError:
        return None
    return Observation(
        kind=kind,
        amazon_id=amazon_id,
        reference_id=reference_id,
        state=state,
        updated_at=status.last_update or sent_at,
        amount=amount,
        reason_code=status.reason_code,
        reason_description=status.reason_description,
        children=children,
        soft_decline=soft_decline,
    )


def sns_time(timestamp: str, fallback: datetime) -> datetime:
    """SNS's Timestamp ("2026-03-02T10:00:00.000Z"), or ``fallback`` when unreadable."""
    try:
        parsed = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return fallback
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
