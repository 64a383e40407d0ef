"""One operation over HTTP: throttle, sign, POST, read, record, and retry what may be retried.

Each attempt is signed afresh (the Timestamp moves on) but carries exactly the caller's
parameters, so a retried Authorize, Capture or Refund repeats its reference id and Amazon
answers the repeat with the original result instead of acting twice (Amazon Pay API reference,
"Refund": "If called multiple times, with unchanged parameters (including RefundReferenceId),
the same result is produced"). Waits grow exponentially with jitter, as the integration guide's
"Handling errors" advises for 500, 502, 503 and 504.

The httpx.Client is injected (tests give it an ``httpx.MockTransport``); so are the sleep, the
random source and both clocks, so no test ever waits.

Raises the errors of ``mws.errors``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final, TypeVar

import httpx

from amzpay.amazonpay.calllog import ApiCall, CallLog, CallOutcome, InMemoryCallLog, redact
from amzpay.amazonpay.mws import signing
from amzpay.amazonpay.mws.elements import WireError
from amzpay.amazonpay.mws.errors import (
    AmazonPayError,
    Declined,
    RetryableError,
    TransportFailure,
    UnexpectedResponse,
    from_response,
)
from amzpay.amazonpay.mws.regions import API_VERSION, Endpoint
from amzpay.amazonpay.mws.wire import Reply
from amzpay.amazonpay.pacing import Pacing, RetryPolicy

__all__ = ["Credentials", "MwsTransport", "Pacing", "RetryPolicy"]

T = TypeVar("T")
logger = logging.getLogger(__name__)

_HEADERS: Final = {
    "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
    "User-Agent": "amzpay/0.1 (Language=Python)",
}
REFERENCE_IDS: Final = ("RefundReferenceId", "CaptureReferenceId", "AuthorizationReferenceId")
"""The parameters that carry our reference id of a call's object, the first present wins."""
AMAZON_IDS: Final = (
    "AmazonRefundId",
    "AmazonCaptureId",
    "AmazonAuthorizationId",
    "AmazonOrderReferenceId",
)
"""The parameters that carry Amazon's id of a call's object (or its parent), most specific
first."""


@dataclass(frozen=True, slots=True)
class Credentials:
    """The seller's MWS identity. The secret key never appears in a repr or a log."""

    seller_id: str
    access_key_id: str
    secret_key: str = field(repr=False)


class MwsTransport:
    """Sends signed operations to one endpoint and records each attempt in ``call_log``."""

    def __init__(
        self,
        http: httpx.Client,
        endpoint: Endpoint,
        credentials: Credentials,
        *,
        pacing: Pacing | None = None,
        call_log: CallLog | None = None,
    ) -> None:
        self._http, self._endpoint, self._credentials = http, endpoint, credentials
        self._pacing = pacing or Pacing()
        self.call_log: CallLog = call_log if call_log is not None else InMemoryCallLog()

    def call(
        self, action: str, parameters: Mapping[str, str], read: Callable[[bytes], Reply[T]]
    ) -> Reply[T]:
        """Run ``action`` until it succeeds, fails for good, or runs out of attempts."""
        pacing = self._pacing
        attempt = 1
        while True:
            try:
                return self._attempt(action, parameters, read, attempt)
            except RetryableError:
                if attempt >= pacing.retry.max_attempts:
                    raise
                pacing.sleep(pacing.retry.delay(attempt, pacing.rng))
                attempt += 1

    def _attempt(
        self,
        action: str,
        parameters: Mapping[str, str],
        read: Callable[[bytes], Reply[T]],
        attempt: int,
    ) -> Reply[T]:
        self._pacing.throttle.acquire(action)
        full = self._parameters(action, parameters)
        started_at, start = self._pacing.now(), self._pacing.monotonic()
        status: int | None = None
        try:
            status, body = self._post(full)
            reply = self._read(status, body, read)
        except AmazonPayError as error:
            elapsed = self._pacing.monotonic() - start
            self._record(action, attempt, started_at, elapsed, full, status, error=error)
            raise
        elapsed = self._pacing.monotonic() - start
        self._record(action, attempt, started_at, elapsed, full, status, reply.request_id)
        return reply

    def _parameters(self, action: str, parameters: Mapping[str, str]) -> dict[str, str]:
        common = {
            "AWSAccessKeyId": self._credentials.access_key_id,
            "Action": action,
            "SellerId": self._credentials.seller_id,
            "SignatureMethod": signing.SIGNATURE_METHOD,
            "SignatureVersion": signing.SIGNATURE_VERSION,
            "Timestamp": signing.timestamp(self._pacing.now()),
            "Version": API_VERSION,
        }
        return common | dict(parameters)

    def _post(self, parameters: Mapping[str, str]) -> tuple[int, bytes]:
        endpoint = self._endpoint
        signed = signing.sign(
            self._credentials.secret_key, endpoint.host, endpoint.path, parameters
        )
        # The body is the canonical query itself, so what travels is exactly what was signed.
        body = signing.canonical_query(signed)
        body += "&Signature=" + signing.percent_encode(signed["Signature"])
        try:
            response = self._http.post(endpoint.url, content=body.encode(), headers=_HEADERS)
        except httpx.TransportError as error:
            raise TransportFailure(f"no reply from Amazon: {type(error).__name__}") from error
        return response.status_code, response.content

    @staticmethod
    def _read(status: int, body: bytes, read: Callable[[bytes], Reply[T]]) -> Reply[T]:
        if not 200 <= status < 300:
            raise from_response(status, body)
        try:
            return read(body)
        except WireError as error:
            raise UnexpectedResponse(str(error), http_status=status) from None

    def _record(
        self,
        action: str,
        attempt: int,
        started_at: datetime,
        elapsed: float,
        parameters: Mapping[str, str],
        status: int | None,
        request_id: str | None = None,
        *,
        error: AmazonPayError | None = None,
    ) -> None:
        outcome = _outcome(error)
        if error is not None:
            request_id = error.request_id
        logger.info(
            "%s attempt %d: %s, HTTP %s, RequestId %s, %.3fs",
            action, attempt, outcome, status, request_id, elapsed,
        )  # fmt: skip
        self.call_log.record(
            ApiCall(
                operation=action,
                attempt=attempt,
                started_at=started_at,
                duration_seconds=elapsed,
                outcome=outcome,
                http_status=status,
                request_id=request_id,
                error_code=error.code if error is not None else None,
                parameters=redact(parameters),
                reference_id=_first(parameters, REFERENCE_IDS),
                amazon_id=_first(parameters, AMAZON_IDS),
            )
        )


def _first(parameters: Mapping[str, str], names: tuple[str, ...]) -> str | None:
    """The value of the first of ``names`` in ``parameters``; None when none is there."""
    return next((parameters[name] for name in names if name in parameters), None)


def _outcome(error: AmazonPayError | None) -> CallOutcome:
    if error is None:
        return CallOutcome.OK
    if isinstance(error, Declined):
        return CallOutcome.DECLINED
    return CallOutcome.RETRYABLE if error.retryable else CallOutcome.FAILED
