"""``V2Gateway``: the ``PaymentGateway`` port over Amazon Pay API v2 (``V2Client``).

    gateway = V2Gateway(V2Client(http, endpoint, signer, quotas=SANDBOX_QUOTAS))
    seen = gateway.refund(capture_id="S02-…-C0000001", reference_id="rf-0001",
                          amount=Money(1230, "EUR"))
    seen.state        # PaymentState.PENDING: RefundInitiated, Refunded or Declined follows

The port's words over v2's objects (research amazonpay-api.md C.1, C.2):

    port                          v2
    order reference               Charge Permission (its id is the order reference id)
    authorize                     Create Charge, captureNow as asked; a transaction timeout
                                  above zero lets Amazon answer AuthorizationInitiated
                                  (canHandlePendingAuthorization), zero asks for Authorized
                                  or Declined at once
    capture                       Capture Charge: Amazon's capture id is the charge id
    close_authorization           Cancel Charge
    refund                        Create Refund
    close_order_reference         Close Charge Permission
    cancel_order_reference        Close Charge Permission, canceling its pending charges
    …_details                     Get Charge Permission, Get Charge, Get Refund
    set_order_reference_details,  refused (``UnsupportedOperation``): in v2 the amount, the
    confirm_order_reference,      confirmation, the buyer and the address belong to the buyer's
    checkout_details              checkout session, before any charge permission exists

A decline is an answer: the client raises ``PaymentDeclined`` for a declining reply, and the
gateway returns its observation. The idempotency key of every write is our reference id
(the client sends it on every attempt), so a retry is the same request. The port's ``note``
has no v2 field and is not sent; in the sandbox, ``SandboxSimulations`` names the simulation
code a write is sent with.

Imports amzpay.domain and amzpay.amazonpay only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Final, TypeVar

from amzpay.amazonpay.gateway import (
    ASYNCHRONOUS,
    CallRefused,
    CheckoutDetails,
    Observation,
    PaymentDeclined,
)
from amzpay.amazonpay.v2 import observations as seen
from amzpay.amazonpay.v2.client import V2Client
from amzpay.amazonpay.v2.observations import Now
from amzpay.domain.money import Money

T = TypeVar("T")

UNSUPPORTED: Final = "UnsupportedOperation"
"""The code of a port operation Amazon Pay API v2 has no counterpart of."""
CLOSED_BY_SELLER: Final = "Closed by the seller"
"""closureReason when the caller gives none (Close Charge Permission requires one)."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


class SandboxSimulations:
    """Sandbox simulation codes (research C.8) the gateway sends with particular writes,
    named by what the write is about: our reference id (a charge, a capture, a refund) or
    the charge permission id (closing it). A retry sends the same code."""

    def __init__(self) -> None:
        self._codes: dict[str, str] = {}

    def plan(self, about: str, code: str) -> None:
        """Send ``code`` with the write about ``about``."""
        self._codes[about] = code

    def code_for(self, about: str) -> str | None:
        return self._codes.get(about)


class V2Gateway:
    """Satisfies ``PaymentGateway`` with Amazon Pay API v2. ``now`` dates an observation of
    an object Amazon sent no timestamp for; ``simulations`` are sandbox simulation codes."""

    def __init__(
        self,
        client: V2Client,
        *,
        now: Now = _utc_now,
        simulations: SandboxSimulations | None = None,
    ) -> None:
        self._client, self._now = client, now
        self.simulations = simulations if simulations is not None else SandboxSimulations()

    def charge_permission_of(self, checkout_session_id: str) -> str | None:
        """The charge permission a checkout session left once completed; None before (Get
        Checkout Session). Not a port operation: what importing a v2 order needs."""
        return self._client.get_checkout_session(checkout_session_id).charge_permission_id

    # -- order reference: the charge permission ---------------------------------------------

    def set_order_reference_details(
        self,
        order_reference_id: str,
        amount: Money,
        seller_order_id: str,
        note: str | None = None,
    ) -> Observation:
        raise _unsupported(
            "SetOrderReferenceDetails",
            "API v2 sets the amount and the order number on the checkout session "
            "(Update Checkout Session), before a charge permission exists",
        )

    def checkout_details(self, order_reference_id: str, *, consent_token: str) -> CheckoutDetails:
        raise _unsupported(
            "GetOrderReferenceDetails",
            "API v2 hands the buyer and the shipping address over on the checkout session "
            "(Get Checkout Session), not with a consent token",
        )

    def confirm_order_reference(self, order_reference_id: str) -> None:
        raise _unsupported(
            "ConfirmOrderReference",
            "API v2 confirms by completing the checkout session (Complete Checkout Session)",
        )

    def close_order_reference(self, *, order_reference_id: str, reason: str | None = None) -> None:
        self._client.close_charge_permission(
            order_reference_id,
            reason=reason or CLOSED_BY_SELLER,
            simulation=self.simulations.code_for(order_reference_id),
        )

    def cancel_order_reference(self, *, order_reference_id: str, reason: str | None = None) -> None:
        self._client.close_charge_permission(
            order_reference_id,
            reason=reason or CLOSED_BY_SELLER,
            cancel_pending_charges=True,
            simulation=self.simulations.code_for(order_reference_id),
        )

    def order_reference_details(self, order_reference_id: str) -> Observation:
        permission = self._client.get_charge_permission(order_reference_id)
        return seen.of_charge_permission(permission, self._now)

    # -- authorization: the charge ----------------------------------------------------------

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
        return _answer(
            lambda: seen.of_authorization(
                self._client.create_charge(
                    order_reference_id,
                    amount,
                    reference_id=reference_id,
                    capture_now=capture_now,
                    can_handle_pending_authorization=transaction_timeout > timedelta(0),
                    simulation=self.simulations.code_for(reference_id),
                ),
                self._now,
                reference_id,
            )
        )

    def close_authorization(self, *, authorization_id: str, reason: str | None = None) -> None:
        self._client.cancel_charge(authorization_id, reason=reason)

    def authorization_details(self, authorization_id: str) -> Observation:
        return seen.of_authorization(self._client.get_charge(authorization_id), self._now)

    # -- capture and refund -----------------------------------------------------------------

    def capture(
        self, *, authorization_id: str, reference_id: str, amount: Money, note: str | None = None
    ) -> Observation:
        return _answer(
            lambda: seen.of_capture(
                self._client.capture_charge(
                    authorization_id,
                    amount,
                    reference_id=reference_id,
                    simulation=self.simulations.code_for(reference_id),
                ),
                self._now,
                reference_id,
            )
        )

    def capture_details(self, capture_id: str) -> Observation:
        return seen.of_capture(self._client.get_charge(capture_id), self._now)

    def refund(
        self, *, capture_id: str, reference_id: str, amount: Money, note: str | None = None
    ) -> Observation:
        return _answer(
            lambda: seen.of_refund(
                self._client.create_refund(
                    capture_id,
                    amount,
                    reference_id=reference_id,
                    simulation=self.simulations.code_for(reference_id),
                ),
                self._now,
                reference_id,
            )
        )

    def refund_details(self, refund_id: str) -> Observation:
        return seen.of_refund(self._client.get_refund(refund_id), self._now)


def _answer(call: Callable[[], Observation]) -> Observation:
    """A write's observation; a decline is an answer too (the port's rule), not an error."""
    try:
        return call()
    except PaymentDeclined as declined:
        return declined.observation


def _unsupported(operation: str, why: str) -> CallRefused:
    return CallRefused(operation, UNSUPPORTED, f"no counterpart in Amazon Pay API v2: {why}")
