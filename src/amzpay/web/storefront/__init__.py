"""A demo storefront at ``/shop``, served by ``amzpay serve --simulator``: the example a
shop's developers copy (docs/checkout.md). It pays with Amazon Pay's legacy widgets through
amzpay's checkout service, as a storefront does through ``/api/v1/checkout``, and with API
v2's button and hosted pages (``v2.py``, under ``/shop/v2``).

    GET  /shop                  the products
    POST /shop/cart             add a product; the cart is kept in a cookie
    GET  /shop/cart             the cart and the "Pay with Amazon" button
    GET  /shop/review           the address book and wallet widgets, Amazon's address, "place order"
    POST /shop/details          Amazon's address and payment method, for the review page's script
    POST /shop/place            place the order; declined: choose another payment method
    GET  /shop/thanks/{order}   the thank-you page
"""

from __future__ import annotations

import secrets
from importlib.resources import files
from typing import Annotated, Final

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from amzpay.amazonpay.gateway import CallFailed
from amzpay.services.errors import CheckoutRefused
from amzpay.web.storefront import v2
from amzpay.web.storefront.catalogue import PRODUCTS, Cart
from amzpay.web.storefront.pages import CART_COOKIE, PREFIX, page as _page, services as _services

_STATIC: Final = {
    "shop.js": "text/javascript",
    "shop-v2.js": "text/javascript",
    "shop.css": "text/css",
}

FormField = Annotated[str, Form(max_length=4096)]


def router() -> APIRouter:
    """The storefront's pages, to include in amzpay's web app."""
    routes = APIRouter(prefix=PREFIX, include_in_schema=False)
    routes.add_api_route("", _products, methods=["GET"])
    routes.add_api_route("/cart", _cart, methods=["GET"])
    routes.add_api_route("/cart", _add, methods=["POST"])
    routes.add_api_route("/review", _review, methods=["GET"])
    routes.add_api_route("/details", _details, methods=["POST"])
    routes.add_api_route("/place", _place, methods=["POST"])
    routes.add_api_route("/thanks/{reference}", _thanks, methods=["GET"])
    v2.add_routes(routes)
    routes.add_api_route("/static/{name}", _static, methods=["GET"])
    return routes


def _products(request: Request) -> Response:
    return _page(request, "products.html", products=list(PRODUCTS.values()))


def _cart(request: Request) -> Response:
    return _page(request, "cart.html", v2_button=v2.button_for(request))


def _add(request: Request, sku: FormField) -> Response:
    cart = Cart.read(request.cookies.get(CART_COOKIE)).add(sku)
    answer = RedirectResponse(f"{PREFIX}/cart", status_code=303)
    answer.set_cookie(CART_COOKIE, cart.kept(), httponly=True, samesite="lax", path=PREFIX)
    return answer


def _review(request: Request) -> Response:
    return _page(request, "review.html", order_reference=None, consent_token=None, declined=False)


def _details(
    request: Request, amazon_order_reference_id: FormField, consent_token: FormField
) -> Response:
    """What Amazon shows of the buyer's order reference, for the review page: the address and
    the payment method (read with the buyer's consent token, through amzpay's checkout)."""
    try:
        seen = _services(request).checkout.details(amazon_order_reference_id, consent_token)
    except (CheckoutRefused, CallFailed) as refused:
        return JSONResponse({"error": str(refused)}, status_code=409)
    address = seen.shipping_address
    if address is None:
        return JSONResponse({"error": "Amazon shows no shipping address yet"}, status_code=409)
    return JSONResponse(
        {
            "name": address.name,
            "lines": list(address.lines),
            "postal_code": address.postal_code or "",
            "city": address.city,
            "country_code": address.country_code,
            "payment": seen.payment_descriptor,
        },
        headers={"Cache-Control": "no-store"},
    )


def _place(
    request: Request, amazon_order_reference_id: FormField, consent_token: FormField
) -> Response:
    """Place the cart's order; when Amazon declines the payment method, the review page again
    with the widgets on the same order reference, asking for another one."""
    cart = Cart.read(request.cookies.get(CART_COOKIE))
    if not cart.lines:
        return _page(request, "cart.html", 409, message="Your cart is empty.")
    reference = f"SHOP-{secrets.token_hex(4).upper()}"
    try:
        _services(request).checkout.place(
            cart.order_lines(reference), amazon_order_reference_id, consent_token
        )
    except (CheckoutRefused, CallFailed) as refused:
        declined = isinstance(refused, CheckoutRefused) and refused.choose_another_payment_method
        return _page(
            request,
            "review.html",
            409,
            order_reference=amazon_order_reference_id,
            consent_token=consent_token,
            declined=declined,
            message=f"Your order could not be placed: {refused}",
        )
    answer = RedirectResponse(f"{PREFIX}/thanks/{reference}", status_code=303)
    answer.delete_cookie(CART_COOKIE, path=PREFIX)
    return answer


def _thanks(request: Request, reference: str) -> Response:
    return _page(request, "thanks.html", reference=reference)


def _static(name: str) -> Response:
    media_type = _STATIC.get(name)
    if media_type is None:
        return Response(status_code=404)
    text = files(__package__).joinpath("static", name).read_text()
    return Response(text, media_type=media_type, headers={"Cache-Control": "no-cache"})
