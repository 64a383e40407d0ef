"""Retries with backoff and the same reference id; the throttle; the call log."""

from __future__ import annotations

import contextlib
import logging

import httpx
import pytest
from amazonpay_fakes import CREDENTIALS, SECRET, FakeAmazon, FakeClock, make_pacing
from amazonpay_mws_samples import THROTTLED, error_response, refund_details, response
from hypothesis import given, settings, strategies as st

from amzpay.amazonpay.calllog import REDACTED, CallOutcome
from amzpay.amazonpay.mws import errors
from amzpay.amazonpay.mws.client import MwsClient
from amzpay.amazonpay.mws.regions import Endpoint, Environment, Region
from amzpay.amazonpay.throttle import SANDBOX_QUOTAS, Throttle
from amzpay.domain.money import Money

CAPTURE = "S02-1234567-1234567-C000001"
REFUND_OK = response("Refund", refund_details(), request_id="req-ok")


def refund(client: MwsClient, note: str | None = None):
    return client.refund(CAPTURE, "rf-0001", Money(1230, "EUR"), seller_note=note)


def test_a_throttled_refund_is_retried_with_the_same_reference_id(client, amazon):
    amazon.reply(503, THROTTLED).reply(503, THROTTLED).reply(200, REFUND_OK)

    reply = refund(client)

    assert reply.value.status.state == "Pending"
    assert [r["RefundReferenceId"] for r in amazon.requests] == ["rf-0001"] * 3
    assert len({r["Signature"] for r in amazon.requests}) == 1  # same clock: same request


def test_a_lost_response_is_retried_with_the_same_reference_id_and_amount(client, amazon):
    amazon.fail(httpx.ReadTimeout("lost")).fail(httpx.ConnectError("reset"))
    amazon.reply(200, REFUND_OK)

    refund(client)

    sent = [(r["RefundReferenceId"], r["RefundAmount.Amount"]) for r in amazon.requests]
    assert sent == [("rf-0001", "12.30")] * 3


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_retried(client, amazon, status):
    amazon.reply(status, b"Service Unavailable").reply(200, REFUND_OK)

    refund(client)

    assert len(amazon.requests) == 2


def test_waits_grow_exponentially_with_jitter_between_half_and_all_of_the_ceiling(
    client, amazon, clock
):
    for _ in range(3):
        amazon.reply(500, error_response("InternalServerError"))
    amazon.reply(200, REFUND_OK)

    refund(client)

    # rng() = 0.5: three quarters of each ceiling (1 s, 2 s, 4 s)
    assert clock.sleeps == [0.75, 1.5, 3.0]


def test_the_last_retryable_error_is_raised_when_attempts_run_out(client, amazon):
    for _ in range(4):
        amazon.reply(503, THROTTLED)

    with pytest.raises(errors.Throttled) as raised:
        refund(client)

    assert raised.value.request_id == "t-req-9"
    assert len(amazon.requests) == 4


def test_a_transport_failure_after_the_last_attempt_is_a_retryable_error(client, amazon):
    for _ in range(4):
        amazon.fail(httpx.ConnectTimeout("down"))

    with pytest.raises(errors.TransportFailure) as raised:
        refund(client)

    assert raised.value.retryable


def test_every_attempt_is_recorded_with_timing_outcome_and_request_id(
    client, amazon, call_log, clock
):
    amazon.reply(503, THROTTLED).reply(200, REFUND_OK)
    amazon.latency = (clock, 0.25)

    refund(client)

    first, second = call_log.calls
    assert (first.operation, first.attempt, first.outcome) == ("Refund", 1, CallOutcome.RETRYABLE)
    assert (first.http_status, first.request_id, first.error_code) == (
        503,
        "t-req-9",
        "RequestThrottled",
    )
    assert (second.attempt, second.outcome, second.request_id) == (2, CallOutcome.OK, "req-ok")
    assert second.duration_seconds == 0.25
    assert second.started_at.tzinfo is not None


