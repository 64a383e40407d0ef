"""The buyer's checkout on API v2 (the ``CheckoutSessions`` port) over ``V2Client``: the
button's signed payload, and Get, Update and Complete Checkout Session in the domain's words.

The buyer data comes from ``buyer.py``, the one reader of it.

Imports amzpay.domain and amzpay.amazonpay only.
"""

from __future__ import annotations

import json
from typing import Final

from amzpay.amazonpay.checkout_sessions import (
    ButtonSignature,
    CheckoutSessionView,
    SessionState,
)
from amzpay.amazonpay.v2 import wire
from amzpay.amazonpay.v2.buyer import SessionBuyer
from amzpay.amazonpay.v2.client import PaymentIntent, V2Client
from amzpay.amazonpay.v2.signing import Signer
from amzpay.domain.money import Money

_STATES: Final = {
    wire.CheckoutSessionState.OPEN: SessionState.OPEN,
    wire.CheckoutSessionState.COMPLETED: SessionState.COMPLETED,
    wire.CheckoutSessionState.CANCELED: SessionState.CANCELED,
}


def button_payload(review_return_url: str, store_id: str) -> str:
    """Create Checkout Session's body as the button sends it: the review URL and the store,
    one-time payment (the payload is signed as this exact text)."""
    body = {
        "webCheckoutDetails": {"checkoutReviewReturnUrl": review_return_url},
        "storeId": store_id,
        "chargePermissionType": "OneTime",
    }
    return json.dumps(body, separators=(",", ":"))


class V2CheckoutSessions:
    """Satisfies ``CheckoutSessions`` with ``client``, signing buttons with ``signer`` (the
    key the client signs its requests with)."""

    def __init__(self, client: V2Client, signer: Signer) -> None:
        self._client, self._signer = client, signer

    def sign_button(self, review_return_url: str, store_id: str) -> ButtonSignature:
        payload = button_payload(review_return_url, store_id)
        return ButtonSignature(
            payload_json=payload,
            signature=self._signer.button_signature(payload),
            public_key_id=self._signer.public_key_id,
            algorithm=self._signer.algorithm.label,
        )

    def checkout_session(self, checkout_session_id: str) -> CheckoutSessionView:
        return _view(*self._client.get_checkout_session_details(checkout_session_id))

    def set_payment(
        self,
        checkout_session_id: str,
        amount: Money,
        merchant_reference_id: str,
        result_return_url: str,
    ) -> CheckoutSessionView:
        session = self._client.update_checkout_session(
            checkout_session_id,
            checkout_result_return_url=result_return_url,
            charge_amount=amount,
            payment_intent=PaymentIntent.CONFIRM,
            merchant_reference_id=merchant_reference_id,
        )
        return _view(session, None)

    def complete(
        self, checkout_session_id: str, amount: Money, *, reference_id: str
    ) -> CheckoutSessionView:
        session = self._client.complete_checkout_session(
            checkout_session_id, amount, reference_id=reference_id
        )
        return _view(session, None)


def _view(session: wire.CheckoutSession, buyer: SessionBuyer | None) -> CheckoutSessionView:
    return CheckoutSessionView(
        checkout_session_id=session.checkout_session_id,
        state=_STATES[session.status.state],
        reason_code=session.status.reason_code,
        buyer=buyer.buyer if buyer else None,
        shipping_address=buyer.shipping_address if buyer else None,
        payment_descriptor=buyer.payment_descriptor if buyer else None,
        charge_amount=session.charge_amount,
        merchant_reference_id=session.merchant_reference_id,
        amazon_pay_redirect_url=session.amazon_pay_redirect_url,
        charge_permission_id=session.charge_permission_id,
    )
