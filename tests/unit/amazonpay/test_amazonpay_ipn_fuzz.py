"""Whatever arrives, the IPN verifier answers with a result or one of its own errors."""

from __future__ import annotations

import contextlib
import json

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
from hypothesis import HealthCheck, example, given, settings, strategies as st

from amzpay.amazonpay.ipn import IpnError, IpnSettings, IpnVerifier
from amzpay.amazonpay.ipn.notification import read_notification_data

NOTIFICATION_TYPES = [
    "PaymentRefund",
    "PaymentCapture",
    "PaymentAuthorize",
    "OrderReferenceNotification",
]

amazon_verifier = IpnVerifier(IpnSettings(AMAZON_SELLER_ID, "Sandbox"), lambda url: AMAZON_PEM)
own_verifier = IpnVerifier(IpnSettings(SELLER_ID, "Sandbox"), lambda url: certificate_pem())
fuzz = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def verify_or_refuse(verifier: IpnVerifier, body: bytes) -> None:
    with contextlib.suppress(IpnError):
        verifier.verify(body)


@fuzz
@given(st.binary(max_size=4096))
@example(b"\x00")
@example(b"{}")
@example(b'{"Type": "Notification"}')
def test_arbitrary_bytes_raise_only_ipn_errors(body):
    verify_or_refuse(amazon_verifier, body)


@st.composite
def mutated(draw, original: bytes) -> bytes:
    body = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(body) - 1))
        operation = draw(st.sampled_from(["replace", "delete", "insert"]))
        byte = draw(st.integers(0, 255))
        if operation == "replace":
            body[position] = byte
        elif operation == "delete":
            del body[position]
        else:
            body.insert(position, byte)
    return bytes(body)


@fuzz
@given(mutated(AMAZON_BODY))
def test_mutated_amazon_bodies_raise_only_ipn_errors(body):
    verify_or_refuse(amazon_verifier, body)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


@fuzz
@given(
    st.sampled_from(
        [
            "NotificationReferenceId",
            "NotificationType",
            "SellerId",
            "ReleaseEnvironment",
            "NotificationData",
            "IsSample",
            "MarketplaceID",
        ]
    ),
    json_values,
)
def test_signed_messages_with_any_field_value_raise_only_ipn_errors(field, value):
    inner = json.loads(message("PaymentRefund", refund_notification_xml()))
    inner[field] = value

    verify_or_refuse(own_verifier, notification_body(json.dumps(inner)))


@fuzz
@given(st.text(max_size=300))
def test_signed_messages_of_any_text_raise_only_ipn_errors(text):
    verify_or_refuse(own_verifier, notification_body(text))


@fuzz
@given(st.sampled_from(NOTIFICATION_TYPES), mutated(refund_notification_xml().encode()))
def test_mutated_notification_data_raises_only_ipn_errors(notification_type, xml):
    with contextlib.suppress(IpnError):
        read_notification_data(notification_type, xml.decode("utf-8", "surrogateescape"))


@fuzz
@given(st.sampled_from(NOTIFICATION_TYPES), st.text(max_size=500))
def test_arbitrary_notification_data_text_raises_only_ipn_errors(notification_type, xml):
    with contextlib.suppress(IpnError):
        read_notification_data(notification_type, xml)
