"""``/api/v1/checkout/v2``: the buyer's checkout with Amazon Pay API v2, for a shop's
storefront: the button (checkout.js's settings and the payload signed with the shop's v2
key), the buyer's checkout session (buyer, address, payment method), the payment (amount,
order id, result URL) and the order (docs/checkout.md, "API v2")."""

from __future__ import annotations

from fastapi import APIRouter

from amzpay.amazonpay.checkout_sessions import CheckoutSessionView
from amzpay.web.api.auth import ServicesDep
from amzpay.web.api.checkout_v2_models import (
    CheckoutSessionId,
    CreateCheckoutSessionConfigOut,
    V2ButtonOut,
    V2ButtonRequest,
    V2CheckoutSessionOut,
    V2PaymentRequest,
    V2PlaceOrderRequest,
)
from amzpay.web.api.convert import address_out, buyer_out, money
from amzpay.web.api.orders import read_order
from amzpay.web.api.responses import OrderOut
from amzpay.web.errors import ApiRoute, error_responses

router = APIRouter(prefix="/checkout/v2", route_class=ApiRoute, tags=["checkout (API v2)"])


@router.post(
    "/button",
    summary="checkout.js's button: its settings and the payload signed with the shop's key",
    responses=error_responses(503),
)
def button(request: V2ButtonRequest, services: ServicesDep) -> V2ButtonOut:
    """The payload is Create Checkout Session's body (the review URL, the store id), signed
    with the shop's API v2 key; Amazon makes the buyer's checkout session from it when the
    button is pressed. 503 ``amazon_v2_not_configured`` without a v2 key."""
    made = services.checkout_v2.button(request.review_return_url)
    settings, signed = made.settings, made.signed
    return V2ButtonOut(
        checkout_js_url=settings.checkout_js_url,
        merchant_id=settings.merchant_id,
        ledger_currency=settings.ledger_currency,
        checkout_language=settings.checkout_language,
        sandbox=settings.sandbox,
        create_checkout_session_config=CreateCheckoutSessionConfigOut(
            payloadJSON=signed.payload_json,
            signature=signed.signature,
            publicKeyId=signed.public_key_id,
            algorithm=signed.algorithm,
        ),
    )


@router.get(
    "/sessions/{checkout_session_id}",
    summary="The buyer, the shipping address and the payment method of a checkout session",
    responses=error_responses(404, 503),
)
def session(checkout_session_id: CheckoutSessionId, services: ServicesDep) -> V2CheckoutSessionOut:
    """Get Checkout Session. 404 ``checkout_session_not_found``."""
    return _session_out(services.checkout_v2.details(checkout_session_id))


@router.post(
    "/sessions/{checkout_session_id}/payment",
    summary="Set the cart's total, the shop's order id and the result URL",
    responses=error_responses(404, 409, 410, 503),
)
def payment(
    checkout_session_id: CheckoutSessionId, request: V2PaymentRequest, services: ServicesDep
) -> V2CheckoutSessionOut:
    """Update Checkout Session (payment intent Confirm: the order's process authorizes
    later). Send the buyer to ``amazon_pay_redirect_url`` to confirm the payment. 410
    ``checkout_session_expired``; 409 ``checkout_session_completed``,
    ``checkout_session_canceled``, ``constraints_exist``; 404 ``checkout_session_not_found``."""
    cart = request.model_dump(exclude={"result_return_url"}, exclude_none=True)
    seen = services.checkout_v2.set_payment(checkout_session_id, cart, request.result_return_url)
    return _session_out(seen)


@router.post(
    "/sessions/{checkout_session_id}/orders",
    status_code=201,
    summary="Complete the checkout session and store the order",
    responses=error_responses(404, 409, 410, 503),
)
def place_order(
    checkout_session_id: CheckoutSessionId, request: V2PlaceOrderRequest, services: ServicesDep
) -> OrderOut:
    """Complete Checkout Session with the cart's total, then the order is stored on the
    charge permission with the buyer and the address, and its authorization follows. 409
    ``amount_changed`` (the cart's total is not what the buyer confirmed),
    ``reference_changed``, ``buyer_abandoned``, ``authentication_failed``,
    ``payment_method_declined`` (let the buyer pay again, choosing another payment method),
    ``payment_not_confirmed``, ``duplicate_order``; 410 ``checkout_session_expired``; 404
    ``checkout_session_not_found``."""
    cart = request.model_dump(exclude_none=True)
    reference = services.checkout_v2.place(checkout_session_id, cart)
    return read_order(services, reference)


def _session_out(seen: CheckoutSessionView) -> V2CheckoutSessionOut:
    return V2CheckoutSessionOut(
        checkout_session_id=seen.checkout_session_id,
        state=seen.state.value,
        reason_code=seen.reason_code,
        buyer=buyer_out(seen.buyer),
        shipping_address=address_out(seen.shipping_address),
        payment_descriptor=seen.payment_descriptor,
        charge_amount=None if seen.charge_amount is None else money(seen.charge_amount),
        reference=seen.merchant_reference_id,
        amazon_pay_redirect_url=seen.amazon_pay_redirect_url,
    )