def test_declines_and_lost_replies_are_recorded_as_such(client, amazon, call_log):
    amazon.fail(httpx.ReadTimeout("lost")).reply(400, error_response("AmazonRejected"))

    with pytest.raises(errors.Declined):
        refund(client)

    assert [c.outcome for c in call_log.calls] == [CallOutcome.RETRYABLE, CallOutcome.DECLINED]
    assert call_log.calls[0].http_status is None


def test_the_call_log_keeps_ids_and_amounts_but_never_secrets_or_notes(client, amazon, call_log):
    amazon.reply(200, REFUND_OK)

    refund(client, note="Ada Buyer, 1 Main Street")

    parameters = call_log.calls[0].parameters
    assert parameters["RefundReferenceId"] == "rf-0001"
    assert parameters["RefundAmount.Amount"] == "12.30"
    assert parameters["AmazonCaptureId"] == CAPTURE
    assert parameters["SellerRefundNote"] == REDACTED
    assert parameters["AWSAccessKeyId"] == REDACTED
    assert "Signature" not in parameters or parameters["Signature"] == REDACTED
    logged = repr(call_log.calls)
    assert SECRET not in logged
    assert "Ada" not in logged
    assert CREDENTIALS.access_key_id not in logged


def test_each_attempt_names_our_reference_id_and_amazons_id_of_what_it_is_about(
    client, amazon, call_log
):
    amazon.reply(503, THROTTLED).reply(200, REFUND_OK)
    amazon.reply(200, response("GetRefundDetails", refund_details()))

    refund(client)
    client.get_refund_details("S02-1234567-1234567-R000001")

    ids = [(call.operation, call.reference_id, call.amazon_id) for call in call_log.calls]
    assert ids == [
        ("Refund", "rf-0001", CAPTURE),
        ("Refund", "rf-0001", CAPTURE),
        ("GetRefundDetails", None, "S02-1234567-1234567-R000001"),
    ]


def test_the_secret_key_is_not_in_the_credentials_repr():
    assert SECRET not in repr(CREDENTIALS)


def test_the_sandbox_throttle_spaces_a_batch_of_refunds_instead_of_being_throttled(amazon, clock):
    throttle = Throttle(SANDBOX_QUOTAS, clock=clock, sleep=clock.sleep)
    for _ in range(4):
        amazon.reply(200, REFUND_OK)
    with httpx.Client(transport=httpx.MockTransport(amazon)) as http:
        client = MwsClient(
            http,
            Endpoint.of(Region.EU, Environment.SANDBOX),
            CREDENTIALS,
            pacing=make_pacing(clock, throttle),
        )

        for number in range(4):
            client.refund(CAPTURE, f"rf-{number}", Money(100, "EUR"))

    # sandbox writes: a burst of 2, then one every 2 seconds
    assert clock.sleeps == [2.0, 2.0]
    assert len(amazon.requests) == 4


@settings(max_examples=200, deadline=None)
@given(status=st.integers(100, 599), body=st.binary(max_size=600))
def test_any_reply_becomes_a_result_or_an_amazon_pay_error(status, body):
    amazon = FakeAmazon()
    for _ in range(4):
        amazon.reply(status, body)
    clock = FakeClock()
    with httpx.Client(transport=httpx.MockTransport(amazon)) as http:
        client = MwsClient(
            http, Endpoint.of(Region.NA, Environment.LIVE), CREDENTIALS, pacing=make_pacing(clock)
        )
        with contextlib.suppress(errors.AmazonPayError):
            client.get_refund_details("S01-1234567-1234567-R000001")


def test_log_records_name_the_call_but_carry_no_secret_or_note(client, amazon, caplog):
    amazon.reply(503, THROTTLED).reply(200, REFUND_OK)

    with caplog.at_level(logging.DEBUG, logger="amzpay"):
        refund(client, note="Ada Buyer, 1 Main Street")

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Refund attempt 2" in logged
    assert "req-ok" in logged
    assert SECRET not in logged
    assert CREDENTIALS.access_key_id not in logged
    assert "Ada" not in logged
