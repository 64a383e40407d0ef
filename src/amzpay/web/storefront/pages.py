"""What every storefront page shares: its templates, the cart cookie, amzpay's services."""

from __future__ import annotations

from functools import cache
from typing import Any, Final

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from amzpay.web.context import Services
from amzpay.web.storefront.catalogue import SHIPPING, Cart

CART_COOKIE: Final = "shop_cart"
PREFIX: Final = "/shop"


@cache
def _templates() -> Environment:
    return Environment(
        loader=PackageLoader("amzpay.web.storefront", "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
    )


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def page(request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
    cart = Cart.read(request.cookies.get(CART_COOKIE))
    button = services(request).checkout.button()
    shown = {
        "button": button,
        "cart": cart,
        "shipping": SHIPPING,
        "message": None,
        "declined": False,
        "v2_button": None,
    } | values
    return HTMLResponse(_templates().get_template(name).render(shown), status_code=status)
