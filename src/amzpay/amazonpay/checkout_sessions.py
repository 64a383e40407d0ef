"""The buyer's checkout on Amazon Pay API v2, in the domain's words: the port the v2 checkout
service asks (``services/checkout_v2.py``), which ``amazonpay/v2/checkout.py`` implements.

    sign_button(review_return_url, store_id)   the button's payload and its signature
    checkout_session(id)                       Get Checkout Session: state, buyer, address
    set_payment(id, amount, reference, url)    Update Checkout Session: amount, order id
    complete(id, amount, reference_id)         Complete Checkout Session: the charge permission

Amazon's refusals are the gateway port's ``CallRefused`` (its code is Amazon's) and a failed
call its ``CallFailed``. Imports the domain and the gateway port only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from amzpay.domain.buyer import Buyer, ShippingAddress
from amzpay.domain.money import Money


class SessionState(StrEnum):
    """A checkout session's states (Amazon Pay API v2, "Checkout Session")."""

    OPEN = "open"
    COMPLETED = "completed"
    CANCELED = "canceled"


@dataclass(frozen=True, slots=True)
class ButtonSignature:
    """What checkout.js's ``createCheckoutSessionConfig`` takes: the payload exactly as it
    was signed, its signature, the key's id and the signing algorithm."""

    payload_json: str
    signature: str
    public_key_id: str
    algorithm: str


@dataclass(frozen=True, slots=True, repr=False)
class CheckoutSessionView:
    """A checkout session as the shop may see it: its state (and Amazon's reason code when it
    was canceled: ``Expired``, ``BuyerCanceled``, ``Declined``, …), the buyer, where the
    order ships and the payment method as Amazon describes it ("Visa ****1111"), the amount
    and order id the shop set, where the buyer confirms the payment, and, once completed,
    the charge permission (the order's Amazon id)."""

    checkout_session_id: str
    state: SessionState
    reason_code: str | None
    buyer: Buyer | None
    shipping_address: ShippingAddress | None
    payment_descriptor: str | None
    charge_amount: Money | None
    merchant_reference_id: str | None
    amazon_pay_redirect_url: str | None
    charge_permission_id: str | None

    def __repr__(self) -> str:
        return f"CheckoutSessionView({self.checkout_session_id!r}, {self.state}, <personal data>)"


class CheckoutSessions(Protocol):
    def sign_button(self, review_return_url: str, store_id: str) -> ButtonSignature:
        """The button's payload (Create Checkout Session's body) signed with the shop's key."""

    def checkout_session(self, checkout_session_id: str) -> CheckoutSessionView: ...

    def set_payment(
        self,
        checkout_session_id: str,
        amount: Money,
        merchant_reference_id: str,
        result_return_url: str,
    ) -> CheckoutSessionView:
        """Set the amount, the shop's order id and the result URL; the payment is confirmed
        only (no charge): the order's process authorizes later."""

    def complete(
        self, checkout_session_id: str, amount: Money, *, reference_id: str
    ) -> CheckoutSessionView:
        """Complete it with ``amount``; ``reference_id`` keeps a retry the same request."""
