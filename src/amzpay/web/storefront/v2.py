"""The demo storefront's pages for Amazon Pay API v2 (docs/checkout.md, "API v2"), through
amzpay's v2 checkout service, as a storefront does through ``/api/v1/checkout/v2``:

    GET  /shop/v2/review?amazonCheckoutSessionId=…   Amazon's address and payment method,
                                                     the cart, "Place order"
    POST /shop/v2/place                              the cart's total and order id to Amazon
                                                     (Update Checkout Session), then the buyer
                                                     to amazonPayRedirectUrl to confirm
    GET  /shop/v2/result?amazonCheckoutSessionId=…   back from Amazon: Complete Checkout
                                                     Session, the order stored; thank-you page,
                                                     or "choose another payment method" when
                                                     declined, or the cart saying why not

The cart page shows the v2 button beside the legacy one (``button_for``).
"""

from __future__ import annotations

import secrets
from typing import Annotated, Final

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from amzpay.amazonpay.gateway import CallFailed
from amzpay.services.checkout_v2 import V2Button
from amzpay.services.errors import CheckoutRefused
from amzpay.web.storefront.catalogue import Cart
from amzpay.web.storefront.pages import CART_COOKIE, PREFIX, page, services

SessionId = Annotated[str, Query(alias="amazonCheckoutSessionId", max_length=100)]
SessionField = Annotated[str, Form(max_length=100)]
_GONE: Final = "Your Amazon Pay checkout ended"


def add_routes(routes: APIRouter) -> None:
    routes.add_api_route("/v2/review", _review, methods=["GET"])
    routes.add_api_route("/v2/place", _place, methods=["POST"])
    routes.add_api_route("/v2/result", _result, methods=["GET"])


def button_for(request: Request) -> V2Button | None:
    """The v2 button of the cart page (None when amzpay has no API v2 key)."""
    checkout = services(request).checkout_v2
    if not checkout.configured:
        return None
    return checkout.button(_url(request, "/v2/review"))


def _url(request: Request, path: str) -> str:
    return f"{str(request.base_url).rstrip('/')}{PREFIX}{path}"


def _cart_again(request: Request, message: str, status: int = 409) -> Response:
    return page(request, "cart.html", status, message=message, v2_button=button_for(request))


def _review(request: Request, session_id: SessionId) -> Response:
    try:
        seen = services(request).checkout_v2.details(session_id)
    except (CheckoutRefused, CallFailed) as refused:
        return _cart_again(request, f"{_GONE}: {refused}")
    return page(request, "review_v2.html", session=seen)


def _place(request: Request, checkout_session_id: SessionField) -> Response:
    """Set the cart's total and a fresh order id on the buyer's session, then send the
    buyer to Amazon to confirm the payment."""
    cart = Cart.read(request.cookies.get(CART_COOKIE))
    if not cart.lines:
        return page(request, "cart.html", 409, message="Your cart is empty.")
    reference = f"SHOP-{secrets.token_hex(4).upper()}"
    checkout = services(request).checkout_v2
    try:
        seen = checkout.set_payment(
            checkout_session_id, cart.order_lines(reference), _url(request, "/v2/result")
        )
    except (CheckoutRefused, CallFailed) as refused:
        return _cart_again(request, f"Your order could not be placed: {refused}")
    assert seen.amazon_pay_redirect_url is not None  # set_payment refuses a session without
    return RedirectResponse(seen.amazon_pay_redirect_url, status_code=303)


def _result(request: Request, session_id: SessionId) -> Response:
    """Back from Amazon: complete the session and store the order, with the order id set on
    it; a declined payment asks for another payment method, anything else ends at the cart."""
    cart = Cart.read(request.cookies.get(CART_COOKIE))
    checkout = services(request).checkout_v2
    try:
        reference = checkout.details(session_id).merchant_reference_id or ""
        checkout.place(session_id, cart.order_lines(reference))
    except (CheckoutRefused, CallFailed) as refused:
        if isinstance(refused, CheckoutRefused) and refused.choose_another_payment_method:
            return page(request, "cart.html", 409, declined=True, v2_button=button_for(request))
        return _cart_again(request, f"{_GONE}: {refused}")
    answer = RedirectResponse(f"{PREFIX}/thanks/{reference}", status_code=303)
    answer.delete_cookie(CART_COOKIE, path=PREFIX)
    return answer
