"""``MwsGateway``: the ``PaymentGateway`` port over the legacy API client (``MwsClient``).

    gateway = MwsGateway(MwsClient(http, endpoint, credentials, pacing=..., call_log=...))
    seen = gateway.refund(capture_id="S02-…-C000001", reference_id="rf-0001",
                          amount=Money(1230, "EUR"))
    seen.state        # PaymentState.PENDING: a legacy refund always starts so (research A.7)

Amazon's answers become ``Observation``s (``mws.observations``), declines included: a
Declined authorization, capture or refund is an answer, never an exception. The client's
errors become the port's in exactly one function, ``gateway_error``:

    mws.errors                                   port
    InvalidRequest (refused before sending)      CallRefused  code "InvalidRequest"
    Declined (a decline *error code*, no object) CallRefused  Amazon's code
    PermanentError and subclasses                CallRefused  Amazon's code and message
    UnexpectedResponse (unreadable reply)        CallFailed   Amazon may have acted: ask again
    Throttled (RequestThrottled, 503)            Throttled    waits bounded by the quota
    ServiceUnavailable, TransportFailure         CallFailed

The client has already retried retryable errors with backoff and the same reference id
(``mws.transport``); a ``CallFailed`` here means those retries were spent, and the caller
tries again later, still with the same reference id.

Imports amzpay.domain and amzpay.amazonpay only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Final, TypeVar

from amzpay.amazonpay.gateway import (
    ASYNCHRONOUS,
    CallFailed,
    CallRefused,
    CheckoutDetails,
    GatewayError,
    Observation,
    Throttled,
)
from amzpay.amazonpay.mws import checkout, errors, observations as seen
from amzpay.amazonpay.mws.client import MwsClient
from amzpay.amazonpay.mws.observations import Now
from amzpay.amazonpay.mws.wire import Reply
from amzpay.amazonpay.throttle import LIVE_QUOTAS, UNKNOWN_QUOTA, Quota
from amzpay.domain.money import Money

T = TypeVar("T")

UNREADABLE_RETRY_AFTER: Final = timedelta(minutes=5)
"""An answer we could not read is asked again later, not at once: it may well repeat."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


def gateway_error(
    operation: str, error: errors.AmazonPayError, quota: Quota = UNKNOWN_QUOTA
) -> GatewayError:
    """The port's error for the client's ``error`` (the one place this is decided); a
    throttled call's retries wait as the operation's ``quota`` says (``throttle.py``)."""
    status = error.http_status
    if isinstance(error, errors.Throttled):
        return Throttled(
            operation,
            str(error),
            retry_after=quota.first_backoff,
            backoff_ceiling=quota.longest_backoff,
            http_status=status,
        )
    if isinstance(error, errors.RetryableError):
        return CallFailed(operation, str(error), http_status=status)
    if isinstance(error, errors.UnexpectedResponse):
        reason = f"unreadable answer: {error.message}"
        return CallFailed(operation, reason, retry_after=UNREADABLE_RETRY_AFTER, http_status=status)
    if isinstance(error, errors.InvalidRequest):
        return CallRefused(operation, "InvalidRequest", error.message)
    return CallRefused(
        operation, error.code or type(error).__name__, error.message, http_status=status
    )


