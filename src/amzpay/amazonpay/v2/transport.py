"""One v2 operation over HTTP: throttle, sign, send, read, record, and retry what may be
retried.

Each attempt is signed afresh (``x-amz-pay-date`` moves on) but sends the very body and
idempotency key of the first, so Amazon answers a repeated write with its saved first answer
instead of acting twice (research C.4: same key and body, the saved response; same key and
another body, ``DuplicateIdempotencyKey``). Waits grow exponentially with jitter
(``amazonpay.pacing``); the throttle's buckets hold each operation to v2's quotas.

The httpx.Client is injected (tests give it an ``httpx.MockTransport``), and so is all of
time, so no test ever waits.

Raises the port's errors, sorted by ``v2.errors.error_of``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, TypeVar

import httpx

from amzpay.amazonpay.calllog import ApiCall, CallLog, CallOutcome, InMemoryCallLog
from amzpay.amazonpay.gateway import CallFailed, GatewayError, PaymentDeclined
from amzpay.amazonpay.pacing import Pacing
from amzpay.amazonpay.throttle import UNKNOWN_QUOTA, Quota
from amzpay.amazonpay.v2 import wire
from amzpay.amazonpay.v2.errors import Subject, UnreadableAnswer, error_of, read_error
from amzpay.amazonpay.v2.logged import logged_request
from amzpay.amazonpay.v2.regions import Endpoint
from amzpay.amazonpay.v2.signing import Signer, timestamp

T = TypeVar("T")
logger = logging.getLogger(__name__)

JSON: Final = "application/json"
IDEMPOTENCY_HEADER: Final = "x-amz-pay-idempotency-key"
SIMULATION_HEADER: Final = "x-amz-pay-simulation-code"
REQUEST_ID_HEADER: Final = "x-amz-pay-request-id"
_USER_AGENT: Final = "amzpay/0.1 (Language=Python)"


@dataclass(frozen=True, slots=True)
class Request:
    """One operation's request: the same on every attempt."""

    operation: str  # Amazon's name of the API: CreateRefund, GetCharge, …
    method: str
    path: str  # below the endpoint: /v2/refunds/S01-…
    subject: Subject
    body: Mapping[str, Any] | None = None
    idempotency_key: str | None = None
    simulation: str | None = None  # a sandbox simulation code (research C.8)


class V2Transport:
    """Sends signed requests to one endpoint and records each attempt in ``call_log``."""

    def __init__(
        self,
        http: httpx.Client,
        endpoint: Endpoint,
        signer: Signer,
        *,
        pacing: Pacing,
        quotas: Mapping[str, Quota],
        call_log: CallLog | None = None,
    ) -> None:
        self._http, self._endpoint, self._signer = http, endpoint, signer
        self._pacing, self._quotas = pacing, quotas
        self.call_log: CallLog = call_log if call_log is not None else InMemoryCallLog()

    def call(self, request: Request, read: Callable[[Mapping[str, Any]], T]) -> T:
        """Run ``request`` until it succeeds, fails for good, or runs out of attempts."""
        payload = b"" if request.body is None else json.dumps(request.body).encode()
        pacing = self._pacing
        attempt = 1
        while True:
            try:
                return self._attempt(request, payload, read, attempt)
            except CallFailed as failure:
                if isinstance(failure, UnreadableAnswer) or attempt >= pacing.retry.max_attempts:
                    raise
                pacing.sleep(pacing.retry.delay(attempt, pacing.rng))
                attempt += 1

    def _attempt(
        self,
        request: Request,
        payload: bytes,
        read: Callable[[Mapping[str, Any]], T],
        attempt: int,
    ) -> T:
        self._pacing.throttle.acquire(request.operation)
        headers = self._headers(request, payload)
        started_at, start = self._pacing.now(), self._pacing.monotonic()
        response: httpx.Response | None = None
        try:
            response = self._send(request, headers, payload)
            result = self._read(request, response, read)
        except GatewayError as error:
            self._record(request, headers, attempt, started_at, start, response, error)
            raise
        self._record(request, headers, attempt, started_at, start, response)
        return result

    def _headers(self, request: Request, payload: bytes) -> dict[str, str]:
        signed = {
            "accept": JSON,
            "content-type": JSON,
            "x-amz-pay-date": timestamp(self._pacing.now()),
            "x-amz-pay-host": self._endpoint.host,
            "x-amz-pay-region": self._endpoint.region.value,
        }
        if request.idempotency_key is not None:
            signed[IDEMPOTENCY_HEADER] = request.idempotency_key
        if request.simulation is not None:
            # Signed like every other header, as the Java and Node SDKs do (research C.3).
            signed[SIMULATION_HEADER] = request.simulation
        path = self._endpoint.path(request.path)
        authorization = self._signer.authorization(request.method, path, signed, payload)
        return signed | {"authorization": authorization}

    def _send(self, request: Request, headers: dict[str, str], payload: bytes) -> httpx.Response:
        try:
            return self._http.request(
                request.method,
                self._endpoint.url(request.path),
                content=payload or None,
                headers=headers | {"user-agent": _USER_AGENT},
            )
        except httpx.TransportError as error:
            raise self._error(request, None, type(error).__name__.encode()) from error

    def _read(
        self, request: Request, response: httpx.Response, read: Callable[[Mapping[str, Any]], T]
    ) -> T:
        status = response.status_code
        if not 200 <= status < 300:
            raise self._error(request, status, response.content)
        try:
            return wire.read(json.loads(response.content), read)
        except (ValueError, wire.WireError) as unreadable:
            raise UnreadableAnswer(request.operation, str(unreadable), http_status=status) from None

    def _error(self, request: Request, status: int | None, body: bytes) -> GatewayError:
        quota = self._quotas.get(request.operation, UNKNOWN_QUOTA)
        return error_of(
            request.operation, request.subject, status, body, quota=quota, now=self._pacing.now()
        )

    def _record(
        self,
        request: Request,
        headers: Mapping[str, str],
        attempt: int,
        started_at: datetime,
        start: float,
        response: httpx.Response | None,
        error: GatewayError | None = None,
    ) -> None:
        elapsed = self._pacing.monotonic() - start
        outcome = _outcome(error)
        status = None if response is None else response.status_code
        request_id = None if response is None else response.headers.get(REQUEST_ID_HEADER)
        failed = response is not None and not response.is_success
        code = read_error(response.content).code if response is not None and failed else None
        logger.info(
            "%s attempt %d: %s, HTTP %s, request id %s, %.3fs",
            request.operation, attempt, outcome, status, request_id, elapsed,
        )  # fmt: skip
        self.call_log.record(
            ApiCall(
                operation=request.operation,
                attempt=attempt,
                started_at=started_at,
                duration_seconds=elapsed,
                outcome=outcome,
                http_status=status,
                request_id=request_id,
                error_code=code,
                parameters=logged_request(headers, request.body),
                reference_id=request.subject.reference_id,
                amazon_id=request.subject.amazon_id,
            )
        )


def _outcome(error: GatewayError | None) -> CallOutcome:
    if error is None:
        return CallOutcome.OK
    if isinstance(error, PaymentDeclined):
        return CallOutcome.DECLINED
    if isinstance(error, CallFailed) and not isinstance(error, UnreadableAnswer):
        return CallOutcome.RETRYABLE
    return CallOutcome.FAILED
