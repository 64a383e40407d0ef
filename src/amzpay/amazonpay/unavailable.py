"""A gateway for when no Amazon Pay client is configured: every call fails as retryable.

The worker can then run (timers fire, conditions are checked) while commands wait, with
their reference ids, until a real client is wired in.
"""

from __future__ import annotations

from datetime import timedelta
from typing import NoReturn

from amzpay.amazonpay.gateway import ASYNCHRONOUS, CallFailed, CheckoutDetails, Observation
from amzpay.domain.money import Money

RETRY_AFTER = timedelta(minutes=5)


def _fail(operation: str) -> NoReturn:
    raise CallFailed(operation, "no Amazon Pay client is configured", retry_after=RETRY_AFTER)


class UnavailableGateway:
    """Satisfies ``PaymentGateway``; every method raises ``CallFailed``."""

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
        _fail("Authorize")

    def capture(
        self, *, authorization_id: str, reference_id: str, amount: Money, note: str | None = None
    ) -> Observation:
        _fail("Capture")

    def close_authorization(self, *, authorization_id: str, reason: str | None = None) -> None:
        _fail("CloseAuthorization")

    def close_order_reference(self, *, order_reference_id: str, reason: str | None = None) -> None:
        _fail("CloseOrderReference")

    def cancel_order_reference(self, *, order_reference_id: str, reason: str | None = None) -> None:
        _fail("CancelOrderReference")

    def refund(
        self, *, capture_id: str, reference_id: str, amount: Money, note: str | None = None
    ) -> Observation:
        _fail("Refund")

    def set_order_reference_details(
        self,
        order_reference_id: str,
        amount: Money,
        seller_order_id: str,
        note: str | None = None,
    ) -> Observation:
        _fail("SetOrderReferenceDetails")

    def confirm_order_reference(self, order_reference_id: str) -> None:
        _fail("ConfirmOrderReference")

    def checkout_details(self, order_reference_id: str, *, consent_token: str) -> CheckoutDetails:
        _fail("GetOrderReferenceDetails")

    def order_reference_details(self, order_reference_id: str) -> Observation:
        _fail("GetOrderReferenceDetails")

    def authorization_details(self, authorization_id: str) -> Observation:
        _fail("GetAuthorizationDetails")

    def capture_details(self, capture_id: str) -> Observation:
        _fail("GetCaptureDetails")

    def refund_details(self, refund_id: str) -> Observation:
        _fail("GetRefundDetails")