def _minutes(timeout: timedelta) -> int:
    # TransactionTimeout is whole minutes, 0 (synchronous) to 1440 (API reference, "Authorize").
    return int(timeout.total_seconds() // 60)


class MwsGateway:
    """Satisfies ``PaymentGateway`` with the legacy API. ``now`` dates an observation of an
    object Amazon sent no timestamp for; ``quotas`` are Amazon's for the environment called,
    which bound the backoff of a throttled call."""

    def __init__(
        self,
        client: MwsClient,
        *,
        now: Callable[[], datetime] = _utc_now,
        quotas: Mapping[str, Quota] = LIVE_QUOTAS,
    ) -> None:
        self._client, self._now, self._quotas = client, now, quotas

    def _call(self, operation: str, work: Callable[[], object]) -> None:
        """Run a call that answers nothing but success."""
        try:
            work()
        except errors.AmazonPayError as error:
            raise self._error(operation, error) from error

    def _ask(
        self, operation: str, work: Callable[[], Reply[T]], read: Callable[[T, Now], Observation]
    ) -> Observation:
        """Run a call and read its ``…Details`` into an observation."""
        try:
            return read(work().value, self._now)
        except errors.AmazonPayError as error:
            raise self._error(operation, error) from error

    def _error(self, operation: str, error: errors.AmazonPayError) -> GatewayError:
        return gateway_error(operation, error, self._quotas.get(operation, UNKNOWN_QUOTA))

    # -- order reference ----------------------------------------------------------------------

    def set_order_reference_details(
        self,
        order_reference_id: str,
        amount: Money,
        seller_order_id: str,
        note: str | None = None,
    ) -> Observation:
        return self._ask(
            "SetOrderReferenceDetails",
            lambda: self._client.set_order_reference_details(
                order_reference_id, amount, seller_order_id=seller_order_id, seller_note=note
            ),
            seen.of_order_reference,
        )

    def confirm_order_reference(self, order_reference_id: str) -> None:
        self._call(
            "ConfirmOrderReference",
            lambda: self._client.confirm_order_reference(order_reference_id),
        )

    def close_order_reference(self, *, order_reference_id: str, reason: str | None = None) -> None:
        self._call(
            "CloseOrderReference",
            lambda: self._client.close_order_reference(order_reference_id, reason=reason),
        )

    def cancel_order_reference(self, *, order_reference_id: str, reason: str | None = None) -> None:
        self._call(
            "CancelOrderReference",
            lambda: self._client.cancel_order_reference(order_reference_id, reason=reason),
        )

    def order_reference_details(self, order_reference_id: str) -> Observation:
        return self._ask(
            "GetOrderReferenceDetails",
            lambda: self._client.get_order_reference_details(order_reference_id),
            seen.of_order_reference,
        )

    def checkout_details(self, order_reference_id: str, *, consent_token: str) -> CheckoutDetails:
        try:
            view = self._client.get_buyer_view(
                order_reference_id, address_consent_token=consent_token
            ).value
        except errors.AmazonPayError as error:
            raise self._error("GetOrderReferenceDetails", error) from error
        return checkout.checkout_details(view, self._now)

    # -- authorization ------------------------------------------------------------------------

    def authorize(
        self,
        *,
        order_reference_id: str,
        reference_id: str,
        amount: Money,
        capture_now: bool = False,
        transaction_timeout: timedelta = ASYNCHRONOUS,
        note: str | None = None,
    ) -> Observation:
        return self._ask(
            "Authorize",
            lambda: self._client.authorize(
                order_reference_id,
                reference_id,
                amount,
                transaction_timeout=_minutes(transaction_timeout),
                capture_now=capture_now,
                seller_note=note,
            ),
            seen.of_authorization,
        )

    def close_authorization(self, *, authorization_id: str, reason: str | None = None) -> None:
        self._call(
            "CloseAuthorization",
            lambda: self._client.close_authorization(authorization_id, reason=reason),
        )

    def authorization_details(self, authorization_id: str) -> Observation:
        return self._ask(
            "GetAuthorizationDetails",
            lambda: self._client.get_authorization_details(authorization_id),
            seen.of_authorization,
        )

    # -- capture and refund -------------------------------------------------------------------

    def capture(
        self, *, authorization_id: str, reference_id: str, amount: Money, note: str | None = None
    ) -> Observation:
        return self._ask(
            "Capture",
            lambda: self._client.capture(authorization_id, reference_id, amount, seller_note=note),
            seen.of_capture,
        )

    def capture_details(self, capture_id: str) -> Observation:
        return self._ask(
            "GetCaptureDetails",
            lambda: self._client.get_capture_details(capture_id),
            seen.of_capture,
        )

    def refund(
        self, *, capture_id: str, reference_id: str, amount: Money, note: str | None = None
    ) -> Observation:
        return self._ask(
            "Refund",
            lambda: self._client.refund(capture_id, reference_id, amount, seller_note=note),
            seen.of_refund,
        )

    def refund_details(self, refund_id: str) -> Observation:
        return self._ask(
            "GetRefundDetails", lambda: self._client.get_refund_details(refund_id), seen.of_refund
        )
