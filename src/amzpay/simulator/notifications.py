"""IPNs as Amazon sends them: an SNS HTTP notification whose Message is Amazon Pay's JSON,
whose NotificationData is the changed object's XML (amazonpay-api.md §B.1-§B.4).

The SNS signature is SHA1withRSA (SignatureVersion 1) over ``Key\\nValue\\n`` for Message,
MessageId, Subject (when present), Timestamp, TopicArn and Type, in that order (§B.3).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from xml.etree.ElementTree import Element, tostring

from .certs import SigningKey
from .clock import amazon_timestamp
from .config import Seller
from .model import Authorization, Capture, OrderReference, Payment, Refund
from .wire import authorization_details, capture_details, order_reference_notice, refund_details

IPN_NAMESPACE = "https://mws.amazonservices.com/ipn/OffAmazonPayments/2013-01-01"
SNS_ACCOUNT = "291180941288"  # the AWS account of Amazon Pay's topics in every fixture (§B.1)
_SIGNED_KEYS = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")

# object kind -> (NotificationType, NotificationData root) (§B.4)
_TYPES = {
    "OrderReference": ("OrderReferenceNotification", "OrderReferenceNotification"),
    "Authorization": ("PaymentAuthorize", "AuthorizationNotification"),
    "Capture": ("PaymentCapture", "CaptureNotification"),
    "Refund": ("PaymentRefund", "RefundNotification"),
}


@dataclass(frozen=True)
class Ipn:
    """One notification, ready to POST: its headers and JSON body."""

    message_id: str
    notification_type: str
    object_id: str
    state: str
    headers: dict[str, str]
    envelope: dict[str, str]

    @property
    def body(self) -> bytes:
        return json.dumps(self.envelope, indent=2).encode()


def notification_type(item: Payment) -> str:
    return _TYPES[item.kind][0]


def inner_message(
    item: Payment, seller: Seller, sandbox: bool, reference_id: str, at: datetime
) -> str:
    """Amazon Pay's Message JSON, keys in the order of Amazon's samples."""
    kind, root_tag = _TYPES[item.kind]
    return json.dumps(
        {
            "NotificationReferenceId": reference_id,
            "MarketplaceID": seller.marketplace_id,
            "NotificationType": kind,
            "SellerId": seller.seller_id,
            "ReleaseEnvironment": "Sandbox" if sandbox else "Live",
            "Version": "2013-01-01",
            "NotificationData": notification_data(item, root_tag),
            "Timestamp": amazon_timestamp(at),
        }
    )


def notification_data(item: Payment, root_tag: str) -> str:
    root = Element(root_tag, {"xmlns": IPN_NAMESPACE})
    root.append(_details(item))
    return '<?xml version="1.0" encoding="UTF-8"?>' + tostring(root, encoding="unicode")


def topic_arn(seller: Seller, region: str) -> str:
    return f"arn:aws:sns:{region}:{SNS_ACCOUNT}:{seller.marketplace_id}{seller.seller_id}"


def string_to_sign(envelope: dict[str, str]) -> str:
    """The standard SNS canonical string of a Notification (§B.3)."""
    return "".join(f"{k}\n{envelope[k]}\n" for k in _SIGNED_KEYS if k in envelope)


def signed_envelope(
    key: SigningKey, message: str, message_id: str, topic: str, at: datetime, base_url: str
) -> dict[str, str]:
    """The SNS JSON body, signed by ``key``; its certificate is served under ``base_url``."""
    envelope = {
        "Type": "Notification",
        "MessageId": message_id,
        "TopicArn": topic,
        "Message": message,
        "Timestamp": amazon_timestamp(at),
        "SignatureVersion": "1",
    }
    envelope["Signature"] = base64.b64encode(key.sign_sha1(string_to_sign(envelope))).decode()
    envelope["SigningCertURL"] = f"{base_url}/_sim/sns/{key.certificate_name}"
    envelope["UnsubscribeURL"] = (
        f"{base_url}/_sim/sns/unsubscribe?SubscriptionArn={topic}:{message_id}"
    )
    return envelope


def sns_headers(message_id: str, topic: str) -> dict[str, str]:
    """The headers SNS sends with an HTTP notification (§B.1)."""
    return {
        "x-amz-sns-message-type": "Notification",
        "x-amz-sns-message-id": message_id,
        "x-amz-sns-topic-arn": topic,
        "x-amz-sns-subscription-arn": f"{topic}:{message_id}",
        "Content-Type": "text/plain; charset=UTF-8",
        "User-Agent": "Amazon Simple Notification Service Agent",
    }


def _details(item: Payment) -> Element:
    match item:
        case OrderReference():
            return order_reference_notice(item)
        case Authorization():
            return authorization_details(item)
        case Capture():
            return capture_details(item)
        case Refund():
            return refund_details(item)
