"""Test helpers: the Amazon-signed fixture, an SNS signer with a key and certificate of our
own, and IPN body builders.

The Amazon-signed fixture covers one message; these build any message, signed the way SNS
signs (canonical strings computed here independently of ``amzpay.amazonpay.ipn.envelope``).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

# The genuinely Amazon-signed notification and its (expired) certificate: see its README.
AMAZON_FIXTURE = Path(__file__).parents[2] / "fixtures" / "amazon-pay-sdk-python-test-ipn"
AMAZON_BODY = (AMAZON_FIXTURE / "body_valid.json").read_bytes()
AMAZON_PEM = (AMAZON_FIXTURE / "test.pem").read_bytes()
AMAZON_SELLER_ID = "AQR8184NJXADU"

CERT_URL = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem"
SELLER_ID = "A2SELLER0TEST"
TOPIC_ARN = "arn:aws:sns:eu-west-1:291180941288:A1PA6795UKMFR9A2SELLER0TEST"

NOTIFICATION_FIELDS = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
CONFIRMATION_FIELDS = (
    "Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type",
)  # fmt: skip


@functools.cache
def key_and_certificate() -> tuple[rsa.RSAPrivateKey, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    return key, certificate.public_bytes(serialization.Encoding.PEM)


def certificate_pem() -> bytes:
    return key_and_certificate()[1]


def sign(envelope: dict[str, Any], version: str = "1") -> dict[str, Any]:
    """``envelope`` with SignatureVersion, Signature and SigningCertURL set."""
    fields = NOTIFICATION_FIELDS if envelope["Type"] == "Notification" else CONFIRMATION_FIELDS
    text = "".join(f"{name}\n{envelope[name]}\n" for name in fields if name in envelope)
    algorithm = hashes.SHA1() if version == "1" else hashes.SHA256()
    signature = key_and_certificate()[0].sign(
        text.encode("utf-8", "surrogatepass"), padding.PKCS1v15(), algorithm
    )
    envelope.setdefault("SigningCertURL", CERT_URL)
    return envelope | {
        "SignatureVersion": version,
        "Signature": base64.b64encode(signature).decode(),
    }


def message(
    notification_type: str,
    notification_data: str,
    *,
    seller_id: str = SELLER_ID,
    environment: str = "Sandbox",
) -> str:
    return json.dumps(
        {
            "NotificationReferenceId": "5f1d6f2c-0000-4c6b-9f9e-1b2b3c4d5e6f",
            "MarketplaceID": "A1PA6795UKMFR9",
            "NotificationType": notification_type,
            "SellerId": seller_id,
            "ReleaseEnvironment": environment,
            "Version": "2013-01-01",
            "NotificationData": notification_data,
            "Timestamp": "2026-11-28T10:00:00Z",
        }
    )


def notification_body(inner: str, *, version: str = "1", **extra: Any) -> bytes:
    envelope = {
        "Type": "Notification",
        "MessageId": "b6e2d9c4-0000-5a1b-8c3d-0e1f2a3b4c5d",
        "TopicArn": TOPIC_ARN,
        "Message": inner,
        "Timestamp": "2026-11-28T10:00:00.123Z",
    } | extra
    return json.dumps(sign(envelope, version)).encode()


def refund_notification_xml(
    state: str = "Completed", amount: str = "12.30", reason: str | None = None
) -> str:
    reason_element = f"<ReasonCode>{reason}</ReasonCode>" if reason else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<RefundNotification xmlns="https://mws-eu.amazonservices.com/ipn/OffAmazonPayments/2013-01-01">'
        "<RefundDetails>"
        "<AmazonRefundId>S02-1234567-1234567-R000001</AmazonRefundId>"
        "<RefundReferenceId>rf-0001</RefundReferenceId>"
        "<RefundType>SellerInitiated</RefundType>"
        f"<RefundAmount><Amount>{amount}</Amount><CurrencyCode>EUR</CurrencyCode></RefundAmount>"
        "<FeeRefunded><Amount>0.00</Amount><CurrencyCode>EUR</CurrencyCode></FeeRefunded>"
        "<CreationTimestamp>2026-11-28T09:59:28.000Z</CreationTimestamp>"
        f"<RefundStatus><State>{state}</State>{reason_element}"
        "<LastUpdateTimestamp>2026-11-28T09:59:59.751Z</LastUpdateTimestamp></RefundStatus>"
        "<SoftDescriptor>AMZ*shop</SoftDescriptor>"
        "</RefundDetails></RefundNotification>"
    )
