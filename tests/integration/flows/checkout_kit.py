"""What the checkout tests share: a buyer and address, the cart a storefront sends (an order
spec without customer and Amazon order reference) and a buyer signed in at the fake Amazon."""

from __future__ import annotations

from typing import Any

from amzpay.amazonpay.gateway import PaymentState
from amzpay.domain.buyer import Buyer, ShippingAddress
from shop import FakeShop, order_spec

ERIKA = Buyer("Erika Mustermann", "erika.mustermann@example.com")
BERLIN = ShippingAddress("Erika Mustermann", ("Heidestraße 17",), "Berlin", "10557", "DE")
TOTAL_MINOR = 2 * 1999 + 4900 + 490  # the order spec's two mugs, tea set and shipping


def cart(**changes: Any) -> dict[str, Any]:
    """The cart of ``shop.order_spec``: its lines, bundle, shipping and a fresh order id."""
    spec = order_spec(**changes)
    return {
        key: value
        for key, value in spec.items()
        if key not in ("customer", "amazon_order_reference_id")
    }


def signed_in(
    shop: FakeShop, order_reference_id: str, payment_method: str = "visa"
) -> tuple[str, str]:
    """Erika's Draft order reference paid with ``payment_method``, and her consent token."""
    shop.amazon.open_order_reference(
        order_reference_id, PaymentState.DRAFT, payment_method=payment_method
    )
    token = shop.amazon.sign_in(order_reference_id, ERIKA, BERLIN, "Visa ****1111")
    return order_reference_id, token
