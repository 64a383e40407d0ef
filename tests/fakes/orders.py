"""Builders for orders as the tests need them."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from itertools import count

from amzpay.domain.money import Money
from amzpay.domain.order import Expense, ExpenseId, ItemId, Order, Shipment, ShipmentId
from amzpay.domain.units import units_of_line

_numbers = count(1)


def make_order(
    *,
    reference: str | None = None,
    quantity: int = 2,
    unit_price: str = "19.99",
    shipping: str = "4.90",
    currency: str = "EUR",
) -> Order:
    """An order of ``quantity`` units of one product, shipped at ``shipping``, not captured."""
    number = next(_numbers)
    reference = reference or f"DE--{number}"
    shipment = Shipment(ShipmentId("S1"), "standard")
    items = units_of_line(
        "L1",
        quantity=quantity,
        sku="sku-mug",
        name="Mug",
        unit_gross_price=Money.parse(unit_price, currency),
        tax_rate=Decimal("19"),
        shipment_id=shipment.id,
    )
    expenses = ()
    if shipping:
        price = Money.parse(shipping, currency)
        expenses = (
            Expense(
                ExpenseId("shipping-1"),
                "shipping",
                "Standard delivery",
                price,
                Money.zero(currency),
                Decimal("19"),
                Money.zero(currency),
                shipment_id=shipment.id,
            ),
        )
    return Order(
        reference=reference,
        currency=currency,
        customer_email="buyer@example.com",
        locale="de_DE",
        items=items,
        amazon_order_reference_id=f"S02-{number:07d}-{number:07d}",
        expenses=expenses,
        shipments=(shipment,),
    )


def make_order_of_items(reference: str, items: tuple[str, ...]) -> Order:
    """An order whose items have the ids ``items`` (one unit each), with no shipping."""
    order = make_order(reference=reference, quantity=len(items), shipping="")
    renamed = tuple(
        replace(item, id=ItemId(new)) for item, new in zip(order.items, items, strict=True)
    )
    return replace(order, items=renamed)
