"""Each operation sends Amazon's parameters and reads Amazon's reply (httpx.MockTransport)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import quote

import pytest
from amazonpay_fakes import CREDENTIALS, SECRET
from amazonpay_mws_samples import (
    authorization_details,
    capture_details,
    error_response,
    order_reference_details,
    refund_details,
    response,
)

from amzpay.amazonpay.mws import errors
from amzpay.domain.money import Money

ORO = "S02-1234567-1234567"
AUTH = "S02-1234567-1234567-A000001"
CAPTURE = "S02-1234567-1234567-C000001"
REFUND = "S02-1234567-1234567-R000001"

OPERATIONS = [
    pytest.param(
        lambda c: c.get_order_reference_details(ORO),
        "GetOrderReferenceDetails",
        {"AmazonOrderReferenceId": ORO},
        order_reference_details(),
        lambda v: v.amazon_order_reference_id == ORO and v.status.state == "Open",
        id="GetOrderReferenceDetails",
    ),
    pytest.param(
        lambda c: c.set_order_reference_details(
            ORO, Money(3000, "EUR"), seller_order_id="order-42", store_name="Shop"
        ),
        "SetOrderReferenceDetails",
        {
            "AmazonOrderReferenceId": ORO,
            "OrderReferenceAttributes.OrderTotal.Amount": "30.00",
            "OrderReferenceAttributes.OrderTotal.CurrencyCode": "EUR",
            "OrderReferenceAttributes.SellerOrderAttributes.SellerOrderId": "order-42",
            "OrderReferenceAttributes.SellerOrderAttributes.StoreName": "Shop",
        },
        order_reference_details("Draft"),
        lambda v: v.status.state == "Draft" and v.order_total == Money(3000, "EUR"),
        id="SetOrderReferenceDetails",
    ),
    pytest.param(
        lambda c: c.confirm_order_reference(ORO),
        "ConfirmOrderReference",
        {"AmazonOrderReferenceId": ORO},
        "",
        lambda v: v is None,
        id="ConfirmOrderReference",
    ),
    pytest.param(
        lambda c: c.cancel_order_reference(ORO, reason="customer asked"),
        "CancelOrderReference",
        {"AmazonOrderReferenceId": ORO, "CancelationReason": "customer asked"},
        "",
        lambda v: v is None,
        id="CancelOrderReference",
    ),
    pytest.param(
        lambda c: c.close_order_reference(ORO, reason="shipped"),
        "CloseOrderReference",
        {"AmazonOrderReferenceId": ORO, "ClosureReason": "shipped"},
        "",
        lambda v: v is None,
        id="CloseOrderReference",
    ),
    pytest.param(
        lambda c: c.authorize(ORO, "au-0001", Money(3000, "EUR"), transaction_timeout=1440),
        "Authorize",
        {
            "AmazonOrderReferenceId": ORO,
            "AuthorizationReferenceId": "au-0001",
            "AuthorizationAmount.Amount": "30.00",
            "AuthorizationAmount.CurrencyCode": "EUR",
            "TransactionTimeout": "1440",
            "CaptureNow": "false",
        },
        authorization_details(),
        lambda v: v.amazon_authorization_id == AUTH and v.amount == Money(3000, "EUR"),
        id="Authorize",
    ),
    pytest.param(
        lambda c: c.get_authorization_details(AUTH),
        "GetAuthorizationDetails",
        {"AmazonAuthorizationId": AUTH},
        authorization_details(),
        lambda v: v.status.state == "Open",
        id="GetAuthorizationDetails",
    ),
    pytest.param(
        lambda c: c.close_authorization(AUTH, reason="done"),
        "CloseAuthorization",
        {"AmazonAuthorizationId": AUTH, "ClosureReason": "done"},
        "",
        lambda v: v is None,
        id="CloseAuthorization",
    ),
    pytest.param(
        lambda c: c.capture(AUTH, "ca-0001", Money(3000, "EUR"), soft_descriptor="Shop"),
        "Capture",
        {
            "AmazonAuthorizationId": AUTH,
            "CaptureReferenceId": "ca-0001",
            "CaptureAmount.Amount": "30.00",
            "CaptureAmount.CurrencyCode": "EUR",
            "SoftDescriptor": "Shop",
        },
        capture_details(),
        lambda v: v.amazon_capture_id == CAPTURE and v.amount == Money(3000, "EUR"),
        id="Capture",
    ),
    pytest.param(
        lambda c: c.get_capture_details(CAPTURE),
        "GetCaptureDetails",
        {"AmazonCaptureId": CAPTURE},
        capture_details(),
        lambda v: v.status.state == "Completed",
        id="GetCaptureDetails",
    ),
    pytest.param(
        lambda c: c.refund(CAPTURE, "rf-0001", Money(1230, "EUR"), seller_note="damaged"),
        "Refund",
        {
            "AmazonCaptureId": CAPTURE,
            "RefundReferenceId": "rf-0001",
            "RefundAmount.Amount": "12.30",
            "RefundAmount.CurrencyCode": "EUR",
            "SellerRefundNote": "damaged",
        },
        refund_details(),
        lambda v: v.amazon_refund_id == REFUND and v.status.state == "Pending",
        id="Refund",
    ),
    pytest.param(
        lambda c: c.get_refund_details(REFUND),
        "GetRefundDetails",
        {"AmazonRefundId": REFUND},
        refund_details("Completed"),
        lambda v: v.status.state == "Completed" and v.amount == Money(1230, "EUR"),
        id="GetRefundDetails",
    ),
]


@pytest.mark.parametrize(("call", "action", "expected", "details", "check"), OPERATIONS)
def test_each_operation_sends_its_parameters_and_reads_the_reply(
    client, amazon, call, action, expected, details, check
):
    amazon.reply(200, response(action, details, request_id="req-1"))

    reply = call(client)

    sent = amazon.requests[0]
    assert sent["Action"] == action
    assert {name: sent.get(name) for name in expected} == expected
    assert sent["SellerId"] == CREDENTIALS.seller_id
    assert sent["Version"] == "2013-01-01"
    assert check(reply.value)
    assert reply.request_id == "req-1"


def test_requests_are_posted_to_the_regions_sandbox_endpoint(client, amazon):
    amazon.reply(200, response("GetRefundDetails", refund_details()))

    client.get_refund_details(REFUND)

    request = amazon.raw[0]
    assert request.method == "POST"
    assert (
        str(request.url) == "https://mws-eu.amazonservices.com/OffAmazonPayments_Sandbox/2013-01-01"
    )
    assert request.headers["content-type"].startswith("application/x-www-form-urlencoded")


def test_the_signature_sent_verifies_with_an_independent_hmac(client, amazon):
    amazon.reply(200, response("Refund", refund_details()))

    client.refund(CAPTURE, "rf-0001", Money(1230, "EUR"), seller_note="a b*c~")

    sent = dict(amazon.requests[0])
    signature = sent.pop("Signature")
    query = "&".join(
        f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in sorted(sent.items())
    )
    text = f"POST\nmws-eu.amazonservices.com\n/OffAmazonPayments_Sandbox/2013-01-01\n{query}"
    digest = hmac.new(SECRET.encode(), text.encode(), hashlib.sha256).digest()
    assert signature == base64.b64encode(digest).decode()
    assert sent["SignatureMethod"] == "HmacSHA256"
    assert sent["SignatureVersion"] == "2"
    assert sent["Timestamp"] == "2026-11-28T10:00:00Z"


def test_a_synchronous_authorize_with_capture_now_sends_timeout_zero(client, amazon):
    amazon.reply(
        200, response("Authorize", authorization_details("Closed", "MaxCapturesProcessed"))
    )

    reply = client.authorize(
        ORO, "au-0002", Money(1000, "JPY"), transaction_timeout=0, capture_now=True
    )

    sent = amazon.requests[0]
    assert sent["TransactionTimeout"] == "0"
    assert sent["CaptureNow"] == "true"
    assert sent["AuthorizationAmount.Amount"] == "1000"
    assert sent["AuthorizationAmount.CurrencyCode"] == "JPY"
    assert reply.value.status.reason_code == "MaxCapturesProcessed"


def test_amounts_travel_in_the_orders_currency_with_its_decimals(client, amazon):
    amazon.reply(200, response("Refund", refund_details()))

    client.refund(CAPTURE, "rf-0003", Money(1500, "KWD"))

    assert amazon.requests[0]["RefundAmount.Amount"] == "1.500"
    assert amazon.requests[0]["RefundAmount.CurrencyCode"] == "KWD"


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c: c.refund(CAPTURE, "bad id!", Money(100, "EUR")), id="ref-chars"),
        pytest.param(lambda c: c.refund(CAPTURE, "x" * 33, Money(100, "EUR")), id="ref-length"),
        pytest.param(lambda c: c.refund(CAPTURE, "rf-1", Money(0, "EUR")), id="zero-amount"),
        pytest.param(lambda c: c.capture(AUTH, "ca-1", Money(-5, "EUR")), id="negative"),
        pytest.param(
            lambda c: c.refund(CAPTURE, "rf-1", Money(100, "EUR"), seller_note="n" * 256),
            id="long-note",
        ),
        pytest.param(
            lambda c: c.capture(AUTH, "ca-1", Money(100, "EUR"), soft_descriptor="s" * 17),
            id="long-descriptor",
        ),
        pytest.param(
            lambda c: c.authorize(ORO, "au-1", Money(100, "EUR"), transaction_timeout=1441),
            id="timeout",
        ),
        pytest.param(
            lambda c: c.authorize(ORO, "au-1", Money(100, "EUR"), soft_descriptor="Shop"),
            id="descriptor-without-capture-now",
        ),
    ],
)
def test_arguments_amazon_would_refuse_are_refused_before_sending(client, amazon, call):
    with pytest.raises(errors.InvalidRequest):
        call(client)

    assert amazon.requests == []


def test_a_decline_code_raises_declined_after_one_attempt(client, amazon, clock):
    amazon.reply(400, error_response("AmazonRejected", "rejected", "req-d"))

    with pytest.raises(errors.Declined) as raised:
        client.authorize(ORO, "au-0001", Money(3000, "EUR"), transaction_timeout=0)

    assert raised.value.code == "AmazonRejected"
    assert raised.value.request_id == "req-d"
    assert len(amazon.requests) == 1
    assert clock.sleeps == []


def test_a_permanent_error_is_raised_at_once_with_amazons_code_and_message(client, amazon):
    amazon.reply(405, error_response("CaptureNotRefundable", "capture is closed", "req-p"))

    with pytest.raises(errors.InvalidObjectState) as raised:
        client.refund(CAPTURE, "rf-0001", Money(1230, "EUR"))

    assert (raised.value.code, raised.value.message) == (
        "CaptureNotRefundable",
        "capture is closed",
    )
    assert len(amazon.requests) == 1


def test_a_successful_status_with_an_unreadable_body_is_an_unexpected_response(client, amazon):
    amazon.reply(200, b"<html>maintenance</html>")

    with pytest.raises(errors.UnexpectedResponse):
        client.get_refund_details(REFUND)
