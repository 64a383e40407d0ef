"""A verified IPN's NotificationData in the port's words: an ``Observation``.

The IPN and the poll must meet in one function (``processes.observations.apply_observation``),
so an IPN becomes the same ``Observation`` a ``Get…Details`` call gives, through the same
translation the gateway uses (``amazonpay.mws.observations``): NotificationData carries the
very ``…Details`` elements. A state Amazon does not document gives ``None``: the message is
recorded and acknowledged, not applied.
"""

from __future__ import annotations

from datetime import UTC, datetime

from amzpay.amazonpay.gateway import Observation
from amzpay.amazonpay.ipn import (
    AuthorizationNotification,
    CaptureNotification,
    OrderReferenceNotification,
    RefundNotification,
)
from amzpay.amazonpay.ipn.notification import NotificationData
from amzpay.amazonpay.mws import observations
from amzpay.amazonpay.mws.errors import UnexpectedResponse


def observation_of(data: NotificationData, sent_at: datetime) -> Observation | None:
    """What the notification says, or None for a type or state this module does not read.
    ``sent_at`` (the SNS Timestamp) stands in when Amazon gives no time of its own."""

    def now() -> datetime:
        return sent_at

    try:
        match data:
            case RefundNotification(details=refund):
                return observations.of_refund(refund, now)
            case CaptureNotification(details=capture):
                return observations.of_capture(capture, now)
            case AuthorizationNotification(details=auth):
                return observations.of_authorization(auth, now)
            case OrderReferenceNotification(details=reference):
                return observations.of_order_reference(reference, now)
    except UnexpectedResponse:
        return None
    return None


def sns_time(timestamp: str, fallback: datetime) -> datetime:
    """SNS's Timestamp ("2026-03-02T10:00:00.000Z"), or ``fallback`` when unreadable."""
    try:
        parsed = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return fallback
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
