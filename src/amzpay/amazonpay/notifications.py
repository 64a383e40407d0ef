"""A verified or stored IPN in the port's words: a ``Notice`` holding an ``Observation``.

The IPN and the poll must meet in one function (``processes.observations.apply_observation``),
so an IPN becomes the same ``Observation`` a ``Get…Details`` call gives, through the same
translation the gateway uses (``mws.observations``): the legacy API's NotificationData carries
the very ``…Details`` elements. The SNS envelope, the inner message and the XML stay here;
callers get the message's id, its type, and what it says. A state Amazon does not document
gives no observation: the message is recorded and acknowledged, not applied.

    notice_of(verified, fallback)          a message the verifier has just passed
    read_stored(body, max_bytes, fallback) a message the inbox kept (its body as received)

Imports the gateway port, ``ipn`` and ``mws.observations``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from amzpay.amazonpay.gateway import Observation
from amzpay.amazonpay.ipn.envelope import MessageType, read_envelope
from amzpay.amazonpay.ipn.notification import (
    AuthorizationNotification,
    CaptureNotification,
    NotificationData,
    OrderReferenceNotification,
    RefundNotification,
    read_message,
)
from amzpay.amazonpay.ipn.verifier import VerifiedNotification, VerifiedSubscription
from amzpay.amazonpay.mws import observations
from amzpay.amazonpay.mws.errors import UnexpectedResponse


@dataclass(frozen=True, slots=True)
class Notice:
    """A message as the inbox keeps and applies it, read once."""

    message_id: str  # SNS's MessageId: redelivered messages share it
    kind: str  # the notification type ("PaymentRefund"), or SNS's type for a confirmation
    notification: bool  # False: a subscription confirmation, the operator's to confirm
    seen: Observation | None = None  # what it says; None: a type or state not read


def notice_of(verified: VerifiedNotification | VerifiedSubscription, fallback: datetime) -> Notice:
    """The notice of a verified message; ``fallback`` stands in for an unreadable SNS
    Timestamp when Amazon gives no time of its own."""
    envelope = verified.envelope
    if isinstance(verified, VerifiedSubscription):
        return Notice(envelope.message_id, envelope.type.value, notification=False)
    message = verified.message
    seen = observation_of(message.data, sns_time(envelope.timestamp, fallback))
    return Notice(envelope.message_id, message.notification_type, True, seen)


def read_stored(body: str, max_bytes: int, fallback: datetime) -> Notice:
    """The notice of a message kept as received (its signature was checked at receipt).

    Raises:
        IpnError: the body is no SNS message or its notification cannot be read.
        UnicodeEncodeError: the body cannot be encoded as UTF-8.
    """
    envelope = read_envelope(body.encode("utf-8"), max_bytes)
    if envelope.type is not MessageType.NOTIFICATION:
        return Notice(envelope.message_id, envelope.type.value, notification=False)
    return notice_of(VerifiedNotification(envelope, read_message(envelope.message)), fallback)


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
