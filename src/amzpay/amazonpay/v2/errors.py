"""What can go wrong talking to Amazon Pay API v2, sorted in one function onto the port's
errors (``amzpay.amazonpay.gateway``).

``error_of`` is the only place an HTTP status or a v2 ``reasonCode`` becomes an exception
(research C.6: the body is ``{"reasonCode": …, "message": …}``):

    what came back                                  raised                 retried here
    a decline: SoftDeclined, HardDeclined,          PaymentDeclined         no
      AmazonRejected, ProcessingFailure,            (an Observation in
      TransactionTimedOut, MFANotCompleted,          state DECLINED)
      BuyerCanceled, Declined, PaymentMethodNotAllowed
    429, TooManyRequests, RequestThrottled          Throttled               yes, with backoff
    408, 425, 500, 502, 503, 504; no reply at all   CallFailed              yes, with backoff
    any other code or 4xx (InvalidRequestSignature, CallRefused             no
      DuplicateIdempotencyKey, ResourceNotFound,
      InvalidChargeStatus, TransactionAmountExceeded…)
    a body that cannot be read                      UnreadableAnswer        no: asked later
                                                    (a CallFailed)

Retries repeat the request's idempotency key and body, so Amazon answers a repeat with the
first result (research C.4). The statuses retried are those the official SDKs retry
(Java ``ServiceConstants.serviceErrors``; Node retries 408, 425, 429 and every 5xx).

Imports amzpay.domain, amzpay.amazonpay's port and throttle, and the standard library.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from amzpay.amazonpay.gateway import (
    CallFailed,
    CallRefused,
    GatewayError,
    ObjectKind,
    Observation,
    PaymentDeclined,
    PaymentState,
    Throttled,
)
from amzpay.amazonpay.throttle import Quota
from amzpay.domain.money import Money

RETRYABLE_STATUSES: Final = frozenset({408, 425, 429, 500, 502, 503, 504})
THROTTLED_CODES: Final = frozenset({"TooManyRequests", "RequestThrottled"})
DECLINE_CODES: Final = frozenset(
    {
        "SoftDeclined",
        "HardDeclined",
        "AmazonRejected",
        "ProcessingFailure",
        "TransactionTimedOut",
        "MFANotCompleted",
        "BuyerCanceled",
        "Declined",
        "PaymentMethodNotAllowed",
    }
)
UNREADABLE_RETRY_AFTER: Final = timedelta(minutes=5)
"""An answer we could not read is asked again later, not at once: it may well repeat."""


class UnreadableAnswer(CallFailed):
    """Amazon's reply could not be read (not JSON, a state we do not know). Whether Amazon
    acted is unknown, so it is a ``CallFailed``; it is not retried at once."""

    def __init__(self, operation: str, reason: str, *, http_status: int | None) -> None:
        super().__init__(
            operation,
            f"unreadable answer: {reason}",
            retry_after=UNREADABLE_RETRY_AFTER,
            http_status=http_status,
        )


def refused_before_sending(operation: str, reason: str) -> CallRefused:
    """For arguments Amazon would refuse for certain: nothing is sent."""
    return CallRefused(operation, "InvalidRequest", reason)


@dataclass(frozen=True, slots=True)
class Subject:
    """What a call is about, for the observation of a decline and the call log: the kind of
    payment object, Amazon's id of it (or of its parent when it is being created: the charge
    permission charged, the charge refunded), our reference id, the amount asked for."""

    kind: ObjectKind
    amazon_id: str
    reference_id: str | None = None
    amount: Money | None = None


@dataclass(frozen=True, slots=True)
class ErrorBody:
    code: str | None
    message: str | None


def read_error(body: bytes) -> ErrorBody:
    """``{"reasonCode", "message"}``; both None when the body is not that."""
    try:
        data = json.loads(body)
    except ValueError:
        return ErrorBody(None, None)
    if not isinstance(data, dict):
        return ErrorBody(None, None)
    code, message = data.get("reasonCode"), data.get("message")
    return ErrorBody(
        code if isinstance(code, str) and code else None,
        message if isinstance(message, str) else None,
    )


def error_of(
    operation: str,
    subject: Subject,
    status: int | None,
    body: bytes,
    *,
    quota: Quota,
    now: datetime,
) -> GatewayError:
    """The port's error for a reply with HTTP ``status`` other than 2xx, or for no reply at
    all (``status`` None, ``body`` the reason). ``quota`` bounds a throttled call's backoff."""
    if status is None:
        return CallFailed(operation, f"no reply from Amazon: {body.decode(errors='replace')}")
    error = read_error(body)
    code = error.code
    said = f"{code}: {error.message or 'no message'}" if code else f"HTTP {status}"
    if code in THROTTLED_CODES or status == 429:
        return Throttled(
            operation,
            said,
            retry_after=quota.first_backoff,
            backoff_ceiling=quota.longest_backoff,
            http_status=status,
        )
    if code in DECLINE_CODES:
        return PaymentDeclined(_declined(subject, code, error.message, now))
    if status in RETRYABLE_STATUSES:
        return CallFailed(operation, said, http_status=status)
    if code is None:
        reason = f"HTTP {status} without a reasonCode"
        return UnreadableAnswer(operation, reason, http_status=status)
    return CallRefused(operation, code, error.message or "", http_status=status)


def _declined(subject: Subject, code: str, message: str | None, now: datetime) -> Observation:
    return Observation(
        kind=subject.kind,
        amazon_id=subject.amazon_id,
        reference_id=subject.reference_id,
        state=PaymentState.DECLINED,
        updated_at=now,
        amount=subject.amount,
        reason_code=code,
        reason_description=message,
        soft_decline=code == "SoftDeclined",
    )
