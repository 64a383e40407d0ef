"""``POST /amazonpay/ipn``: where Amazon delivers its notifications (SNS over HTTPS).

No token: Amazon signs each message and ``IpnReceiver`` verifies the signature. The answers
follow what Amazon does with them (ARCHITECTURE.md, the refund, step 5):

    200   stored, or a duplicate already stored: Amazon stops delivering it
    400   the message failed verification (or is no IPN at all): Amazon does not retry
    413   the body is larger than any IPN: refused before it is read in full
    503   it could not be verified now (its certificate is not fetched at this moment) or
          not stored: Amazon delivers it again later

A malformed body is a 400 like any message that does not verify, never a 500.

The route FastAPI documents (``router``) is served by a plain Starlette route placed before
it (``install``): the endpoint reads the raw body and needs none of FastAPI's per-request
work (dependencies, validation), which cost about 30 µs of the busiest route's CPU; it
answers as an ``ApiRoute`` does (``with_json_errors``).

Anyone can post here, so the message is screened first, on the event loop (no I/O: see
``amazonpay.ipn.verifier``); a certificate fetch, when one is needed and allowed, runs on the
verifier's own threads and is awaited here, so forged messages never hold the thread pool
the API and the back office are served from. Only a message whose key is at hand goes to that
pool, for its signature and the database.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Future
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.routing import Route

from amzpay.amazonpay.ipn import (
    CertificateBusy,
    CertificateUnavailable,
    ForeignNotification,
    InvalidSignature,
    UnexpectedTopic,
    UntrustedCertificateUrl,
)
from amzpay.services.errors import IpnDeferred, IpnNotStored, IpnRejected
from amzpay.web.api.auth import services
from amzpay.web.errors import ApiError, ApiRoute, error_responses, with_json_errors
from amzpay.web.metrics import ipn_received, ipn_rejected

MAX_BODY_BYTES = 64 * 1024  # Amazon's IPNs are a few kilobytes; SNS caps messages at 256 KiB

PATH = "/amazonpay/ipn"
router = APIRouter(route_class=ApiRoute, tags=["amazon"])


class BodyTooLarge(ApiError):
    def __init__(self) -> None:
        super().__init__(413, "body_too_large", f"an IPN is at most {MAX_BODY_BYTES} bytes")


@router.post(
    PATH,
    summary="Amazon Pay's instant payment notifications (signed; no token)",
    responses={
        200: {"description": "Stored (or stored before): acknowledged"},
        **error_responses(400, 413, 503),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/plain": {"schema": {"type": "string"}}},
            "description": "The SNS message as Amazon sends it (JSON, sent as text/plain)",
        }
    },
)
async def receive_ipn(request: Request) -> Response:
    try:
        body = await _read_capped(request)
    except BodyTooLarge:
        ipn_rejected(request, "too-large")
        raise
    headers = {key.lower(): value for key, value in request.headers.items()}
    try:
        receipt, kind = await _receive(request, body, headers)
    except IpnRejected as rejected:
        ipn_rejected(request, _reason(rejected))
        raise ApiError(rejected.http_status, "ipn_rejected", str(rejected)) from rejected
    except IpnDeferred as deferred:
        ipn_rejected(request, _reason(deferred))
        raise ApiError(
            deferred.http_status, "ipn_deferred", str(deferred), headers={"Retry-After": "60"}
        ) from deferred
    except IpnNotStored as failed:
        ipn_rejected(request, "not-stored")
        raise ApiError(
            failed.http_status, "ipn_not_stored", str(failed), headers={"Retry-After": "60"}
        ) from failed
    ipn_received(request, kind)
    return Response(status_code=200, content=receipt)


def install(app: FastAPI) -> None:
    """The endpoint on ``app``, matched before any other route."""
    app.include_router(router)  # what /openapi.json describes
    served = Route(PATH, with_json_errors(receive_ipn, set()), methods=["POST"])
    app.router.routes.insert(0, served)


_REASONS = (
    (InvalidSignature, "signature"),
    (UnexpectedTopic, "topic"),
    (UntrustedCertificateUrl, "certificate-url"),
    (CertificateBusy, "certificate-busy"),
    (ForeignNotification, "foreign"),
)


def _reason(refused: IpnRejected | IpnDeferred) -> str:
    """A short, bounded code for the metrics: why the message was not verified."""
    cause = refused.__cause__
    if isinstance(cause, CertificateUnavailable):
        return "certificate-remembered" if cause.remembered else "certificate"
    for kind, reason in _REASONS:
        if isinstance(cause, kind):
            return reason
    return "malformed"


async def _read_capped(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise BodyTooLarge()
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise BodyTooLarge()
    return bytes(body)


async def _receive(request: Request, body: bytes, headers: dict[str, str]) -> tuple[str, str]:
    """Screen the body here, wait for its key without holding a thread, then check the
    signature and commit on a worker thread; the answer's text and the notification's type."""
    receiver = services(request).ipn
    screened = receiver.screen(body, headers)
    await _settled(screened.key)
    receipt = await run_in_threadpool(receiver.store, screened)
    return ("duplicate" if receipt.duplicate else "stored"), receipt.notification_type


async def _settled(future: Future[Any]) -> None:
    """Wait until ``future`` is done, whatever its outcome (``store`` reads it)."""
    if future.done():
        return
    waiting = asyncio.wrap_future(future)
    await asyncio.wait([waiting])
    waiting.exception()  # read here, so that asyncio does not report it as never retrieved
