"""The demo storefront's products and its cart: what a shop keeps on its own side, and the
cart as the order lines amzpay's checkout takes (the order import's line format)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import parse_qsl, urlencode

from amzpay.domain.money import Money

CURRENCY: Final = "EUR"
MAX_QUANTITY: Final = 20
SHIPPING: Final = Money(490, CURRENCY)


@dataclass(frozen=True, slots=True)
class Product:
    sku: str
    name: str
    price: Money  # gross, 19 % VAT inside
    blurb: str


PRODUCTS: Final = {
    p.sku: p
    for p in (
        Product("mug", "Mug", Money(1999, CURRENCY), "Stoneware, 350 ml, dishwasher safe."),
        Product("teapot", "Teapot", Money(3900, CURRENCY), "Cast iron, 0.8 l, with a strainer."),
        Product("tea", "Green tea", Money(850, CURRENCY), "Sencha from Shizuoka, 100 g."),
    )
}


@dataclass(frozen=True, slots=True)
class CartLine:
    product: Product
    quantity: int

    @property
    def price(self) -> Money:
        return self.product.price * self.quantity


@dataclass(frozen=True, slots=True)
class Cart:
    lines: tuple[CartLine, ...]

    @classmethod
    def read(cls, kept: str | None) -> Cart:
        """The cart a cookie keeps (``mug=2&tea=1``); unknown products and quantities out of
        range are left out, so a tampered cookie gives a smaller cart, never an error."""
        lines = []
        for sku, quantity in parse_qsl(kept or ""):
            product = PRODUCTS.get(sku)
            if product is not None and quantity.isdigit() and 0 < int(quantity) <= MAX_QUANTITY:
                lines.append(CartLine(product, int(quantity)))
        return cls(tuple(lines))

    def kept(self) -> str:
        return urlencode([(line.product.sku, str(line.quantity)) for line in self.lines])

    def add(self, sku: str) -> Cart:
        """The cart with one more of ``sku`` (unknown: unchanged)."""
        if sku not in PRODUCTS:
            return self
        counts = {line.product.sku: line.quantity for line in self.lines}
        counts[sku] = min(counts.get(sku, 0) + 1, MAX_QUANTITY)
        return Cart(tuple(CartLine(PRODUCTS[s], q) for s, q in counts.items()))

    @property
    def subtotal(self) -> Money:
        return Money.total((line.price for line in self.lines), CURRENCY)

    @property
    def total(self) -> Money:
        return self.subtotal + SHIPPING

    def order_lines(self, reference: str) -> Mapping[str, Any]:
        """The cart as amzpay's checkout takes it: the order's lines, one shipment, shipping."""
        return {
            "reference": reference,
            "currency": CURRENCY,
            "shipments": [{"id": "S1", "method": "standard"}],
            "lines": [
                {
                    "id": f"L{number}",
                    "sku": line.product.sku,
                    "name": line.product.name,
                    "quantity": line.quantity,
                    "unit_price": line.product.price.to_wire(),
                    "tax_rate": "19",
                    "shipment": "S1",
                }
                for number, line in enumerate(self.lines, 1)
            ],
            "expenses": [
                {
                    "id": "shipping",
                    "name": "Delivery",
                    "price": SHIPPING.to_wire(),
                    "tax_rate": "19",
                    "shipment": "S1",
                }
            ],
        }
