"""The inner Message of an Amazon Pay API v2 IPN: a hint naming the object that changed.

The SNS envelope is the legacy one, signed the same way; its Message is v2's small JSON
(research amazonpay-api.md C.5):

    {"MerchantID": "...", "ObjectType": "CHARGE_PERMISSION|CHARGE|REFUND|CHARGEBACK",
     "ObjectId": "...", "ChargePermissionId": "...", "NotificationType": "STATE_CHANGE",
     "NotificationId": "...", "NotificationVersion": "V2"}

It says nothing of the new state ("You must make a GET API call for the transaction specified
in the message"), so nothing here is an observation: the worker asks the gateway. A Message is
v2's when its NotificationVersion says so; the legacy Message has Version and SellerId
instead. It names no release environment: the SNS topic and the merchant id are what tie it
to the shop.

Raises the errors of ``ipn.errors``: MissingField, InvalidField, ForeignNotification.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from amzpay.amazonpay.ipn.errors import ForeignNotification, InvalidField, MissingField

VERSION: Final = "V2"
OBJECT_TYPES: Final = frozenset({"CHARGE_PERMISSION", "CHARGE", "REFUND", "CHARGEBACK"})
_REQUIRED: Final = ("MerchantID", "ObjectType", "ObjectId", "NotificationType", "NotificationId")


@dataclass(frozen=True, slots=True)
class V2IpnMessage:
    merchant_id: str
    object_type: str  # one of OBJECT_TYPES
    object_id: str
    charge_permission_id: str | None
    notification_type: str  # STATE_CHANGE, ATTRIBUTE_CHANGE, kept as sent
    notification_id: str


def is_v2(message: Mapping[str, object]) -> bool:
    """Whether the inner Message is API v2's."""
    version = message.get("NotificationVersion")
    return isinstance(version, str) and version.upper() == VERSION


def check_merchant(message: Mapping[str, object], seller_id: str) -> None:
    """The v2 Message is addressed to ``seller_id`` (its MerchantID)."""
    merchant = _text(message, "MerchantID")
    if merchant != seller_id:
        raise ForeignNotification("MerchantID", seller_id, merchant)


def read_v2_message(message: Mapping[str, object]) -> V2IpnMessage:
    """The v2 Message, already parsed into a JSON object."""
    for field in _REQUIRED:
        _text(message, field)
    object_type = _text(message, "ObjectType")
    if object_type not in OBJECT_TYPES:
        known = ", ".join(sorted(OBJECT_TYPES))
        raise InvalidField("Message.ObjectType", f"{object_type!r} is none of {known}")
    permission = message.get("ChargePermissionId")
    if permission is not None and (type(permission) is not str or not permission):
        raise InvalidField("Message.ChargePermissionId", "expected a non-empty string")
    return V2IpnMessage(
        merchant_id=_text(message, "MerchantID"),
        object_type=object_type,
        object_id=_text(message, "ObjectId"),
        charge_permission_id=permission,
        notification_type=_text(message, "NotificationType"),
        notification_id=_text(message, "NotificationId"),
    )


def _text(message: Mapping[str, object], field: str) -> str:
    value = message.get(field)
    if value is None:
        raise MissingField(f"Message.{field}")
    if type(value) is not str or not value:
        raise InvalidField(f"Message.{field}", "expected a non-empty string")
    return value
