"""The fake Amazon behind the PaymentGateway port, as the processes use it.

``FakeGateway`` answers every method of the port from ``PlayedAmazon`` (``amazon.py``) and
records each call in a ``CallLog`` the way the real client does (operation, ids, outcome,
Amazon's error code), so tests can read the same API call log production writes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from amzpay.amazonpay.calllog import ApiCall, CallLog, CallOutcome, InMemoryCallLog
from amzpay.amazonpay.gateway import (
    ASYNCHRONOUS,
    SYNCHRONOUS,
    CallFailed,
    CallRefused,
    CheckoutDetails,
    ObjectKind,
    Observation,
    PaymentState,
    Throttled,
)
from amzpay.domain.buyer import Buyer, ShippingAddress
from amzpay.domain.money import Money
from fakes.amazon import PlayedAmazon
from fakes.sandbox import Timing

T = TypeVar("T")


class FakeGateway(PlayedAmazon):
    def __init__(
        self,
        clock: Callable[[], datetime],
        *,
        lenient: bool = False,
        answers: dict[str, PaymentState] | None = None,
        polls_to_settle: int | None = None,
        call_log: CallLog | None = None,
        timing: Timing | None = None,
    ) -> None:
        super().__init__(
            clock,
            lenient=lenient,
            answers=answers,
            polls_to_settle=polls_to_settle,
            timing=timing,
        )
        self.call_log = call_log or InMemoryCallLog()
        # consent token -> (order reference, buyer, address, payment descriptor)
        self._consents: dict[str, tuple[str, Buyer, ShippingAddress, str | None]] = {}

    # -- the port: each call is logged, then played --------------------------------------------

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
        ids = {
            "AmazonOrderReferenceId": order_reference_id,
            "AuthorizationReferenceId": reference_id,
        }
        return self._logged(
            "Authorize",
            ids,
            lambda: self._authorize(
                order_reference_id,
                reference_id,
                amount,
                capture_now,
                asynchronous=transaction_timeout > SYNCHRONOUS,
                note=note,
            ),
        )

    def capture(
        self, *, authorization_id: str, reference_id: str, amount: Money, note: str | None = None
    ) -> Observation:
        ids = {"AmazonAuthorizationId": authorization_id, "CaptureReferenceId": reference_id}
        return self._logged(
            "Capture",
            ids,
            lambda: self._capture(authorization_id, reference_id, amount, note),
        )

    def refund(
        self, *, capture_id: str, reference_id: str, amount: Money, note: str | None = None
    ) -> Observation:
        ids = {"AmazonCaptureId": capture_id, "RefundReferenceId": reference_id}
        return self._logged(
            "Refund",
            ids,
            lambda: self._refund(capture_id, reference_id, amount, note),
        )

    def set_order_reference_details(
        self,
        order_reference_id: str,
        amount: Money,
        seller_order_id: str,
        note: str | None = None,
    ) -> Observation:
        return self._logged(
            "SetOrderReferenceDetails",
            {"AmazonOrderReferenceId": order_reference_id},
            lambda: self._set_details(order_reference_id, amount, note),
        )

    def confirm_order_reference(self, order_reference_id: str) -> None:
        self._logged(
            "ConfirmOrderReference",
            {"AmazonOrderReferenceId": order_reference_id},
            lambda: self._confirm(order_reference_id),
        )

    def close_order_reference(self, *, order_reference_id: str, reason: str | None = None) -> None:
        self._logged(
            "CloseOrderReference",
            {"AmazonOrderReferenceId": order_reference_id},
            lambda: self._close_order_reference(order_reference_id=order_reference_id),
        )

    def cancel_order_reference(self, *, order_reference_id: str, reason: str | None = None) -> None:
        self._logged(
            "CancelOrderReference",
            {"AmazonOrderReferenceId": order_reference_id},
            lambda: self._cancel_order_reference(order_reference_id=order_reference_id),
        )

    def order_reference_details(self, order_reference_id: str) -> Observation:
        return self._details(ObjectKind.ORDER_REFERENCE, order_reference_id)

    def authorization_details(self, authorization_id: str) -> Observation:
        return self._details(ObjectKind.AUTHORIZATION, authorization_id)

    def capture_details(self, capture_id: str) -> Observation:
        return self._details(ObjectKind.CAPTURE, capture_id)

    def refund_details(self, refund_id: str) -> Observation:
        return self._details(ObjectKind.REFUND, refund_id)

    def checkout_details(self, order_reference_id: str, *, consent_token: str) -> CheckoutDetails:
        return self._logged(
            "GetOrderReferenceDetails",
            {"AmazonOrderReferenceId": order_reference_id},
            lambda: self._checkout(order_reference_id, consent_token),
        )

    def sign_in(
        self,
        order_reference_id: str,
        buyer: Buyer,
        address: ShippingAddress,
        payment_descriptor: str | None = None,
    ) -> str:
        """The consent token of ``buyer``, who left ``order_reference_id`` shipping to
        ``address``, as Amazon's sign-in hands it to the shop's page."""
        token = f"Atza|fake-{len(self._consents) + 1}"
        self._consents[token] = (order_reference_id, buyer, address, payment_descriptor)
        return token

    # -- inside -----------------------------------------------------------------------------

    def _checkout(self, order_reference_id: str, token: str) -> CheckoutDetails:
        seen = self._read(ObjectKind.ORDER_REFERENCE, order_reference_id)
        consent = self._consents.get(token)
        if consent is None or consent[0] != order_reference_id:
            raise CallRefused(
                "GetOrderReferenceDetails",
                "InvalidAddressConsentToken",
                "the fake knows no such token for this order reference",
                http_status=404,
            )
        _, buyer, address, descriptor = consent
        return CheckoutDetails(seen, buyer, address, descriptor)

    def _details(self, kind: ObjectKind, amazon_id: str) -> Observation:
        operation = "Get" + kind.value.title().replace(" ", "") + "Details"
        id_name = "Amazon" + kind.value.title().replace(" ", "") + "Id"
        return self._logged(operation, {id_name: amazon_id}, lambda: self._read(kind, amazon_id))

    def _logged(self, operation: str, ids: dict[str, str], work: Callable[[], T]) -> T:
        """Run ``work`` and record it as the real client does: one attempt, its outcome."""
        started = self.clock()
        try:
            result = work()
        except CallRefused as refused:
            self._log(operation, ids, started, CallOutcome.FAILED, refused.code)
            raise
        except CallFailed as failed:
            code = "RequestThrottled" if isinstance(failed, Throttled) else "ServiceUnavailable"
            self._log(operation, ids, started, CallOutcome.RETRYABLE, code)
            raise
        declined = isinstance(result, Observation) and result.declined
        self._log(operation, ids, started, CallOutcome.DECLINED if declined else CallOutcome.OK)
        return result

    def _log(
        self,
        operation: str,
        ids: dict[str, str],
        started: datetime,
        outcome: CallOutcome,
        code: str | None = None,
    ) -> None:
        call = ApiCall(
            operation, 1, started, 0.0, outcome, None, None, code, ids,
            reference_id=next((v for k, v in ids.items() if not k.startswith("Amazon")), None),
            amazon_id=next((v for k, v in ids.items() if k.startswith("Amazon")), None),
        )  # fmt: skip
        self.call_log.record(call)
