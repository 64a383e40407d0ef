"""The buyer's checkout with Amazon Pay API v2, for a shop's storefront (docs/checkout.md,
"API v2"; research amazonpay-api.md part C).

    button(review_url)                  checkout.js's settings and the signed button payload
    details(session)                    Get Checkout Session: the buyer, address, payment method
    set_payment(session, cart, url)     Update Checkout Session: the cart's total, the shop's
                                        order id, the result URL; answers amazonPayRedirectUrl
    place(session, cart)                Get Checkout Session (still Open, the amount the buyer
                                        reviewed), Complete Checkout Session, then the order
                                        stored as an import stores it, on the charge permission,
                                        with the buyer and the address; its process authorizes

Amazon's refusals and a session that cannot be completed become ``CheckoutRefused`` naming
the cause (``refusal``). No unit of work is open while Amazon is asked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from amzpay.amazonpay.checkout_sessions import (
    ButtonSignature,
    CheckoutSessions,
    CheckoutSessionView,
    SessionState,
)
from amzpay.amazonpay.gateway import CallRefused
from amzpay.domain.buyer import OrderBuyer
from amzpay.domain.money import Money
from amzpay.domain.order import AmazonApi
from amzpay.services.checkout import CHOOSE_AGAIN
from amzpay.services.errors import CheckoutRefused
from amzpay.services.order_spec import read_order
from amzpay.services.orders import OrderService, order_total

_FIELD: Final = "checkout_session_id"
_STAND_IN: Final = "buyer@checkout.invalid"  # until Amazon names the buyer
# A canceled session's reason code (Amazon Pay API v2, "Checkout Session" statusDetails)
# by the cause the storefront acts on: code, status, what the buyer is told to do.
_CANCELED: Final = {
    "Expired": ("checkout_session_expired", 410, "the checkout session expired: start again"),
    "BuyerCanceled": (
        "buyer_abandoned",
        409,
        "the buyer gave up confirming the payment at Amazon: back to the cart",
    ),
    "MFANotCompleted": (
        "authentication_failed",
        409,
        "the buyer did not pass the payment's authentication at Amazon: back to the cart",
    ),
    "Declined": ("payment_method_declined", 409, CHOOSE_AGAIN),
}


@dataclass(frozen=True, slots=True)
class V2ButtonSettings:
    """What checkout.js's button needs besides its signed payload: the seller (merchant id),
    the store (Login with Amazon's client id), the script to load, sandbox or live, the
    ledger currency and the button's language."""

    merchant_id: str
    store_id: str
    checkout_js_url: str
    sandbox: bool
    ledger_currency: str
    checkout_language: str


@dataclass(frozen=True, slots=True)
class V2Button:
    settings: V2ButtonSettings
    signed: ButtonSignature


class V2CheckoutService:
    """The v2 checkout over ``sessions`` (None: no API v2 key is configured, and every call
    says so)."""

    def __init__(
        self,
        orders: OrderService,
        sessions: CheckoutSessions | None,
        settings: V2ButtonSettings,
    ) -> None:
        self.orders, self._sessions, self.settings = orders, sessions, settings

    @property
    def configured(self) -> bool:
        return self._sessions is not None

    def button(self, review_return_url: str) -> V2Button:
        """The button's settings with its payload, signed with the shop's v2 key."""
        amazon = self._amazon()
        if not self.settings.store_id:
            raise CheckoutRefused(
                "amazon_v2_not_configured",
                "no store id is configured for the button (AMZPAY_AMAZON_V2__STORE_ID, or "
                "Login with Amazon's client id AMZPAY_AMAZON__CLIENT_ID)",
                status=503,
            )
        signed = amazon.sign_button(review_return_url, self.settings.store_id)
        return V2Button(self.settings, signed)

    def details(self, checkout_session_id: str) -> CheckoutSessionView:
        """The buyer, shipping address and payment method of the buyer's checkout session.

        Raises:
            CheckoutRefused: the session is unknown (404).
            CallFailed: Amazon could not be asked now.
        """
        try:
            return self._amazon().checkout_session(checkout_session_id)
        except CallRefused as refused:
            raise refusal(refused) from refused

    def set_payment(
        self, checkout_session_id: str, cart: Mapping[str, Any], result_return_url: str
    ) -> CheckoutSessionView:
        """Tell Amazon the cart's total and the shop's order id (``cart["reference"]``) on the
        buyer's Open session; the answer holds amazonPayRedirectUrl, where the buyer confirms.

        Raises:
            InvalidOrderSpec: the cart is malformed. CheckoutRefused: the session is not Open
            or unknown, or Amazon refused the amount. CallFailed: Amazon could not be asked.
        """
        total, reference = _total(cart)
        self._open(self.details(checkout_session_id))
        try:
            session = self._amazon().set_payment(
                checkout_session_id, total, reference, result_return_url
            )
        except CallRefused as refused:
            raise refusal(refused) from refused
        if session.amazon_pay_redirect_url is None:
            raise CheckoutRefused(
                "constraints_exist",
                "Amazon cannot take the payment yet: the buyer has not chosen an address and a "
                "payment method on this checkout session",
                status=409,
                field=_FIELD,
            )
        return session

    def place(self, checkout_session_id: str, cart: Mapping[str, Any]) -> str:
        """Complete the buyer's checkout session with the cart's total and store the order on
        its charge permission; return the order's reference.

        Raises:
            InvalidOrderSpec: the cart is malformed (the field is named).
            CheckoutRefused: the session expired, was abandoned or failed authentication, its
                payment was declined, the cart's total is not the amount the buyer confirmed,
                or it is unknown; nothing is stored.
            DuplicateOrder: the shop's order id is taken.
            CallFailed: Amazon could not be asked now; nothing is stored.
        """
        total, reference = _total(cart)
        session = self.details(checkout_session_id)
        self._open(session)
        _same_payment(session, total, reference)
        if session.buyer is None:
            raise CheckoutRefused(
                "constraints_exist",
                "Amazon shows no buyer on this checkout session: the buyer signs in at the button",
                status=409,
                field=_FIELD,
            )
        try:
            done = self._amazon().complete(
                checkout_session_id, total, reference_id=_completion_key(checkout_session_id)
            )
        except CallRefused as refused:
            if refused.code == "CheckoutSessionCanceled":  # why: the session's reason code
                self._open(self.details(checkout_session_id))
            raise refusal(refused) from refused
        if done.charge_permission_id is None:
            raise CheckoutRefused(
                "amazon_refused",
                "Amazon completed the session without a charge permission",
                status=409,
            )
        locale = cart.get("locale", "en_GB")
        spec = {
            **{key: value for key, value in cart.items() if key != "locale"},
            "customer": {"email": session.buyer.email, "locale": locale},
            # the order's Amazon id: with API v2, its charge permission
            "amazon_order_reference_id": done.charge_permission_id,
        }
        buyer = OrderBuyer(session.buyer, session.shipping_address)
        return self.orders.import_order(spec, buyer=buyer, api=AmazonApi.V2)

    def _amazon(self) -> CheckoutSessions:
        if self._sessions is None:
            raise CheckoutRefused(
                "amazon_v2_not_configured",
                "no Amazon Pay API v2 key is configured (AMZPAY_AMAZON_V2__PUBLIC_KEY_ID and "
                "AMZPAY_AMAZON_V2__PRIVATE_KEY_FILE)",
                status=503,
            )
        return self._sessions

    @staticmethod
    def _open(session: CheckoutSessionView) -> None:
        """Refuse a session that can no longer be paid, naming why."""
        if session.state is SessionState.OPEN:
            return
        if session.state is SessionState.COMPLETED:
            raise CheckoutRefused(
                "checkout_session_completed",
                f"the checkout session {session.checkout_session_id} is completed already: "
                "its order is placed",
                status=409,
                field=_FIELD,
            )
        code, status, what = _CANCELED.get(
            session.reason_code or "",
            ("checkout_session_canceled", 409, "Amazon canceled the checkout session: start again"),
        )
        reason = session.reason_code or "no reason given"
        raise CheckoutRefused(
            code, f"{what} (Amazon: Canceled, {reason})", status=status, field=_FIELD
        )


def refusal(refused: CallRefused) -> CheckoutRefused:
    """The checkout's cause for Amazon's refusal ``refused``."""
    code, said = refused.code, f"Amazon: {refused.code}: {refused.message}"
    if code in ("ResourceNotFound", "InvalidRequest"):
        return CheckoutRefused(
            "checkout_session_not_found",
            f"Amazon knows no such checkout session ({said})",
            status=404,
            field=_FIELD,
        )
    if code == "InvalidCheckoutSessionStatus":
        return CheckoutRefused(
            "payment_not_confirmed",
            f"the buyer has not confirmed the payment at amazonPayRedirectUrl yet ({said})",
            status=409,
            field=_FIELD,
        )
    if code in ("CurrencyMismatch", "InvalidParameterValue", "TransactionAmountExceeded"):
        return CheckoutRefused(
            "amount_refused", f"Amazon refused the amount or currency ({said})", status=422
        )
    return CheckoutRefused("amazon_refused", said, status=409)


def _total(cart: Mapping[str, Any]) -> tuple[Money, str]:
    """The cart's total and order id; InvalidOrderSpec for a malformed cart, before Amazon
    is asked anything."""
    order = read_order({**cart, "customer": {"email": _STAND_IN}, "amazon_order_reference_id": "-"})
    return order_total(order), order.reference


def _same_payment(session: CheckoutSessionView, total: Money, reference: str) -> None:
    """The cart must be the one the buyer reviewed and confirmed: its total and order id are
    what Update Checkout Session set."""
    if session.charge_amount != total:
        confirmed = "nothing" if session.charge_amount is None else str(session.charge_amount)
        raise CheckoutRefused(
            "amount_changed",
            f"the cart's total {total} is not the amount the buyer confirmed at Amazon "
            f"({confirmed}): set the payment again and let the buyer confirm it",
            status=409,
            field="lines",
        )
    if session.merchant_reference_id != reference:
        raise CheckoutRefused(
            "reference_changed",
            f"the order id {reference} is not the one set on the checkout session "
            f"({session.merchant_reference_id})",
            status=409,
            field="reference",
        )


def _completion_key(checkout_session_id: str) -> str:
    """Complete Checkout Session's idempotency key: one per session, so a retry is the same
    request (research C.4: at most 32 of A-Z a-z 0-9 - _)."""
    return "cs-" + hashlib.sha256(checkout_session_id.encode()).hexdigest()[:29]
