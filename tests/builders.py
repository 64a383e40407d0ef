"""Small, explicit builders of domain test data: every default is visible here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from amzpay.domain.money import Money
from amzpay.domain.order import (
    Bundle,
    BundleId,
    CaptureId,
    Expense,
    ExpenseId,
    Item,
    ItemId,
    Order,
    ProductOption,
    Refunded,
    Shipment,
    ShipmentId,
)
from amzpay.domain.payment import CaptureBalance
from amzpay.domain.units import tax_included


def money(text: str, currency: str = "EUR") -> Money:
    return Money.parse(text, currency, allow_negative=True)


def make_item(
    item_id: str,
    price: str = "10.00",
    *,
    discount: str = "0",
    options: Iterable[tuple[str, str]] = (),
    capture: str | None = "C1",
    shipment: str | None = None,
    bundle: str | None = None,
    currency: str = "EUR",
) -> Item:
    """One unit; ``options`` are (sku, price) pairs; taxed at 19 %."""
    gross, off = money(price, currency), money(discount, currency)
    unit_options = tuple(
        ProductOption(sku, sku, money(p, currency), Money.zero(currency)) for sku, p in options
    )
    to_pay = gross - off + Money.total((o.price_to_pay for o in unit_options), currency)
    return Item(
        id=ItemId(item_id),
        sku=f"SKU-{item_id}",
        name=f"Product {item_id}",
        unit_gross_price=gross,
        discount=off,
        tax_rate=Decimal(19),
        tax_amount=tax_included(to_pay, Decimal(19)),
        options=unit_options,
        bundle_id=None if bundle is None else BundleId(bundle),
        shipment_id=None if shipment is None else ShipmentId(shipment),
        capture_id=None if capture is None else CaptureId(capture),
    )


def make_shipping(
    expense_id: str = "shipping",
    price: str = "4.90",
    *,
    shipment: str | None = None,
    capture: str | None = "C1",
    currency: str = "EUR",
) -> Expense:
    gross = money(price, currency)
    return Expense(
        id=ExpenseId(expense_id),
        type="shipping",
        name="Standard shipping",
        gross_price=gross,
        discount=Money.zero(currency),
        tax_rate=Decimal(19),
        tax_amount=tax_included(gross, Decimal(19)),
        shipment_id=None if shipment is None else ShipmentId(shipment),
        capture_id=None if capture is None else CaptureId(capture),
    )


def make_order(
    items: Iterable[Item],
    *,
    expenses: Iterable[Expense] = (),
    bundles: Iterable[tuple[str, str]] = (),
    shipments: Iterable[str] = (),
    refunds: Mapping[str, Refunded] | None = None,
    currency: str = "EUR",
    reference: str = "DE--1001",
) -> Order:
    """``bundles`` are (id, price) pairs; ``shipments`` are ids."""
    return Order(
        reference=reference,
        currency=currency,
        customer_email="buyer@example.com",
        locale="de_DE",
        items=tuple(items),
        expenses=tuple(expenses),
        bundles=tuple(
            Bundle(BundleId(bid), f"SKU-{bid}", f"Bundle {bid}", money(p, currency))
            for bid, p in bundles
        ),
        shipments=tuple(Shipment(ShipmentId(s), "standard") for s in shipments),
        refunds=dict(refunds or {}),  # type: ignore[arg-type]
    )


def captures_of(order: Order, **overrides: CaptureBalance) -> list[CaptureBalance]:
    """One untouched capture per capture id of the order, having captured exactly the price
    to pay of its items and expenses; ``overrides`` replace some by id."""
    captured: dict[str, Money] = {}
    for line in order.lines():
        if line.capture_id is not None:
            previous = captured.get(line.capture_id, Money.zero(order.currency))
            captured[line.capture_id] = previous + line.price_to_pay
    zero = Money.zero(order.currency)
    balances = {
        cid: CaptureBalance(CaptureId(cid), amount, zero, zero, zero, 0)
        for cid, amount in captured.items()
    }
    balances.update(overrides)
    return list(balances.values())


def balance(
    capture_id: str,
    captured: str,
    *,
    refunded: str = "0",
    pending: str = "0",
    over_refunded: str = "0",
    count: int = 0,
    currency: str = "EUR",
) -> CaptureBalance:
    return CaptureBalance(
        CaptureId(capture_id),
        money(captured, currency),
        money(refunded, currency),
        money(pending, currency),
        money(over_refunded, currency),
        count,
    )
