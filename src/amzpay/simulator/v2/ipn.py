"""v2 IPNs: the same SNS envelope as the legacy ones, signed the same way, whose Message is
v2's small JSON naming the changed object (amazonpay-api.md §C.5). It says nothing of the new
state: a shop GETs the object it names.
"""

from __future__ import annotations

import json
from datetime import datetime

from .. import notifications
from ..certs import SigningKey
from ..config import Seller
from .model import Charge, ChargePermission, Refund

OBJECT_TYPES = {"ChargePermission": "CHARGE_PERMISSION", "Charge": "CHARGE", "Refund": "REFUND"}
NOTIFICATION_TYPE = "STATE_CHANGE"

Announced = ChargePermission | Charge | Refund


def message(item: Announced, permission_id: str, seller: Seller, notification_id: str) -> str:
    """The Message JSON, keys in the order of Amazon's sample."""
    return json.dumps(
        {
            "MerchantID": seller.seller_id,
            "ObjectType": OBJECT_TYPES[item.kind],
            "ObjectId": item.id,
            "ChargePermissionId": permission_id,
            "NotificationType": NOTIFICATION_TYPE,
            "NotificationId": notification_id,
            "NotificationVersion": "V2",
        }
    )


def ipn(
    key: SigningKey,
    item: Announced,
    permission_id: str,
    seller: Seller,
    ids: tuple[str, str],
    at: datetime,
    base_url: str,
    region: str,
) -> notifications.Ipn:
    """The signed notification of ``item``'s change; ``ids`` are the SNS MessageId and the
    v2 NotificationId."""
    message_id, notification_id = ids
    topic = notifications.topic_arn(seller, region)
    body = message(item, permission_id, seller, notification_id)
    envelope = notifications.signed_envelope(key, body, message_id, topic, at, base_url)
    return notifications.Ipn(
        message_id=message_id,
        notification_type=NOTIFICATION_TYPE,
        object_id=item.id,
        state=str(item.status.state),
        headers=notifications.sns_headers(message_id, topic),
        envelope=envelope,
    )
