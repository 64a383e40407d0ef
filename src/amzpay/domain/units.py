"""Items built from what a shop sells: order lines of several units, and bundles.

A line of quantity 3 becomes three ``Item`` rows (``units_of_line``), its discount shared over
them with the remainder carried. A bundle becomes its children (``unfold_bundle``), its price
shared over them by their catalogue unit prices with the rounding remainder carried forward,
as Spryker does, so the children add up to exactly the bundle's price.

Imports nothing but the standard library.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from amzpay.domain.errors import InvalidOrder
from amzpay.domain.money import Money
from amzpay.domain.order import Bundle, CaptureId, Item, ItemId, ProductOption, ShipmentId


def tax_included(gross: Money, rate: Decimal) -> Money:
    """The tax inside a gross amount at ``rate`` percent, rounded half up to the minor unit."""
    exact = Decimal(gross.minor) * rate / (Decimal(100) + rate)
    return Money(int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)), gross.currency)


@dataclass(frozen=True, slots=True)
class BundleChild:
    """One product inside a bundle, with the catalogue unit price that weighs its share."""

    id: ItemId
    sku: str
    name: str
    catalogue_price: Money
    tax_rate: Decimal


def unfold_bundle(
    bundle: Bundle,
    children: Sequence[BundleChild],
    *,
    discount: Money | None = None,
    shipment_id: ShipmentId | None = None,
    capture_id: CaptureId | None = None,
) -> tuple[Item, ...]:
    """The bundle's items: its price (and discount) shared over the children by their
    catalogue prices, each rounding remainder carried into the next child, so the children's
    prices add up to exactly the bundle's."""
    if not children:
        raise InvalidOrder(bundle.id, "a bundle needs at least one child")
    weights = [child.catalogue_price.minor for child in children]
    if sum(weights) == 0:  # free children: share the price evenly
        weights = [1] * len(children)
    prices = bundle.gross_price.split(weights)
    discounts = _share_discount(
        bundle.id, discount or Money.zero(bundle.gross_price.currency), prices
    )
    return tuple(
        Item(
            id=child.id,
            sku=child.sku,
            name=child.name,
            unit_gross_price=price,
            discount=off,
            tax_rate=child.tax_rate,
            tax_amount=tax_included(price - off, child.tax_rate),
            bundle_id=bundle.id,
            shipment_id=shipment_id,
            capture_id=capture_id,
        )
        for child, price, off in zip(children, prices, discounts, strict=True)
    )


def _share_discount(bundle_id: str, discount: Money, prices: Sequence[Money]) -> tuple[Money, ...]:
    """The discount shared by the prices themselves: each share stays within one minor unit
    of its exact part, which is never above its price, so no child is discounted below zero."""
    if not discount:
        return tuple(Money.zero(discount.currency) for _ in prices)
    if discount > Money.total(prices, discount.currency):
        raise InvalidOrder(bundle_id, f"a discount of {discount} is above the bundle's price")
    return discount.split([price.minor for price in prices])


def units_of_line(
    line_id: str,
    *,
    quantity: int,
    sku: str,
    name: str,
    unit_gross_price: Money,
    tax_rate: Decimal,
    line_discount: Money | None = None,
    options: Iterable[ProductOption] = (),
    shipment_id: ShipmentId | None = None,
    capture_id: CaptureId | None = None,
) -> tuple[Item, ...]:
    """One ``Item`` per unit of an order line (ids ``<line_id>-1`` ...), the line's discount
    shared evenly over the units with the remainder carried, and each unit's tax computed
    from its own price to pay."""
    if quantity < 1:
        raise InvalidOrder(line_id, f"quantity must be at least 1, got {quantity}")
    currency = unit_gross_price.currency
    discounts = (line_discount or Money.zero(currency)).split([1] * quantity)
    unit_options = tuple(options)
    items = []
    for number, discount in enumerate(discounts, start=1):
        options_price = Money.total((o.price_to_pay for o in unit_options), currency)
        to_pay = unit_gross_price - discount + options_price
        items.append(
            Item(
                id=ItemId(f"{line_id}-{number}"),
                sku=sku,
                name=name,
                unit_gross_price=unit_gross_price,
                discount=discount,
                tax_rate=tax_rate,
                tax_amount=tax_included(to_pay, tax_rate),
                options=unit_options,
                shipment_id=shipment_id,
                capture_id=capture_id,
            )
        )
    return tuple(items)
