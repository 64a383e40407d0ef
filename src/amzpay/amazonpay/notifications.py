"""A verified or stored IPN in the port's words: a ``Notice`` holding an ``Observation``.

The IPN and the poll must meet in one function (``processes.observations.apply_observation``),
so an IPN becomes the same ``Observation`` a ``Get…Details`` call gives, through the same
translation the gateway uses (``mws.observations``): the legacy API's NotificationData carries
the very ``…Details`` elements. The SNS envelope, the inner message and the XML stay here;
callers get the message's id, its type, and what it says. A state Amazon does not document
gives no observation: the message is recorded and acknowledged, not applied.

An API v2 message says only which object changed (research C.5): its notice holds a ``Hint``,
and ``look`` asks the gateway for that object, so what is applied is what Amazon says now,
through the same observation path. A v2 Charge is both an authorization and its capture, so
a hint about one asks for both.

    notice_of(verified, fallback)          a message the verifier has just passed
    read_stored(body, max_bytes, fallback) a message the inbox kept (its body as received)
    look(gateway, hint)                    the observations of the object a hint names

Imports the gateway port, ``ipn`` and ``mws.observations``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Final

from amzpay.amazonpay.gateway import ObjectKind, Observation, PaymentGateway
from amzpay.amazonpay.ipn.envelope import MessageType, read_envelope, read_message_object
from amzpay.amazonpay.ipn.notification import (
    AuthorizationNotification,
    CaptureNotification,
    NotificationData,
    OrderReferenceNotification,
    RefundNotification,
)
from amzpay.amazonpay.ipn.v2message import V2IpnMessage
from amzpay.amazonpay.ipn.verifier import (
    VerifiedNotification,
    VerifiedSubscription,
    read_any_message,
)
from amzpay.amazonpay.mws import observations
from amzpay.amazonpay.mws.errors import UnexpectedResponse
from amzpay.domain.order import AmazonApi


@dataclass(frozen=True, slots=True)
class Hint:
    """An object a notification names without saying its state: what to ask the gateway
    (``kinds``: the port objects it is), and the order reference it belongs to."""

    kinds: tuple[ObjectKind, ...]
    amazon_id: str
    order_reference_id: str | None


HINT_KINDS: Final[Mapping[str, tuple[ObjectKind, ...]]] = {
    "CHARGE_PERMISSION": (ObjectKind.ORDER_REFERENCE,),
    "CHARGE": (ObjectKind.AUTHORIZATION, ObjectKind.CAPTURE),
    "REFUND": (ObjectKind.REFUND,),
}
"""API v2's ObjectType as the port's objects; a CHARGEBACK is not read (no port object)."""


NOTIFICATION_TYPES: Final[Mapping[AmazonApi, tuple[str, ...]]] = {
    AmazonApi.LEGACY: (
        "OrderReferenceNotification",
        "PaymentAuthorize",
        "PaymentCapture",
        "PaymentRefund",
    ),
    AmazonApi.V2: ("CHARGE_PERMISSION", "CHARGE", "REFUND", "CHARGEBACK"),
}
"""The notification types each API sends, as a ``Notice`` names them (the legacy
NotificationType, v2's ObjectType)."""


@dataclass(frozen=True, slots=True)
class Notice:
    """A message as the inbox keeps and applies it, read once."""

    message_id: str  # SNS's MessageId: redelivered messages share it
    kind: str  # the notification type ("PaymentRefund", v2's "REFUND"), or SNS's type
    notification: bool  # False: a subscription confirmation, the operator's to confirm
    seen: Observation | None = None  # what it says; None: a type or state not read
    hint: Hint | None = None  # what to ask the gateway, for a message that says no state


def notice_of(verified: VerifiedNotification | VerifiedSubscription, fallback: datetime) -> Notice:
    """The notice of a verified message; ``fallback`` stands in for an unreadable SNS
    Timestamp when Amazon gives no time of its own."""
    envelope = verified.envelope
    if isinstance(verified, VerifiedSubscription):
        return Notice(envelope.message_id, envelope.type.value, notification=False)
    message = verified.message
    if isinstance(message, V2IpnMessage):
        return Notice(envelope.message_id, message.object_type, True, hint=hint_of(message))
    seen = observation_of(message.data, sns_time(envelope.timestamp, fallback))
    return Notice(envelope.message_id, message.notification_type, True, seen)


def hint_of(message: V2IpnMessage) -> Hint | None:
    """What a v2 message asks to look at; None for an object type the port has no word for."""
    kinds = HINT_KINDS.get(message.object_type)
    if kinds is None:
        return None
    return Hint(kinds, message.object_id, message.charge_permission_id)


def look(gateway: PaymentGateway, hint: Hint) -> list[Observation]:
    """What Amazon says now of the object ``hint`` names, one observation per port object it
    is; each knows its order reference (the hint's, when the object does not say).

    Raises the gateway's errors (``CallFailed``: ask again later)."""
    details: Mapping[ObjectKind, Callable[[str], Observation]] = {
        ObjectKind.ORDER_REFERENCE: gateway.order_reference_details,
        ObjectKind.AUTHORIZATION: gateway.authorization_details,
        ObjectKind.CAPTURE: gateway.capture_details,
        ObjectKind.REFUND: gateway.refund_details,
    }
    seen = [details[kind](hint.amazon_id) for kind in hint.kinds]
    return [
        s
        if s.order_reference_id is not None
        else replace(s, order_reference_id=hint.order_reference_id)
        for s in seen
    ]


def read_stored(body: str, max_bytes: int, fallback: datetime) -> Notice:
    """The notice of a message kept as received (its signature was checked at receipt).

    Raises:
        IpnError: the body is no SNS message or its notification cannot be read.
        UnicodeEncodeError: the body cannot be encoded as UTF-8.
    """
    envelope = read_envelope(body.encode("utf-8"), max_bytes)
    if envelope.type is not MessageType.NOTIFICATION:
        return Notice(envelope.message_id, envelope.type.value, notification=False)
    message = read_any_message(read_message_object(envelope.message))
    return notice_of(VerifiedNotification(envelope, message), fallback)


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
