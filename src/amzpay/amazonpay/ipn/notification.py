"""The inner Message of an Amazon Pay IPN and its NotificationData XML.

The Message is JSON (research B.4): NotificationReferenceId, NotificationType, SellerId,
ReleaseEnvironment, MarketplaceID (capital ID), Version, Timestamp, optional IsSample, and
NotificationData, an XML string whose root depends on the type:

    PaymentAuthorize            <AuthorizationNotification>   -> <AuthorizationDetails>
    PaymentCapture              <CaptureNotification>         -> <CaptureDetails>
    PaymentRefund               <RefundNotification>          -> <RefundDetails>
    OrderReferenceNotification  <OrderReferenceNotification>  -> <OrderReference>

Any other type (billing agreements, chargebacks, provider credits) is returned as
``UnknownNotification``, for the caller to record and acknowledge. The inner Timestamp is not
read: 2015 sandbox messages print it in a broken 12-hour form (research B.5); the SNS
Timestamp and the objects' LastUpdateTimestamp are the times to use.

Raises the errors of ``ipn.errors``: InvalidJson, MissingField, InvalidField, InvalidXml.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from amzpay.amazonpay.ipn.envelope import read_message_object
from amzpay.amazonpay.ipn.errors import InvalidField, InvalidXml, MissingField
from amzpay.amazonpay.mws import wire
from amzpay.amazonpay.mws.elements import (
    InvalidValue,
    MalformedXml,
    MissingElement,
    Node,
    parse_xml,
)


@dataclass(frozen=True, slots=True)
class AuthorizationNotification:
    details: wire.AuthorizationDetails


@dataclass(frozen=True, slots=True)
class CaptureNotification:
    details: wire.CaptureDetails


@dataclass(frozen=True, slots=True)
class RefundNotification:
    details: wire.RefundDetails


@dataclass(frozen=True, slots=True)
class OrderReferenceNotification:
    details: wire.OrderReferenceDetails


@dataclass(frozen=True, slots=True)
class UnknownNotification:
    """A type this module does not read; ``notification_data`` is kept as received."""

    notification_type: str
    notification_data: str


NotificationData = (
    AuthorizationNotification
    | CaptureNotification
    | RefundNotification
    | OrderReferenceNotification
    | UnknownNotification
)


@dataclass(frozen=True, slots=True)
class IpnMessage:
    notification_reference_id: str
    notification_type: str
    seller_id: str
    release_environment: str
    marketplace_id: str | None
    version: str | None
    is_sample: bool
    data: NotificationData


def _authorization(node: Node) -> NotificationData:
    return AuthorizationNotification(wire.read_authorization(node))


def _capture(node: Node) -> NotificationData:
    return CaptureNotification(wire.read_capture(node))


def _refund(node: Node) -> NotificationData:
    return RefundNotification(wire.read_refund(node))


def _order_reference(node: Node) -> NotificationData:
    return OrderReferenceNotification(wire.read_order_reference(node))


_READERS: Final[Mapping[str, tuple[str, str, Callable[[Node], NotificationData]]]] = {
    "PaymentAuthorize": ("AuthorizationNotification", "AuthorizationDetails", _authorization),
    "PaymentCapture": ("CaptureNotification", "CaptureDetails", _capture),
    "PaymentRefund": ("RefundNotification", "RefundDetails", _refund),
    "OrderReferenceNotification": (
        "OrderReferenceNotification",
        "OrderReference",
        _order_reference,
    ),
}


def read_notification_data(notification_type: str, xml: str) -> NotificationData:
    """NotificationData of ``notification_type`` read into its typed form."""
    known = _READERS.get(notification_type)
    if known is None:
        return UnknownNotification(notification_type, xml)
    root_name, child_name, reader = known
    try:
        root = parse_xml(xml)
        if root.name != root_name:
            raise InvalidField("NotificationData", f"root <{root.name}>, expected <{root_name}>")
        return reader(root.child(child_name))
    except MalformedXml as error:
        raise InvalidXml(f"NotificationData: {error}") from None
    except MissingElement as error:
        raise MissingField(f"NotificationData {error.path}") from None
    except InvalidValue as error:
        raise InvalidField(f"NotificationData {error.path}", error.reason) from None


_REQUIRED: Final = (
    "NotificationType",
    "NotificationReferenceId",
    "SellerId",
    "ReleaseEnvironment",
    "NotificationData",
)
_OPTIONAL: Final = ("MarketplaceID", "Version")


def _check_texts(message: Mapping[str, object]) -> None:
    """The Message's text fields are strings, and the required ones are present."""
    for field in _REQUIRED:
        value = message.get(field)
        if value is None:
            raise MissingField(f"Message.{field}")
        if type(value) is not str:
            raise InvalidField(f"Message.{field}", "expected a string")
    for field in _OPTIONAL:
        value = message.get(field)
        if value is not None and type(value) is not str:
            raise InvalidField(f"Message.{field}", "expected a string")


def _is_sample(message: Mapping[str, object]) -> bool:
    value = message.get("IsSample", False)
    if isinstance(value, str) and value.lower() in {"true", "false"}:
        return value.lower() == "true"
    if not isinstance(value, bool):
        raise InvalidField("Message.IsSample", "expected true or false")
    return value


def read_message(text: str) -> IpnMessage:
    """The inner Message JSON of a verified Notification."""
    return read_message_from(read_message_object(text))


def read_message_from(message: Mapping[str, object]) -> IpnMessage:
    """The inner Message of a verified Notification, already parsed into a JSON object."""
    _check_texts(message)
    fields: Mapping[str, str] = message  # type: ignore[assignment]  # checked: strings
    notification_type = fields["NotificationType"]
    return IpnMessage(
        notification_reference_id=fields["NotificationReferenceId"],
        notification_type=notification_type,
        seller_id=fields["SellerId"],
        release_environment=fields["ReleaseEnvironment"],
        marketplace_id=fields.get("MarketplaceID"),
        version=fields.get("Version"),
        is_sample=_is_sample(message),
        data=read_notification_data(notification_type, fields["NotificationData"]),
    )
