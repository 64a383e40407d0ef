"""MwsGateway over a MockTransport Amazon: states and reason codes become observations, and
the client's errors become the port's in one function."""

from __future__ import annotations

import httpx
import pytest
from amazonpay_fakes import FakeAmazon
from amazonpay_mws_samples import (
    THROTTLED,
    authorization_details,
    error_response,
    refund_details,
    response,
)

from amzpay.amazonpay.gateway import (
    CallFailed,
    CallRefused,
    ObjectKind,
    PaymentState,
    Throttled,
)
from amzpay.amazonpay.mws import errors
from amzpay.amazonpay.mws.client import MwsClient
from amzpay.amazonpay.mws.gateway import MwsGateway, gateway_error
from amzpay.amazonpay.throttle import SANDBOX_QUOTAS, UNKNOWN_QUOTA, Quota
from amzpay.domain.money import Money


@pytest.fixture
def gateway(client: MwsClient) -> MwsGateway:
    return MwsGateway(client)


def test_a_pending_refund_is_observed_with_its_ids_amount_and_amazons_time(
    amazon: FakeAmazon, gateway: MwsGateway
):
    amazon.reply(200, response("Refund", refund_details("Pending", "12.30")))

    seen = gateway.refund(capture_id="C1", reference_id="rf-0001", amount=Money(1230, "EUR"))

    assert (seen.kind, seen.state) == (ObjectKind.REFUND, PaymentState.PENDING)
    assert (seen.amazon_id, seen.reference_id) == ("S02-1234567-1234567-R000001", "rf-0001")
    assert seen.amount == Money(1230, "EUR")
    assert seen.updated_at.isoformat() == "2026-11-28T10:00:01+00:00"  # LastUpdateTimestamp
    assert seen.created_at is not None
    assert seen.created_at.isoformat() == "2026-11-28T10:05:00+00:00"


def test_a_declined_authorization_is_an_answer_and_hard_when_amazon_says_so(
    amazon: FakeAmazon, gateway: MwsGateway
):
    # The sample says <SoftDecline>false</SoftDecline>: Amazon's word beats the reason code.
    amazon.reply(
        200, response("Authorize", authorization_details("Declined", "InvalidPaymentMethod"))
    )

    seen = gateway.authorize(
        order_reference_id="S02-1", reference_id="au-1", amount=Money(3000, "EUR")
    )

    assert (seen.state, seen.reason_code) == (PaymentState.DECLINED, "InvalidPaymentMethod")
    assert seen.declined
    assert not seen.soft_decline


def test_an_unknown_reason_code_is_kept(amazon: FakeAmazon, gateway: MwsGateway):
    amazon.reply(
        200,
        response(
            "GetAuthorizationDetails", authorization_details("Open", "StopShipmentAtypicalAuth")
        ),
    )

    seen = gateway.authorization_details("S02-1234567-1234567-A000001")

    assert seen.reason_code == "StopShipmentAtypicalAuth"


def test_a_state_amazon_does_not_document_fails_the_call_to_be_asked_again(
    amazon: FakeAmazon, gateway: MwsGateway
):
    amazon.reply(200, response("GetRefundDetails", refund_details("Reversed")))

    with pytest.raises(CallFailed) as failed:
        gateway.refund_details("S02-1234567-1234567-R000001")

    assert "Reversed" in failed.value.reason
    assert failed.value.retry_after.total_seconds() >= 60


def test_an_error_code_amazon_refuses_with_reaches_the_caller_with_its_message(
    amazon: FakeAmazon, gateway: MwsGateway
):
    amazon.reply(405, error_response("CaptureNotRefundable", "Capture is Closed"))

    with pytest.raises(CallRefused) as refused:
        gateway.refund(capture_id="C1", reference_id="rf-1", amount=Money(100, "EUR"))

    assert (refused.value.operation, refused.value.code) == ("Refund", "CaptureNotRefundable")
    assert (refused.value.message, refused.value.http_status) == ("Capture is Closed", 405)


def test_a_malformed_reference_id_is_refused_before_anything_is_sent(
    amazon: FakeAmazon, gateway: MwsGateway
):
    with pytest.raises(CallRefused) as refused:
        gateway.refund(capture_id="C1", reference_id="not allowed!", amount=Money(100, "EUR"))

    assert refused.value.code == "InvalidRequest"
    assert amazon.requests == []


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (errors.Throttled("slow down", code="RequestThrottled", http_status=503), Throttled),
        (errors.ServiceUnavailable("oops", http_status=500), CallFailed),
        (errors.TransportFailure("no reply"), CallFailed),
        (errors.UnexpectedResponse("garbage", http_status=200), CallFailed),
        (errors.Declined("no", code="PaymentMethodNotAllowed", http_status=400), CallRefused),
        (
            errors.AuthenticationFailed("bad key", code="InvalidAccessKeyId", http_status=403),
            CallRefused,
        ),
        (errors.InvalidRequest("bad"), CallRefused),
    ],
)
def test_each_client_error_becomes_one_port_error(error: errors.AmazonPayError, expected: type):
    translated = gateway_error("Refund", error)

    assert type(translated) is expected
    assert translated.operation == "Refund"  # type: ignore[attr-defined]


def test_a_transport_failure_after_the_retries_is_a_call_to_retry_later(
    amazon: FakeAmazon, gateway: MwsGateway
):
    for _ in range(4):
        amazon.fail(httpx.ConnectError("refused"))

    with pytest.raises(CallFailed) as failed:
        gateway.capture_details("S02-1234567-1234567-C000001")

    assert failed.value.operation == "GetCaptureDetails"
    assert len(amazon.requests) == 4


@pytest.mark.parametrize(
    ("quota", "first", "longest"),
    [(SANDBOX_QUOTAS["Refund"], 4, 600), (UNKNOWN_QUOTA, 30, 3600)],
)
def test_a_throttled_call_is_retried_on_a_backoff_its_quota_bounds(quota: Quota, first, longest):
    throttled = errors.Throttled("slow down", code="RequestThrottled", http_status=503)

    translated = gateway_error("Refund", throttled, quota)

    assert isinstance(translated, Throttled)
    assert translated.retry_after.total_seconds() == first
    assert translated.backoff_ceiling is not None
    assert translated.backoff_ceiling.total_seconds() == longest


def test_other_failures_keep_their_fixed_retry():
    translated = gateway_error("Refund", errors.ServiceUnavailable("oops", http_status=500))

    assert isinstance(translated, CallFailed)
    assert translated.backoff_ceiling is None


def test_the_gateway_bounds_a_throttled_calls_backoff_by_that_operations_quota(
    amazon: FakeAmazon, client: MwsClient
):
    quotas = {"Refund": Quota(2, 2.0), "GetRefundDetails": Quota(5, 1.0)}
    gateway = MwsGateway(client, quotas=quotas)
    for _ in range(8):
        amazon.reply(503, THROTTLED)

    with pytest.raises(Throttled) as refund:
        gateway.refund(capture_id="S02-1-C1", reference_id="rf-1", amount=Money(100, "EUR"))
    with pytest.raises(Throttled) as details:
        gateway.refund_details("S02-1-R1")

    assert refund.value.retry_after.total_seconds() == 4
    assert details.value.retry_after.total_seconds() == 5
