"""API v2 errors sorted onto the port, retries that repeat the idempotency key and body,
token buckets at v2's quotas, and the call log with secrets and buyer data redacted."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from amazonpay_fakes import NOW, FakeClock, make_pacing
from amazonpay_v2_fakes import (
    CHARGE,
    CHARGE_PERMISSION,
    CHECKOUT_SESSION,
    PUBLIC_KEY_ID,
    REFUND,
    FakeAmazonV2,
    charge_permission_json,
    checkout_session_json,
    error_body,
    private_key,
    refund_json,
)
from cryptography.hazmat.primitives import serialization

from amzpay.amazonpay.calllog import REDACTED, CallOutcome, InMemoryCallLog
from amzpay.amazonpay.gateway import (
    CallFailed,
    CallRefused,
    ObjectKind,
    PaymentDeclined,
    PaymentState,
    Throttled,
)
from amzpay.amazonpay.throttle import Throttle
from amzpay.amazonpay.v2.client import V2Client
from amzpay.amazonpay.v2.errors import UnreadableAnswer
from amzpay.amazonpay.v2.quotas import LIVE_QUOTAS, SANDBOX_QUOTAS
from amzpay.amazonpay.v2.regions import Endpoint, Environment, Region
from amzpay.amazonpay.v2.signing import Signer
from amzpay.domain.money import Money

EUR_12_30 = Money(1230, "EUR")


class Rig:
    def __init__(self, throttle: Throttle | None = None) -> None:
        self.amazon = FakeAmazonV2()
        self.clock = FakeClock()
        self.call_log = InMemoryCallLog()
        self.http = httpx.Client(transport=httpx.MockTransport(self.amazon))
        self.client = V2Client(
            self.http,
            Endpoint.of(Region.EU, Environment.SANDBOX, PUBLIC_KEY_ID),
            Signer(PUBLIC_KEY_ID, private_key()),
            quotas=SANDBOX_QUOTAS,
            pacing=make_pacing(self.clock, throttle),
            call_log=self.call_log,
        )

    def refund(self) -> object:
        return self.client.create_refund(CHARGE, EUR_12_30, reference_id="rf-0001")


@pytest.fixture
def rig():
    rig = Rig()
    with rig.http:
        yield rig


def test_a_lost_answer_is_retried_with_the_same_idempotency_key_and_the_same_body(rig):
    rig.amazon.fail(httpx.ReadTimeout("lost")).fail(httpx.ConnectError("reset"))
    rig.amazon.reply(201, refund_json())

    refund = rig.refund()

    assert refund.refund_id == REFUND
    sent = rig.amazon.requests
    assert [r.headers["x-amz-pay-idempotency-key"] for r in sent] == ["rf-0001"] * 3
    assert len({r.content for r in sent}) == 1


def test_a_retry_made_later_by_a_new_call_repeats_the_key_derived_from_the_record(rig):
    for _ in range(4):
        rig.amazon.reply(503, error_body("ServiceUnavailable"))
    with pytest.raises(CallFailed):
        rig.refund()
    rig.amazon.reply(201, refund_json())

    rig.refund()  # the worker's later try, from the same stored refund record

    assert {r.headers["x-amz-pay-idempotency-key"] for r in rig.amazon.requests} == {"rf-0001"}
    assert len({r.content for r in rig.amazon.requests}) == 1


@pytest.mark.parametrize("status", [408, 425, 500, 502, 503, 504])
def test_server_errors_are_retried_with_backoff(rig, status):
    rig.amazon.reply(status, b"<html>busy</html>").reply(status, error_body("InternalServerError"))
    rig.amazon.reply(201, refund_json())

    rig.refund()

    assert len(rig.amazon.requests) == 3
    assert rig.clock.sleeps == [0.75, 1.5]  # equal jitter at rng 0.5: 3/4 of 1 s, then of 2 s


def test_a_throttled_call_is_retried_and_when_it_stays_throttled_says_when_to_try_again(rig):
    for _ in range(4):
        rig.amazon.reply(429, error_body("TooManyRequests", "slow down"))

    with pytest.raises(Throttled) as throttled:
        rig.refund()

    assert len(rig.amazon.requests) == 4
    assert throttled.value.operation == "CreateRefund"
    assert throttled.value.http_status == 429
    assert throttled.value.retry_after == timedelta(seconds=2)  # sandbox: burst 2, 1 per second
    assert throttled.value.backoff_ceiling == timedelta(seconds=300)


def test_server_errors_that_outlast_the_retries_are_a_call_failed(rig):
    for _ in range(4):
        rig.amazon.reply(500, error_body("InternalServerError"))

    with pytest.raises(CallFailed) as failed:
        rig.refund()

    assert not isinstance(failed.value, Throttled)
    assert failed.value.http_status == 500
    assert len(rig.amazon.requests) == 4


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, "DuplicateIdempotencyKey"),
        (400, "InvalidParameterValue"),
        (400, "TransactionAmountExceeded"),
        (400, "InvalidChargeStatus"),
        (401, "UnauthorizedAccess"),
        (403, "InvalidRequestSignature"),
        (404, "ResourceNotFound"),
        (422, "SomethingAmazonAddsLater"),
    ],
)
def test_a_refused_request_is_a_call_refused_and_not_retried(rig, status, code):
    rig.amazon.reply(status, error_body(code, "no"))

    with pytest.raises(CallRefused) as refused:
        rig.refund()

    assert (refused.value.code, refused.value.message, refused.value.http_status) == (
        code,
        "no",
        status,
    )
    assert len(rig.amazon.requests) == 1
    assert rig.call_log.calls[0].outcome is CallOutcome.FAILED
    assert rig.call_log.calls[0].error_code == code


@pytest.mark.parametrize(
    "code",
    ["HardDeclined", "SoftDeclined", "AmazonRejected", "ProcessingFailure", "TransactionTimedOut"],
)
def test_a_declined_charge_is_a_payment_declined_with_its_reason_and_not_retried(rig, code):
    rig.amazon.reply(400, error_body(code, "the bank said no"))

    with pytest.raises(PaymentDeclined) as declined:
        rig.client.create_charge(CHARGE_PERMISSION, EUR_12_30, reference_id="au-1")

    seen = declined.value.observation
    assert seen.kind is ObjectKind.AUTHORIZATION
    assert (seen.amazon_id, seen.reference_id, seen.amount) == (
        CHARGE_PERMISSION,
        "au-1",
        EUR_12_30,
    )
    assert seen.state is PaymentState.DECLINED
    assert (seen.reason_code, seen.reason_description) == (code, "the bank said no")
    assert seen.soft_decline is (code == "SoftDeclined")
    assert seen.updated_at == NOW
    assert len(rig.amazon.requests) == 1
    assert rig.call_log.calls[0].outcome is CallOutcome.DECLINED


def test_a_buyer_canceled_checkout_is_a_decline_of_the_checkout_session(rig):
    rig.amazon.reply(400, error_body("BuyerCanceled"))

    with pytest.raises(PaymentDeclined) as declined:
        rig.client.complete_checkout_session(CHECKOUT_SESSION, EUR_12_30, reference_id="co-1")

    assert declined.value.observation.amazon_id == CHECKOUT_SESSION
    assert declined.value.observation.reason_code == "BuyerCanceled"


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"refundId": "R1"}',
        b'{"refundId": "R1", "chargeId": "C", "refundAmount": {"amount": 12.3, "currencyCode": "EUR"}, "statusDetails": {"state": "RefundInitiated"}}',
    ],
    ids=["not-json", "not-an-object", "fields-missing", "float-amount"],
)
def test_an_answer_that_cannot_be_read_is_a_call_failed_asked_again_later_not_at_once(rig, body):
    rig.amazon.reply(201, body)

    with pytest.raises(UnreadableAnswer) as unreadable:
        rig.refund()

    assert isinstance(unreadable.value, CallFailed)
    assert unreadable.value.retry_after == timedelta(minutes=5)
    assert len(rig.amazon.requests) == 1
    assert rig.call_log.calls[0].outcome is CallOutcome.FAILED


def test_a_state_amazon_does_not_document_is_unreadable_not_guessed(rig):
    rig.amazon.reply(200, refund_json(state="Pending"))

    with pytest.raises(UnreadableAnswer, match="'Pending' is not a RefundState"):
        rig.client.get_refund(REFUND)


def test_token_buckets_hold_refunds_to_the_sandbox_quota():
    clock = FakeClock()
    rig = Rig(Throttle(SANDBOX_QUOTAS, clock=clock, sleep=clock.sleep))
    for _ in range(4):
        rig.amazon.reply(201, refund_json())
    with rig.http:
        for _ in range(4):
            rig.refund()

    assert clock.sleeps == [1.0, 1.0]  # burst 2, then one more each second


def test_live_quotas_restore_calls_per_second_as_amazon_lists_them():
    assert LIVE_QUOTAS["CreateRefund"].burst == 10
    assert LIVE_QUOTAS["CreateRefund"].restore_seconds == 0.25
    assert LIVE_QUOTAS["GetCheckoutSession"].restore_seconds == 0.125
    assert SANDBOX_QUOTAS["GetChargePermission"].burst == 10
    assert SANDBOX_QUOTAS["CreateRefund"].restore_seconds == 1.0


def test_every_attempt_is_logged_with_its_status_request_id_and_reference_id(rig):
    rig.amazon.reply(503, error_body("ServiceUnavailable"), request_id="req-a")
    rig.amazon.reply(201, refund_json(), request_id="req-b")

    rig.refund()

    first, second = rig.call_log.calls
    assert (first.operation, first.attempt, first.outcome, first.http_status) == (
        "CreateRefund",
        1,
        CallOutcome.RETRYABLE,
        503,
    )
    assert (first.request_id, first.error_code) == ("req-a", "ServiceUnavailable")
    assert (second.attempt, second.outcome, second.http_status, second.request_id) == (
        2,
        CallOutcome.OK,
        201,
        "req-b",
    )
    assert (second.reference_id, second.amazon_id) == ("rf-0001", CHARGE)
    assert second.parameters["refundAmount.amount"] == "12.30"
    assert second.parameters["x-amz-pay-idempotency-key"] == "rf-0001"


def test_the_call_log_holds_no_signature_no_key_and_no_buyer_data(rig):
    rig.amazon.reply(200, checkout_session_json()).reply(200, charge_permission_json("Closed"))
    rig.client.update_checkout_session(
        CHECKOUT_SESSION,
        checkout_result_return_url="https://shop.example/return?buyer=jane@example.com",
        note_to_buyer="Jane Buyer, 1 Street, +49 0123",
        store_name="Shop",
    )
    rig.client.close_charge_permission(CHARGE_PERMISSION, reason="Jane asked")

    logged = repr(rig.call_log.calls)
    signatures = [
        r.headers["authorization"].rsplit("Signature=", 1)[1] for r in rig.amazon.requests
    ]
    pem = (
        private_key()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    for secret in [
        *signatures,
        pem.splitlines()[1],
        "jane@example.com",
        "Jane",
        "1 Street",
        "0123",
    ]:
        assert secret not in logged
    update, close = rig.call_log.calls
    assert update.parameters["authorization"] == REDACTED
    assert update.parameters["merchantMetadata.noteToBuyer"] == REDACTED
    assert update.parameters["webCheckoutDetails.checkoutResultReturnUrl"] == REDACTED
    assert close.parameters["closureReason"] == REDACTED
    assert close.parameters["cancelPendingCharges"] == "false"
