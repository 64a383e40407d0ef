"""``error_of``: every reply that is not 2xx, and every call with no reply, sorted onto the
port's errors in one place."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, strategies as st

from amzpay.amazonpay.gateway import (
    CallFailed,
    CallRefused,
    ObjectKind,
    PaymentDeclined,
    Throttled,
)
from amzpay.amazonpay.throttle import Quota
from amzpay.amazonpay.v2.errors import Subject, UnreadableAnswer, error_of
from amzpay.amazonpay.v2.wire import read, read_refund
from amzpay.domain.money import Money

NOW = datetime(2026, 12, 2, 18, 0, tzinfo=UTC)
SUBJECT = Subject(ObjectKind.REFUND, "S02-1-C1", "rf-1", Money(1230, "EUR"))
QUOTA = Quota(2, 1.0)


def sorted_as(status: int | None, body: bytes) -> Exception:
    return error_of("CreateRefund", SUBJECT, status, body, quota=QUOTA, now=NOW)


def body(code: str) -> bytes:
    return json.dumps({"reasonCode": code, "message": "m"}).encode()


@pytest.mark.parametrize(
    ("status", "content", "kind"),
    [
        (None, b"ReadTimeout", CallFailed),
        (429, b"", Throttled),
        (503, body("RequestThrottled"), Throttled),
        (500, body("InternalServerError"), CallFailed),
        (503, b"<html>Service Unavailable</html>", CallFailed),
        (504, b"", CallFailed),
        (408, b"", CallFailed),
        (425, b"", CallFailed),
        (400, body("AmazonRejected"), PaymentDeclined),
        (400, body("InvalidRequestSignature"), CallRefused),
        (400, body("DuplicateIdempotencyKey"), CallRefused),
        (404, body("ResourceNotFound"), CallRefused),
        (400, b"<html>Bad Request</html>", UnreadableAnswer),
        (400, b'{"message": "no code"}', UnreadableAnswer),
        (400, b'["reasonCode"]', UnreadableAnswer),
    ],
)
def test_each_reply_is_sorted_into_exactly_one_kind(status, content, kind):
    error = sorted_as(status, content)

    assert type(error) is kind


def test_no_reply_at_all_names_what_happened():
    error = sorted_as(None, b"ConnectError")

    assert isinstance(error, CallFailed)
    assert error.http_status is None
    assert "no reply from Amazon: ConnectError" in str(error)


def test_a_throttled_call_waits_at_least_as_long_as_the_bucket_takes_to_fill():
    error = sorted_as(429, body("TooManyRequests"))

    assert isinstance(error, Throttled)
    assert error.retry_after == timedelta(seconds=2)
    assert error.backoff_ceiling == QUOTA.longest_backoff


def test_a_refusal_keeps_amazons_code_message_and_status():
    error = sorted_as(400, body("TransactionAmountExceeded"))

    assert isinstance(error, CallRefused)
    assert (error.operation, error.code, error.message, error.http_status) == (
        "CreateRefund",
        "TransactionAmountExceeded",
        "m",
        400,
    )


AMOUNTS = st.one_of(
    st.builds(Money, st.integers(1, 15_000_000), st.sampled_from(["EUR", "USD", "GBP"])),
    st.builds(Money, st.integers(1, 10_000_000), st.just("JPY")),
)


@given(AMOUNTS)
def test_an_amount_sent_reads_back_as_the_same_money(amount):
    wire_amount = {"amount": amount.to_wire(), "currencyCode": amount.currency}
    reply = {
        "refundId": "R1",
        "chargeId": "C1",
        "refundAmount": wire_amount,
        "statusDetails": {"state": "Refunded"},
    }

    assert read(reply, read_refund).amount == amount
