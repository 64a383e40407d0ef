"""Signature Version 2: known answers from Amazon's Java SDK tests, rechecked with hmac here."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta, timezone

import pytest

from amzpay.amazonpay.mws import signing

HOST = "mws.amazonservices.com"
PATH = "/OffAmazonPayments_Sandbox/2013-01-01"
COMMON = {
    "AWSAccessKeyId": "TEST_ACCESS_KEY",
    "SellerId": "TEST_MERCHANT_ID",
    "SignatureMethod": "HmacSHA256",
    "SignatureVersion": "2",
    "Timestamp": "2015-12-31T23:59:58Z",
    "Version": "2013-01-01",
}
GET_DETAILS = COMMON | {
    "Action": "GetOrderReferenceDetails",
    "AmazonOrderReferenceId": "AMAZON_ORDER_REFERENCE_ID",
}


def independent_signature(text: str, secret: str = "TEST_SECRET_KEY") -> str:
    return base64.b64encode(
        hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()
    ).decode()


def test_canonical_query_sorts_parameters_and_percent_encodes_values():
    assert signing.canonical_query(GET_DETAILS) == (
        "AWSAccessKeyId=TEST_ACCESS_KEY&Action=GetOrderReferenceDetails"
        "&AmazonOrderReferenceId=AMAZON_ORDER_REFERENCE_ID&SellerId=TEST_MERCHANT_ID"
        "&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2015-12-31T23%3A59%3A58Z"
        "&Version=2013-01-01"
    )


def test_string_to_sign_is_method_host_path_and_query_on_four_lines():
    text = signing.string_to_sign("MWS.AmazonServices.com", PATH, GET_DETAILS)

    assert text == "\n".join(("POST", HOST, PATH, signing.canonical_query(GET_DETAILS)))


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        pytest.param({}, "cpkDC72d5lMIbo5ET2dvERTw4F2cGQJL3eQPzUe2pAE=", id="get-details"),
        pytest.param(
            {
                "Action": "SetOrderReferenceDetails",
                "OrderReferenceAttributes.OrderTotal.Amount": "2",
                "OrderReferenceAttributes.OrderTotal.CurrencyCode": "USD",
            },
            "i51MSGv9O2G2LHIlhCXLigA3ZKaZRoc7Mb5A1VX2QTA=",
            id="set-details",
        ),
        pytest.param(
            {"MWSAuthToken": "TEST_MWS_AUTH_TOKEN", "SellerId": "OVERRIDE_SELLER_ID"},
            "MelQJXDdQJ85Z7aB85s7eYWm5TdGv6xYAQt/joOhXCo=",
            id="delegated",
        ),
    ],
)
def test_signature_matches_the_java_sdk_known_answers(extra, expected):
    parameters = GET_DETAILS | extra

    signed = signing.sign("TEST_SECRET_KEY", HOST, PATH, parameters)

    assert signed["Signature"] == expected
    assert independent_signature(signing.string_to_sign(HOST, PATH, parameters)) == expected


def test_a_refund_request_is_canonicalised_as_worked_out_by_hand():
    parameters = COMMON | {
        "Action": "Refund",
        "AmazonCaptureId": "S02-1234567-1234567-C000001",
        "RefundReferenceId": "rf-0001",
        "RefundAmount.Amount": "12.30",
        "RefundAmount.CurrencyCode": "EUR",
        "SellerRefundNote": "Größe falsch * 2~",
    }
    by_hand = (
        "POST\nmws-eu.amazonservices.com\n/OffAmazonPayments/2013-01-01\n"
        "AWSAccessKeyId=TEST_ACCESS_KEY&Action=Refund&AmazonCaptureId=S02-1234567-1234567-C000001"
        "&RefundAmount.Amount=12.30&RefundAmount.CurrencyCode=EUR&RefundReferenceId=rf-0001"
        "&SellerId=TEST_MERCHANT_ID&SellerRefundNote=Gr%C3%B6%C3%9Fe%20falsch%20%2A%202~"
        "&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2015-12-31T23%3A59%3A58Z"
        "&Version=2013-01-01"
    )

    text = signing.string_to_sign(
        "mws-eu.amazonservices.com", "/OffAmazonPayments/2013-01-01", parameters
    )
    signed = signing.sign(
        "TEST_SECRET_KEY", "mws-eu.amazonservices.com", "/OffAmazonPayments/2013-01-01", parameters
    )

    assert text == by_hand
    assert signed["Signature"] == independent_signature(by_hand)


def test_signature_of_a_hand_built_string_matches_an_independent_hmac():
    text = "POST\nmws-eu.amazonservices.com\n/OffAmazonPayments/2013-01-01\nA=1&B=x%20y"

    assert signing.signature("s3cret", text) == independent_signature(text, "s3cret")


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("a b", "a%20b"),
        ("a*b", "a%2Ab"),
        ("a~b-c_d.e", "a~b-c_d.e"),
        ("1+1=2&", "1%2B1%3D2%26"),
        ("é/€", "%C3%A9%2F%E2%82%AC"),
        ('{"SandboxSimulation":{}}', "%7B%22SandboxSimulation%22%3A%7B%7D%7D"),
    ],
)
def test_values_are_encoded_as_rfc_3986_with_uppercase_hex(value, encoded):
    assert signing.percent_encode(value) == encoded


def test_a_given_signature_is_replaced_not_signed():
    signed = signing.sign("TEST_SECRET_KEY", HOST, PATH, GET_DETAILS | {"Signature": "forged"})

    assert signed["Signature"] == "cpkDC72d5lMIbo5ET2dvERTw4F2cGQJL3eQPzUe2pAE="


def test_parameters_are_ordered_by_byte_value_so_uppercase_sorts_before_lowercase():
    assert signing.canonical_query({"b": "1", "B": "2", "a": "3"}) == "B=2&a=3&b=1"


def test_timestamps_are_utc_without_fraction():
    moment = datetime(2016, 1, 1, 0, 59, 58, 123456, tzinfo=timezone(timedelta(hours=1)))

    assert signing.timestamp(moment) == "2015-12-31T23:59:58Z"
    assert signing.timestamp(datetime(2015, 12, 31, 23, 59, 58, tzinfo=UTC)).endswith("58Z")


def test_a_naive_timestamp_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        signing.timestamp(datetime(2015, 12, 31, 23, 59, 58))
