"""The SNS envelope as orjson reads it: what strict JSON refuses, and a Signature that is not
ASCII, each refused with the module's own error."""

from __future__ import annotations

import json

import pytest
from amazonpay_sns_signer import (
    AMAZON_BODY,
    AMAZON_PEM,
    AMAZON_SELLER_ID,
    SELLER_ID,
    certificate_pem,
    message,
    notification_body,
    refund_notification_xml,
)

from amzpay.amazonpay import ipn
from amzpay.amazonpay.ipn import IpnSettings, IpnVerifier, VerifiedNotification
from amzpay.amazonpay.ipn.envelope import read_envelope


def own_verifier() -> IpnVerifier:
    return IpnVerifier(IpnSettings(SELLER_ID, "Sandbox"), lambda url: certificate_pem())


def refund_body(**extra: object) -> bytes:
    return notification_body(message("PaymentRefund", refund_notification_xml()), **extra)


def with_field(body: bytes, field: str, value: object) -> bytes:
    envelope = json.loads(body)
    envelope[field] = value
    return json.dumps(envelope).encode()


def test_a_signature_with_a_non_ascii_character_is_a_bad_signature_not_a_crash():
    body = with_field(AMAZON_BODY, "Signature", "é" + json.loads(AMAZON_BODY)["Signature"][1:])
    verifier = IpnVerifier(IpnSettings(AMAZON_SELLER_ID, "Sandbox"), lambda url: AMAZON_PEM)

    with pytest.raises(ipn.InvalidSignature, match="base64"):
        verifier.verify(body)


@pytest.mark.parametrize(
    "signature", ["QQ==QQ==", "=QQ==", "QQ=", "QQ== ", "QQ\n==", "Q"], ids=repr
)
def test_base64_is_read_strictly(signature):
    with pytest.raises(ipn.InvalidSignature, match="base64"):
        own_verifier().verify(with_field(refund_body(), "Signature", signature))


def test_the_signature_is_decoded_to_the_bytes_sns_signed():
    envelope = read_envelope(refund_body(), 65536)

    assert len(envelope.signature) == 256  # RSA-2048


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"Type": "Notification", "MessageId": "\\ud800"}', "a lone surrogate"),
        (b'{"Type": "Notification", "Timestamp": NaN}', "NaN is not JSON"),
        (b'{"Type": "Notification", "Timestamp": 1e999}', "an infinite number"),
        (b'\xef\xbb\xbf{"Type": "Notification"}', "a byte order mark"),
        (b'{"Type": "Notification", "MessageId": "\xff"}', "not UTF-8"),
        (b"[" * 2000 + b"]" * 2000, "nested too deeply"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_what_strict_json_refuses_is_invalid_json(body, reason):
    with pytest.raises(ipn.InvalidJson, match="the IPN body"):
        own_verifier().verify(body)


def test_an_inner_message_with_a_lone_surrogate_is_invalid_json():
    inner = message("PaymentRefund", refund_notification_xml()).replace(
        '"Version": "2013-01-01"', '"Version": "\\udc00"'
    )

    with pytest.raises(ipn.InvalidJson, match="the IPN Message"):
        own_verifier().verify(notification_body(inner))


def test_a_signed_field_that_is_a_number_is_named():
    with pytest.raises(ipn.InvalidField, match=r"MessageId.*int"):
        own_verifier().verify(with_field(refund_body(), "MessageId", 42))


def test_a_null_subject_counts_as_absent_and_a_numeric_one_is_refused():
    assert isinstance(
        own_verifier().verify(with_field(refund_body(), "Subject", None)), VerifiedNotification
    )
    with pytest.raises(ipn.InvalidField, match="Subject"):
        own_verifier().verify(with_field(refund_body(), "Subject", 1))


def test_a_notification_has_no_subscribe_url_even_when_the_body_carries_one():
    body = refund_body(SubscribeURL="https://sns.eu-west-1.amazonaws.com/?Action=Confirm")

    assert read_envelope(body, 65536).subscribe_url is None
