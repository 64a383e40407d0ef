"""Amazon Pay API v2: one typed method per operation amzpay uses.

    signer = Signer("SANDBOX-AEXAMPLE…", read_private_key(Path("private.pem")))
    client = V2Client(httpx.Client(timeout=10),
                      Endpoint.of(Region.EU, Environment.SANDBOX, signer.public_key_id),
                      signer, quotas=SANDBOX_QUOTAS)
    refund = client.create_refund("S02-…-C000001", Money(1230, "EUR"), reference_id="rf-0001")
    refund.status.state     # RefundState.REFUND_INITIATED; Refunded or Declined follows

Every write that Amazon keeps idempotent (the POSTs: complete a checkout session, create and
capture a charge, create a refund) takes ``reference_id``, our stored record's id, and sends
it as ``x-amz-pay-idempotency-key`` on every attempt: a retry, even one made much later by the
worker, is the same request, so a lost answer never makes a second refund (research C.4;
WooCommerce's fresh key per attempt is how double refunds happen). Such ids are unique across
operations, as the legacy API's reference ids are, which is what Amazon asks of the key.

Writes take ``simulation``, a sandbox simulation code sent as ``x-amz-pay-simulation-code``
(research C.8: ``RefundDeclined`` on Create Refund, ``HardDeclined`` on Create Charge, …);
Amazon refuses it outside the sandbox with ``InvalidSandboxSimulationSpecified``.

Arguments Amazon would refuse for certain (a malformed id or reference id, a non-positive
amount, an over-long descriptor or note) raise ``CallRefused`` with code ``InvalidRequest``
before anything is sent. Otherwise the port's errors, as ``v2.errors`` sorts them.
Field names and limits follow the API reference page of each operation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any, Final, TypeVar

import httpx

from amzpay.amazonpay.calllog import CallLog
from amzpay.amazonpay.gateway import ObjectKind
from amzpay.amazonpay.pacing import Pacing
from amzpay.amazonpay.throttle import Quota, Throttle
from amzpay.amazonpay.v2 import wire
from amzpay.amazonpay.v2.buyer import SessionBuyer, read_session_buyer
from amzpay.amazonpay.v2.errors import Subject, refused_before_sending
from amzpay.amazonpay.v2.quotas import LIVE_QUOTAS
from amzpay.amazonpay.v2.regions import Endpoint
from amzpay.amazonpay.v2.signing import Signer
from amzpay.amazonpay.v2.transport import Request, V2Transport
from amzpay.domain.money import Money

T = TypeVar("T")

# Idempotency keys: "a-z A-Z 0-9 - _", at most 32 characters (research C.4).
_REFERENCE_ID: Final = re.compile(r"[A-Za-z0-9_-]{1,32}")
# Amazon's object ids (S01-5105180-3221187-R022311, checkout session UUIDs): nothing that
# could leave its path segment.
_AMAZON_ID: Final = re.compile(r"[A-Za-z0-9_.-]{1,100}")
_SOFT_DESCRIPTOR_MAX: Final = 16
_REASON_MAX: Final = 255
_STORE_NAME_MAX: Final = 50
_MERCHANT_REFERENCE_MAX: Final = 256


class PaymentIntent(StrEnum):
    """What completing a checkout session does (Update Checkout Session, paymentIntent)."""

    CONFIRM = "Confirm"
    AUTHORIZE = "Authorize"
    AUTHORIZE_WITH_CAPTURE = "AuthorizeWithCapture"


class V2Client:
    """Checkout sessions, charge permissions, charges and refunds over an injected
    ``httpx.Client``. Without ``pacing``, calls are paced by token buckets at ``quotas``."""

    def __init__(
        self,
        http: httpx.Client,
        endpoint: Endpoint,
        signer: Signer,
        *,
        quotas: Mapping[str, Quota] = LIVE_QUOTAS,
        pacing: Pacing | None = None,
        call_log: CallLog | None = None,
    ) -> None:
        pacing = pacing if pacing is not None else Pacing(throttle=Throttle(quotas))
        self._transport = V2Transport(
            http, endpoint, signer, pacing=pacing, quotas=quotas, call_log=call_log
        )

    @property
    def call_log(self) -> CallLog:
        return self._transport.call_log

    # -- checkout sessions ----------------------------------------------------------------

    def create_checkout_session(
        self, *, review_return_url: str, store_id: str, reference_id: str
    ) -> wire.CheckoutSession:
        """Open a checkout session for the buyer's visit; Amazon's pages send the buyer back
        to ``review_return_url`` (webCheckoutDetails.checkoutReviewReturnUrl). ``store_id`` is
        the shop's Login with Amazon client id; ``reference_id`` our id of the visit (the
        idempotency key: a retry opens no second session)."""
        operation = "CreateCheckoutSession"
        body = {
            "webCheckoutDetails": {"checkoutReviewReturnUrl": review_return_url},
            "storeId": store_id,
        }
        subject = Subject(ObjectKind.ORDER_REFERENCE, "", reference_id)
        request = Request(operation, "POST", "/v2/checkoutSessions", subject, body, reference_id)
        return self._write(request, wire.read_checkout_session)

    def get_checkout_session(self, checkout_session_id: str) -> wire.CheckoutSession:
        operation = "GetCheckoutSession"
        path = f"/v2/checkoutSessions/{_id(operation, checkout_session_id)}"
        subject = Subject(ObjectKind.ORDER_REFERENCE, checkout_session_id)
        return self._call(Request(operation, "GET", path, subject), wire.read_checkout_session)

    def get_checkout_session_details(
        self, checkout_session_id: str
    ) -> tuple[wire.CheckoutSession, SessionBuyer]:
        """Get Checkout Session with the buyer, the shipping address and the payment
        descriptor, for the buyer's checkout (the only call that reads them)."""
        operation = "GetCheckoutSession"
        path = f"/v2/checkoutSessions/{_id(operation, checkout_session_id)}"
        subject = Subject(ObjectKind.ORDER_REFERENCE, checkout_session_id)
        return self._call(Request(operation, "GET", path, subject), _with_buyer)

    def update_checkout_session(
        self,
        checkout_session_id: str,
        *,
        checkout_result_return_url: str | None = None,
        charge_amount: Money | None = None,
        payment_intent: PaymentIntent | None = None,
        can_handle_pending_authorization: bool | None = None,
        merchant_reference_id: str | None = None,
        store_name: str | None = None,
        note_to_buyer: str | None = None,
    ) -> wire.CheckoutSession:
        operation = "UpdateCheckoutSession"
        path = f"/v2/checkoutSessions/{_id(operation, checkout_session_id)}"
        payment: dict[str, Any] = {}
        if charge_amount is not None:
            payment["chargeAmount"] = _amount(operation, "chargeAmount", charge_amount)
        if payment_intent is not None:
            payment["paymentIntent"] = payment_intent.value
        if can_handle_pending_authorization is not None:
            payment["canHandlePendingAuthorization"] = can_handle_pending_authorization
        metadata = _texts(
            operation,
            merchantReferenceId=(merchant_reference_id, _MERCHANT_REFERENCE_MAX),
            merchantStoreName=(store_name, _STORE_NAME_MAX),
            noteToBuyer=(note_to_buyer, _REASON_MAX),
        )
        body: dict[str, Any] = {}
        if checkout_result_return_url is not None:
            body["webCheckoutDetails"] = {"checkoutResultReturnUrl": checkout_result_return_url}
        if payment:
            body["paymentDetails"] = payment
        if metadata:
            body["merchantMetadata"] = metadata
        if not body:
            raise refused_before_sending(operation, "nothing to update")
        subject = Subject(ObjectKind.ORDER_REFERENCE, checkout_session_id, amount=charge_amount)
        request = Request(operation, "PATCH", path, subject, body)
        return self._call(request, wire.read_checkout_session)

    def complete_checkout_session(
        self, checkout_session_id: str, charge_amount: Money, *, reference_id: str
    ) -> wire.CheckoutSession:
        """Complete the buyer's checkout: Amazon makes the charge permission (and, as the
        payment intent says, the charge). ``reference_id`` is our id of that first charge."""
        operation = "CompleteCheckoutSession"
        path = f"/v2/checkoutSessions/{_id(operation, checkout_session_id)}/complete"
        body = {"chargeAmount": _amount(operation, "chargeAmount", charge_amount)}
        subject = Subject(
            ObjectKind.ORDER_REFERENCE, checkout_session_id, reference_id, charge_amount
        )
        request = Request(operation, "POST", path, subject, body, reference_id)
        return self._write(request, wire.read_checkout_session)

    # -- charge permissions ---------------------------------------------------------------

    def get_charge_permission(self, charge_permission_id: str) -> wire.ChargePermission:
        operation = "GetChargePermission"
        path = f"/v2/chargePermissions/{_id(operation, charge_permission_id)}"
        subject = Subject(ObjectKind.ORDER_REFERENCE, charge_permission_id)
        return self._call(Request(operation, "GET", path, subject), wire.read_charge_permission)

    def close_charge_permission(
        self,
        charge_permission_id: str,
        *,
        reason: str,
        cancel_pending_charges: bool = False,
        simulation: str | None = None,
    ) -> wire.ChargePermission:
        """Close it: no new charges; refunds of captured charges remain possible."""
        operation = "CloseChargePermission"
        path = f"/v2/chargePermissions/{_id(operation, charge_permission_id)}/close"
        body = _texts(operation, closureReason=(reason, _REASON_MAX)) | {
            "cancelPendingCharges": cancel_pending_charges
        }
        subject = Subject(ObjectKind.ORDER_REFERENCE, charge_permission_id)
        request = Request(operation, "DELETE", path, subject, body, simulation=simulation)
        return self._call(request, wire.read_charge_permission)

    # -- charges --------------------------------------------------------------------------

    def create_charge(
        self,
        charge_permission_id: str,
        amount: Money,
        *,
        reference_id: str,
        capture_now: bool = False,
        can_handle_pending_authorization: bool = False,
        soft_descriptor: str | None = None,
        simulation: str | None = None,
    ) -> wire.Charge:
        """Authorize ``amount`` on the charge permission (and capture it with
        ``capture_now``). A decline raises ``PaymentDeclined``."""
        operation = "CreateCharge"
        if soft_descriptor is not None and not capture_now:
            # softDescriptor is honoured only when the charge is captured at once.
            raise refused_before_sending(operation, "a softDescriptor needs capture_now=True")
        body = {
            "chargePermissionId": _id(operation, charge_permission_id),
            "chargeAmount": _amount(operation, "chargeAmount", amount),
            "captureNow": capture_now,
            "canHandlePendingAuthorization": can_handle_pending_authorization,
        } | _texts(operation, softDescriptor=(soft_descriptor, _SOFT_DESCRIPTOR_MAX))
        subject = Subject(ObjectKind.AUTHORIZATION, charge_permission_id, reference_id, amount)
        return self._write(
            Request(operation, "POST", "/v2/charges", subject, body, reference_id, simulation),
            wire.read_charge,
        )

    def get_charge(self, charge_id: str) -> wire.Charge:
        operation = "GetCharge"
        path = f"/v2/charges/{_id(operation, charge_id)}"
        subject = Subject(ObjectKind.AUTHORIZATION, charge_id)
        return self._call(Request(operation, "GET", path, subject), wire.read_charge)

    def capture_charge(
        self,
        charge_id: str,
        amount: Money,
        *,
        reference_id: str,
        soft_descriptor: str | None = None,
        simulation: str | None = None,
    ) -> wire.Charge:
        operation = "CaptureCharge"
        path = f"/v2/charges/{_id(operation, charge_id)}/capture"
        body = {"captureAmount": _amount(operation, "captureAmount", amount)} | _texts(
            operation, softDescriptor=(soft_descriptor, _SOFT_DESCRIPTOR_MAX)
        )
        subject = Subject(ObjectKind.CAPTURE, charge_id, reference_id, amount)
        return self._write(
            Request(operation, "POST", path, subject, body, reference_id, simulation),
            wire.read_charge,
        )

    def cancel_charge(self, charge_id: str, *, reason: str | None = None) -> wire.Charge:
        operation = "CancelCharge"
        path = f"/v2/charges/{_id(operation, charge_id)}/cancel"
        body = _texts(operation, cancellationReason=(reason, _REASON_MAX))
        subject = Subject(ObjectKind.AUTHORIZATION, charge_id)
        return self._call(Request(operation, "DELETE", path, subject, body), wire.read_charge)

    # -- refunds --------------------------------------------------------------------------

    def create_refund(
        self,
        charge_id: str,
        amount: Money,
        *,
        reference_id: str,
        soft_descriptor: str | None = None,
        simulation: str | None = None,
    ) -> wire.Refund:
        """Ask Amazon to refund ``amount`` of a captured charge: the answer is
        RefundInitiated, Refunded or Declined follows by IPN or ``get_refund``."""
        operation = "CreateRefund"
        body = {
            "chargeId": _id(operation, charge_id),
            "refundAmount": _amount(operation, "refundAmount", amount),
        } | _texts(operation, softDescriptor=(soft_descriptor, _SOFT_DESCRIPTOR_MAX))
        subject = Subject(ObjectKind.REFUND, charge_id, reference_id, amount)
        return self._write(
            Request(operation, "POST", "/v2/refunds", subject, body, reference_id, simulation),
            wire.read_refund,
        )

    def get_refund(self, refund_id: str) -> wire.Refund:
        operation = "GetRefund"
        path = f"/v2/refunds/{_id(operation, refund_id)}"
        subject = Subject(ObjectKind.REFUND, refund_id)
        return self._call(Request(operation, "GET", path, subject), wire.read_refund)

    # -- sending --------------------------------------------------------------------------

    def _write(self, request: Request, read: Callable[[Mapping[str, Any]], T]) -> T:
        key = request.idempotency_key or ""
        if not _REFERENCE_ID.fullmatch(key):
            raise refused_before_sending(
                request.operation, f"reference id {key!r}: 1-32 characters of A-Z a-z 0-9 _ -"
            )
        return self._call(request, read)

    def _call(self, request: Request, read: Callable[[Mapping[str, Any]], T]) -> T:
        return self._transport.call(request, read)


def _with_buyer(data: Mapping[str, Any]) -> tuple[wire.CheckoutSession, SessionBuyer]:
    return wire.read_checkout_session(data), read_session_buyer(data)


def _id(operation: str, value: str) -> str:
    if not _AMAZON_ID.fullmatch(value):
        raise refused_before_sending(operation, f"{value!r} is not an Amazon Pay id")
    return value


def _amount(operation: str, name: str, amount: Money) -> dict[str, str]:
    if amount.minor <= 0:
        raise refused_before_sending(operation, f"{name} must be positive, got {amount}")
    return {"amount": amount.to_wire(), "currencyCode": amount.currency}


def _texts(operation: str, **fields: tuple[str | None, int]) -> dict[str, Any]:
    """The given texts of ``fields`` (name -> (value, limit)), each checked against its
    limit; None values are left out."""
    texts: dict[str, Any] = {}
    for name, (value, limit) in fields.items():
        if value is None:
            continue
        if len(value) > limit:
            raise refused_before_sending(
                operation, f"{name} is limited to {limit} characters, got {len(value)}"
            )
        texts[name] = value
    return texts
