"""``/api/v1/checkout``: what a shop's storefront asks amzpay during the buyer's checkout with
the legacy API: the button's settings, the buyer and shipping address Amazon shows for the
buyer's order reference, and placing the order (docs/checkout.md).

The consent token travels in request bodies only, never in a URL: URLs end up in access logs.
"""

from __future__ import annotations

from fastapi import APIRouter

from amzpay.web.api.auth import ServicesDep
from amzpay.web.api.convert import address_out, buyer_out
from amzpay.web.api.orders import read_order
from amzpay.web.api.requests import CheckoutDetailsRequest, PlaceOrderRequest
from amzpay.web.api.responses import ButtonOut, CheckoutDetailsOut, OrderOut
from amzpay.web.errors import ApiRoute, error_responses

router = APIRouter(prefix="/checkout", route_class=ApiRoute, tags=["checkout"])


@router.get("/button", summary="The settings of Amazon's button and widgets")
def button(services: ServicesDep) -> ButtonOut:
    settings = services.checkout.button()
    return ButtonOut(
        seller_id=settings.seller_id,
        client_id=settings.client_id,
        widgets_url=settings.widgets_url,
        sandbox=settings.sandbox,
    )


@router.post(
    "/details",
    summary="The buyer and the shipping address of the buyer's order reference",
    responses=error_responses(404, 503),
)
def details(request: CheckoutDetailsRequest, services: ServicesDep) -> CheckoutDetailsOut:
    """GetOrderReferenceDetails with the buyer's consent token. 422 ``consent_token_invalid``
    for a token that is unknown, expired or another buyer's; 404
    ``order_reference_not_found``."""
    seen = services.checkout.details(request.amazon_order_reference_id, request.consent_token)
    return CheckoutDetailsOut(
        amazon_order_reference_id=seen.order_reference.amazon_id,
        state=seen.order_reference.state.value,
        buyer=buyer_out(seen.buyer),
        shipping_address=address_out(seen.shipping_address),
        payment_descriptor=seen.payment_descriptor,
    )


@router.post(
    "/orders",
    status_code=201,
    summary="Place the order: the cart's total and order id to Amazon, confirm, store",
    responses=error_responses(404, 409, 503),
)
def place_order(request: PlaceOrderRequest, services: ServicesDep) -> OrderOut:
    """SetOrderReferenceDetails with the cart's total and the shop's order id,
    ConfirmOrderReference, then the order is stored with the buyer and address and its
    authorization follows. 409 ``payment_method_declined``: let the buyer choose another
    payment method in Amazon's wallet, then place it again; 409
    ``order_reference_not_draft``, 422 ``consent_token_invalid``, 422 ``amount_refused``,
    404 ``order_reference_not_found``, 409 ``duplicate_order``."""
    cart = request.model_dump(
        exclude={"amazon_order_reference_id", "consent_token"}, exclude_none=True
    )
    reference = services.checkout.place(
        cart, request.amazon_order_reference_id, request.consent_token
    )
    return read_order(services, reference)
