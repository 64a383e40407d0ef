"""The order as the refund sees it: items (one row per unit), bundles, shipments, expenses,
and what refunds already hold of each item and expense.

An order line of quantity 3 is three ``Item`` rows, as in Spryker's sales order, so that each
unit can be captured, refunded and moved through the order state machine on its own. A bundle
is stored as its children (``units.py`` builds both).

Imports nothing but the standard library.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cache
from types import MappingProxyType
from typing import NewType

from amzpay.domain.errors import InvalidOrder
from amzpay.domain.money import Money

ItemId = NewType("ItemId", str)
ExpenseId = NewType("ExpenseId", str)
BundleId = NewType("BundleId", str)
ShipmentId = NewType("ShipmentId", str)
CaptureId = NewType("CaptureId", str)
LineId = ItemId | ExpenseId
_Fail = Callable[[str], InvalidOrder]


@dataclass(frozen=True, slots=True)
class ProductOption:
    """An option bought with one unit (gift wrap, warranty): paid and refunded with it."""

    sku: str
    name: str
    gross_price: Money
    discount: Money

    @property
    def price_to_pay(self) -> Money:
        return self.gross_price - self.discount


@dataclass(frozen=True, slots=True)
class Item:
    """One unit of an order line. Prices are gross (tax included) for this one unit.

    ``capture_id`` names the capture that took this unit's money; ``None`` means it was never
    captured (and so cannot be refunded).
    """

    id: ItemId
    sku: str
    name: str
    unit_gross_price: Money
    discount: Money
    tax_rate: Decimal
    tax_amount: Money
    options: tuple[ProductOption, ...] = ()
    bundle_id: BundleId | None = None
    shipment_id: ShipmentId | None = None
    capture_id: CaptureId | None = None

    @property
    def price_to_pay(self) -> Money:
        """What the buyer paid for this unit: gross price less discount, plus its options."""
        price = self.unit_gross_price - self.discount
        for option in self.options:
            price = price + option.price_to_pay
        return price


@dataclass(frozen=True, slots=True)
class Expense:
    """A charge that is not an item, shipping above all (one per shipment)."""

    id: ExpenseId
    type: str
    name: str
    gross_price: Money
    discount: Money
    tax_rate: Decimal
    tax_amount: Money
    shipment_id: ShipmentId | None = None
    capture_id: CaptureId | None = None

    @property
    def price_to_pay(self) -> Money:
        return self.gross_price - self.discount


@dataclass(frozen=True, slots=True)
class Bundle:
    """A product sold as a set; its units are the ``Item`` rows whose ``bundle_id`` is it."""

    id: BundleId
    sku: str
    name: str
    gross_price: Money


@dataclass(frozen=True, slots=True)
class Shipment:
    id: ShipmentId
    method: str


class AmazonApi(StrEnum):
    """Which of Amazon Pay's APIs an order is paid through: the legacy API (an order
    reference) or API v2 (a charge permission). Every later call about the order, its
    authorizations, captures and refunds speaks the same API."""

    LEGACY = "legacy"
    V2 = "v2"


class RefundStatus(StrEnum):
    """Where an item or expense stands with refunds."""

    OPEN = "open"  # may be refunded (what is left of it)
    PENDING = "pending"  # held by a refund requested from Amazon and not yet settled
    REFUNDED = "refunded"  # settled by a completed refund; never chosen again


@dataclass(frozen=True, slots=True)
class Refunded:
    """What refunds hold of one item or expense: ``booked`` by completed refunds, ``pending``
    in the refund that is waiting on Amazon."""

    status: RefundStatus
    booked: Money
    pending: Money


@dataclass(frozen=True, slots=True)
class Order:
    """A placed order, paid with Amazon Pay under ``amazon_order_reference_id`` (the legacy
    API's order reference, or API v2's charge permission: ``api`` says which)."""

    reference: str
    currency: str
    customer_email: str
    locale: str
    items: tuple[Item, ...]
    amazon_order_reference_id: str | None = None
    expenses: tuple[Expense, ...] = ()
    bundles: tuple[Bundle, ...] = ()
    shipments: tuple[Shipment, ...] = ()
    refunds: Mapping[LineId, Refunded] = field(default_factory=dict)
    api: AmazonApi = AmazonApi.LEGACY

    def __post_init__(self) -> None:
        _validate(self)
        object.__setattr__(self, "refunds", MappingProxyType(dict(self.refunds)))

    def refunded(self, line_id: LineId) -> Refunded:
        """What refunds hold of an item or expense (zero for both when there is none)."""
        found = self.refunds.get(line_id)
        return _nothing_refunded(self.currency) if found is None else found

    def lines(self) -> Iterator[Item | Expense]:
        """Every item, then every expense."""
        yield from self.items
        yield from self.expenses

    def children_of(self, bundle_id: BundleId) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.bundle_id == bundle_id)


@cache
def _nothing_refunded(currency: str) -> Refunded:
    zero = Money.zero(currency)
    return Refunded(RefundStatus.OPEN, zero, zero)


def _validate(order: Order) -> None:
    def fail(reason: str) -> InvalidOrder:
        return InvalidOrder(order.reference, reason)

    Money.zero(order.currency)  # an unknown currency fails here, naming the code
    bundle_ids = {b.id for b in order.bundles}
    shipment_ids = {s.id for s in order.shipments}
    if len(bundle_ids) != len(order.bundles) or len(shipment_ids) != len(order.shipments):
        raise fail("bundle and shipment ids must be unique")
    line_ids: set[str] = set()
    for line in order.lines():
        if line.id in line_ids:
            raise fail(f"the id {line.id!r} is used by two items or expenses")
        line_ids.add(line.id)
        _check_amounts(order, line, fail)
        if line.shipment_id is not None and line.shipment_id not in shipment_ids:
            raise fail(f"{line.id!r} belongs to unknown shipment {line.shipment_id!r}")
    children = {item.bundle_id for item in order.items if item.bundle_id is not None}
    if children - bundle_ids:
        raise fail(f"items point at unknown bundles {sorted(children - bundle_ids)}")
    if bundle_ids - children:
        raise fail(f"bundles without items {sorted(bundle_ids - children)}")
    for bundle in order.bundles:
        _check_currency(order, bundle.gross_price, bundle.id, fail)
    _check_refunds(order, line_ids, fail)


def _check_amounts(order: Order, line: Item | Expense, fail: _Fail) -> None:
    price = line.unit_gross_price if isinstance(line, Item) else line.gross_price
    amounts = [price, line.discount]
    if isinstance(line, Item):
        for option in line.options:
            amounts += [option.gross_price, option.discount]
            if option.discount > option.gross_price:
                raise fail(f"option {option.sku!r} of {line.id!r} is discounted below zero")
    for amount in (*amounts, line.tax_amount):
        _check_currency(order, amount, line.id, fail)
    for amount in amounts:
        if amount.is_negative:
            raise fail(f"{line.id!r} has a negative amount {amount}")
    if line.discount > price:
        raise fail(f"{line.id!r} is discounted below zero ({line.discount} off {price})")
    if line.tax_amount.is_negative or line.tax_amount > line.price_to_pay:
        raise fail(f"{line.id!r} has a tax of {line.tax_amount} on {line.price_to_pay}")


def _check_currency(order: Order, amount: Money, where: str, fail: _Fail) -> None:
    if amount.currency != order.currency:
        raise fail(f"{where!r} is in {amount.currency}, the order in {order.currency}")


def _check_refunds(order: Order, line_ids: set[str], fail: _Fail) -> None:
    prices = {line.id: line.price_to_pay for line in order.lines()}
    for line_id, held in order.refunds.items():
        if line_id not in line_ids:
            raise fail(f"refunds recorded for unknown item or expense {line_id!r}")
        for amount in (held.booked, held.pending):
            _check_currency(order, amount, line_id, fail)
            if amount.is_negative:
                raise fail(f"{line_id!r} has a negative refunded amount {amount}")
        if held.booked + held.pending > prices[line_id]:
            raise fail(f"{line_id!r} has more refunded than its price to pay")
        if held.pending and held.status is not RefundStatus.PENDING:
            raise fail(f"{line_id!r} holds a pending amount but is {held.status}")
