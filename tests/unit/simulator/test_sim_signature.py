"""The simulator's Signature V2 check against the Java SDK's published vectors (§A.2)."""

from __future__ import annotations

import pytest

from amzpay.simulator.signature import matches, signature, string_to_sign

HOST, PATH = "mws.amazonservices.com", "/OffAmazonPayments_Sandbox/2013-01-01"
BASE = {
    "AWSAccessKeyId": "TEST_ACCESS_KEY",
    "SellerId": "TEST_MERCHANT_ID",
    "SignatureMethod": "HmacSHA256",
    "SignatureVersion": "2",
    "Timestamp": "2015-12-31T23:59:58Z",
    "Version": "2013-01-01",
}
VECTORS = [
    (
        {
            "Action": "GetOrderReferenceDetails",
            "AmazonOrderReferenceId": "AMAZON_ORDER_REFERENCE_ID",
        },
        "cpkDC72d5lMIbo5ET2dvERTw4F2cGQJL3eQPzUe2pAE=",
    ),
    (
        {
            "Action": "SetOrderReferenceDetails",
            "AmazonOrderReferenceId": "AMAZON_ORDER_REFERENCE_ID",
            "OrderReferenceAttributes.OrderTotal.Amount": "2",
            "OrderReferenceAttributes.OrderTotal.CurrencyCode": "USD",
        },
        "i51MSGv9O2G2LHIlhCXLigA3ZKaZRoc7Mb5A1VX2QTA=",
    ),
    (
        {
            "Action": "GetOrderReferenceDetails",
            "AmazonOrderReferenceId": "AMAZON_ORDER_REFERENCE_ID",
            "MWSAuthToken": "TEST_MWS_AUTH_TOKEN",
            "SellerId": "OVERRIDE_SELLER_ID",
        },
        "MelQJXDdQJ85Z7aB85s7eYWm5TdGv6xYAQt/joOhXCo=",
    ),
]


@pytest.mark.parametrize(("extra", "expected"), VECTORS)
def test_the_simulator_computes_amazons_published_signatures(
    extra: dict[str, str], expected: str
) -> None:
    params = BASE | extra

    assert signature("TEST_SECRET_KEY", string_to_sign(HOST, PATH, params)) == expected


@pytest.mark.parametrize(("extra", "expected"), VECTORS)
def test_a_request_carrying_amazons_published_signature_matches(
    extra: dict[str, str], expected: str
) -> None:
    assert matches("TEST_SECRET_KEY", HOST, PATH, BASE | extra | {"Signature": expected})


def test_the_canonical_query_encodes_per_rfc_3986() -> None:
    text = string_to_sign("Host.Example", "/p", {"b": "a b*~", "a": "x/y", "Signature": "ignored"})

    assert text == "POST\nhost.example\n/p\na=x%2Fy&b=a%20b%2A~"


def test_a_signature_under_another_secret_does_not_match() -> None:
    extra, expected = VECTORS[0]

    assert not matches("OTHER_SECRET", HOST, PATH, BASE | extra | {"Signature": expected})


def test_hmac_sha1_is_accepted_as_a_signature_method() -> None:
    params = BASE | {"Action": "GetServiceStatus", "SignatureMethod": "HmacSHA1"}
    params["Signature"] = signature("k", string_to_sign(HOST, PATH, params), "HmacSHA1")

    assert matches("k", HOST, PATH, params)
