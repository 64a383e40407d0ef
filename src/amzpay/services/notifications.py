"""A verified IPN's NotificationData in the port's words: an ``Observation``.

The IPN and the poll must meet in one function (``processes.observations.apply_observation``),
so an IPN becomes the same ``Observation`` a ``Get…Details`` call gives, through the same
translation the gateway uses (``amazonpay.mws.observations``): NotificationData carries the
very ``…Details`` elements. A state Amazon does not document gives ``None``: the message is
recorded and acknowledged, not applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from amzpay.amazonpay.gateway import ObjectKind, Observation
from amzpay.amazonpay.ipn import (
    AuthorizationNotification,
    CaptureNotification,
    OrderReferenceNotification,
    RefundNotification,
    VerifiedNotification,
)
from amzpay.amazonpay.ipn.notification import NotificationData
from amzpay.amazonpay.mws import observations
from amzpay.amazonpay.mws.errors import UnexpectedResponse
from amzpay.store.log_rows import IpnSubject
from amzpay.store.payments import PaymentKind
from amzpay.store.transaction import Transaction

PAYMENT_KINDS: Final = {
    ObjectKind.AUTHORIZATION: PaymentKind.AUTHORIZATION,
    ObjectKind.CAPTURE: PaymentKind.CAPTURE,
    ObjectKind.REFUND: PaymentKind.REFUND,
}
"""The record kind of each Amazon payment object."""
ORDER_REFERENCE_ID_LENGTH: Final = 19
"""S02-1234567-1234567: the order reference id, which its payment objects' ids begin with."""


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


def order_of(tx: Transaction, seen: Observation) -> str | None:
    """Our order the observation is about: by our reference id or Amazon's id of the
    payment record, else by the order reference id Amazon's ids begin with."""
    kind = PAYMENT_KINDS.get(seen.kind)
    if kind is not None:
        record = tx.find_payment(kind, reference_id=seen.reference_id)
        record = record or tx.find_payment(kind, amazon_id=seen.amazon_id)
        if record is not None:
            return record.order
    return tx.order_of_amazon_reference(seen.amazon_id[:ORDER_REFERENCE_ID_LENGTH])


def subject_of(tx: Transaction, seen: Observation) -> IpnSubject:
    """What the inbox keeps of a notification, read once at receipt."""
    return IpnSubject(seen.kind.value, seen.amazon_id, seen.state.value, order_of(tx, seen))


@dataclass(frozen=True, slots=True)
class Notice:
    """A stored message as the inbox applies it, read once."""

    notification: bool  # False: a subscription confirmation, the operator's to confirm
    seen: Observation | None = None  # what it says; None: a type or state not read


def notice_of(read: VerifiedNotification | None, fallback: datetime) -> Notice:
    """The notice of a verified message (None: not a notification); ``fallback`` stands in
    for an unreadable SNS Timestamp."""
    if read is None:
        return Notice(notification=False)
    sent = sns_time(read.envelope.timestamp, fallback)
    return Notice(notification=True, seen=observation_of(read.message.data, sent))
