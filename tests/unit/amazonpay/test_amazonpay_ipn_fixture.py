"""The genuinely Amazon-signed notification (Amazon Pay Python SDK test vector) verifies, and
no one-character change to what the signature covers gets through."""

from __future__ import annotations

import json

import pytest
from amazonpay_sns_signer import AMAZON_BODY, AMAZON_PEM, AMAZON_SELLER_ID

from amzpay.amazonpay.ipn import (
    CertificateUnavailable,
    IpnError,
    IpnSettings,
    IpnVerifier,
    OrderReferenceNotification,
    VerifiedNotification,
)
from amzpay.domain.money import Money

BODY, PEM = AMAZON_BODY, AMAZON_PEM
CERT_URL = json.loads(BODY)["SigningCertURL"]


def serve_only_the_fixture_certificate(url: str) -> bytes:
    if url != CERT_URL:
        raise CertificateUnavailable(url, "not served in this test")
    return PEM


def make_verifier() -> IpnVerifier:
    # The certificate expired on 2015-08-22: validity dates are not part of verification.
    return IpnVerifier(IpnSettings(AMAZON_SELLER_ID, "Sandbox"), serve_only_the_fixture_certificate)


def test_the_amazon_signed_fixture_is_the_expected_file():
    assert len(BODY) == 2402
    assert not BODY.endswith(b"\n")


def test_the_amazon_signed_notification_verifies_and_is_read():
    result = make_verifier().verify(BODY)

    assert isinstance(result, VerifiedNotification)
    assert result.message_id == "15e7412b-e9ac-5f6a-b6df-0c909df567a0"
    message = result.message
    assert (message.seller_id, message.release_environment) == ("AQR8184NJXADU", "Sandbox")
    assert message.is_sample
    assert isinstance(message.data, OrderReferenceNotification)
    details = message.data.details
    assert details.amazon_order_reference_id == "P01-0000000-0000000-000000"
    assert details.order_total == Money(0, "USD")
    assert (details.status.state, details.status.reason_code) == ("Closed", "AmazonClosed")


def test_the_documented_negative_vector_fails():
    tampered = BODY.replace(b"<State>Closed<", b"<State>Clised<")

    with pytest.raises(IpnError):
        make_verifier().verify(tampered)


def _unsigned_span() -> range:
    """UnsubscribeURL (key and value) is neither signed nor used: changes there don't count."""
    start = BODY.index(b'"UnsubscribeURL"')
    return range(start, BODY.index(b"\n", start))


def test_every_one_character_change_outside_the_unsubscribe_url_fails():
    verifier = make_verifier()
    unsigned = _unsigned_span()
    survivors = []

    for position in range(len(BODY)):
        if position in unsigned:
            continue
        tampered = bytearray(BODY)
        tampered[position] ^= 0x01
        try:
            verifier.verify(bytes(tampered))
        except IpnError:
            continue
        survivors.append(position)

    assert survivors == []
