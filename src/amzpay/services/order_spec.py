"""An order as a shop hands it over (plain JSON-able data) read into the domain's ``Order``.

    {
      "reference": "DE-1001", "currency": "EUR",
      "customer": {"email": "buyer@example.com", "locale": "de_DE"},
      "amazon_order_reference_id": "S02-1234567-1234567",
      "shipments": [{"id": "S1", "method": "standard"}],
      "lines": [{"id": "L1", "sku": "mug", "name": "Mug", "quantity": 2,
                 "unit_price": "19.99", "discount": "2.00", "tax_rate": "19",
                 "shipment": "S1",
                 "options": [{"sku": "wrap", "name": "Gift wrap", "price": "2.50"}]}],
      "bundles": [{"id": "B1", "sku": "set", "name": "Tea set", "price": "49.00",
                   "discount": "0", "shipment": "S1",
                   "items": [{"id": "B1-pot", "sku": "pot", "name": "Pot",
                              "catalogue_price": "30.00", "tax_rate": "19"}]}],
      "expenses": [{"id": "shipping-1", "type": "shipping", "name": "Delivery",
                    "price": "4.90", "tax_rate": "19", "shipment": "S1"}]
    }

Prices are gross (tax inside) decimal strings in the order's currency, never numbers: a float
has no exact cents. Every error names the field (``lines[0].unit_price``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from amzpay.domain.errors import DomainError
from amzpay.domain.money import Money
from amzpay.domain.order import (
    Bundle,
    BundleId,
    Expense,
    ExpenseId,
    Item,
    ItemId,
    Order,
    ProductOption,
    Shipment,
    ShipmentId,
)
from amzpay.domain.units import BundleChild, tax_included, unfold_bundle, units_of_line
from amzpay.services.errors import InvalidOrderSpec

T = TypeVar("T")


def read_order(spec: object) -> Order:
    """The ``Order`` ``spec`` describes. Raises InvalidOrderSpec naming the field."""
    root = _object(spec, "order")
    currency = _text(root, "currency", "order")
    _money("0", currency, "currency")
    customer = _object(root.get("customer"), "customer")
    shipments = _each(root, "shipments", "", _shipment)
    known_shipments = {s.id for s in shipments}
    at = _Reader(currency, known_shipments)
    items: list[Item] = []
    for number, line in enumerate(_list(root, "lines", "")):
        items += at.line(line, f"lines[{number}]")
    bundles: list[Bundle] = []
    for number, spec_bundle in enumerate(_list(root, "bundles", "")):
        bundle, children = at.bundle(spec_bundle, f"bundles[{number}]")
        bundles.append(bundle)
        items += children
    if not items:
        raise InvalidOrderSpec("lines", "an order needs at least one line or bundle")
    expenses = [at.expense(e, f"expenses[{n}]") for n, e in enumerate(_list(root, "expenses", ""))]
    reference = _text(root, "reference", "order")
    try:
        return Order(
            reference=reference,
            currency=currency,
            customer_email=_text(customer, "email", "customer"),
            locale=_text(customer, "locale", "customer", default="en_GB"),
            items=tuple(items),
            amazon_order_reference_id=_text(root, "amazon_order_reference_id", "order"),
            expenses=tuple(expenses),
            bundles=tuple(bundles),
            shipments=shipments,
        )
    except DomainError as error:
        raise InvalidOrderSpec("order", str(error)) from None


class _Reader:
    """Reads the parts that need the order's currency and shipments."""

    def __init__(self, currency: str, shipments: set[ShipmentId]) -> None:
        self.currency, self.shipments = currency, shipments

    def line(self, spec: object, where: str) -> tuple[Item, ...]:
        line = _object(spec, where)
        quantity = line.get("quantity", 1)
        if type(quantity) is not int or quantity < 1:
            raise InvalidOrderSpec(f"{where}.quantity", "a whole number of at least 1")
        options = _each(line, "options", where, self.option)
        price = self.money(line, "unit_price", where)
        discount = self.money(line, "discount", where, "0")
        if discount > price * quantity:
            raise InvalidOrderSpec(f"{where}.discount", "above the line's price")
        try:
            return units_of_line(
                _text(line, "id", where),
                quantity=quantity,
                sku=_text(line, "sku", where),
                name=_text(line, "name", where),
                unit_gross_price=price,
                tax_rate=_rate(line, where),
                line_discount=discount,
                options=options,
                shipment_id=self.shipment(line, where),
            )
        except DomainError as error:
            raise InvalidOrderSpec(where, str(error)) from None

    def option(self, spec: object, where: str) -> ProductOption:
        option = _object(spec, where)
        return ProductOption(
            _text(option, "sku", where),
            _text(option, "name", where),
            self.money(option, "price", where),
            self.money(option, "discount", where, "0"),
        )

    def bundle(self, spec: object, where: str) -> tuple[Bundle, tuple[Item, ...]]:
        raw = _object(spec, where)
        bundle = Bundle(
            BundleId(_text(raw, "id", where)),
            _text(raw, "sku", where),
            _text(raw, "name", where),
            self.money(raw, "price", where),
        )
        children = _each(raw, "items", where, self.child)
        if not children:
            raise InvalidOrderSpec(f"{where}.items", "a bundle needs at least one item")
        try:
            items = unfold_bundle(
                bundle,
                children,
                discount=self.money(raw, "discount", where, "0"),
                shipment_id=self.shipment(raw, where),
            )
        except DomainError as error:
            raise InvalidOrderSpec(where, str(error)) from None
        return bundle, items

    def child(self, spec: object, where: str) -> BundleChild:
        child = _object(spec, where)
        return BundleChild(
            ItemId(_text(child, "id", where)),
            _text(child, "sku", where),
            _text(child, "name", where),
            self.money(child, "catalogue_price", where),
            _rate(child, where),
        )

    def expense(self, spec: object, where: str) -> Expense:
        raw = _object(spec, where)
        price = self.money(raw, "price", where)
        discount = self.money(raw, "discount", where, "0")
        rate = _rate(raw, where)
        if discount > price:
            raise InvalidOrderSpec(f"{where}.discount", "above the price")
        return Expense(
            ExpenseId(_text(raw, "id", where)),
            _text(raw, "type", where, default="shipping"),
            _text(raw, "name", where),
            price,
            discount,
            rate,
            tax_included(price - discount, rate),
            shipment_id=self.shipment(raw, where),
        )

    def money(
        self, spec: Mapping[str, Any], key: str, where: str, default: str | None = None
    ) -> Money:
        value = spec.get(key, default)
        if value is None:
            raise InvalidOrderSpec(_path(where, key), "missing")
        return _money(value, self.currency, _path(where, key))

    def shipment(self, spec: Mapping[str, Any], where: str) -> ShipmentId | None:
        value = spec.get("shipment")
        if value is None:
            return None
        if value not in self.shipments:
            raise InvalidOrderSpec(_path(where, "shipment"), f"no shipment {value!r}")
        return ShipmentId(value)


def _shipment(spec: object, where: str) -> Shipment:
    raw = _object(spec, where)
    return Shipment(ShipmentId(_text(raw, "id", where)), _text(raw, "method", where))


def _money(value: object, currency: str, where: str) -> Money:
    if not isinstance(value, str):
        raise InvalidOrderSpec(where, 'an amount is a decimal string such as "19.99"')
    try:
        return Money.parse(value, currency)
    except DomainError as error:
        raise InvalidOrderSpec(where, str(error)) from None


def _rate(spec: Mapping[str, Any], where: str) -> Decimal:
    value = spec.get("tax_rate", "0")
    try:
        rate = Decimal(value) if isinstance(value, str | int) else None
    except InvalidOperation:
        rate = None
    if rate is None or not rate.is_finite() or not 0 <= rate <= 100:
        raise InvalidOrderSpec(_path(where, "tax_rate"), 'a percentage such as "19"')
    return rate


def _object(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidOrderSpec(where, "expected an object")
    return value


def _list(spec: Mapping[str, Any], key: str, where: str) -> Sequence[object]:
    value = spec.get(key, [])
    if not isinstance(value, list):
        raise InvalidOrderSpec(_path(where, key), "expected a list")
    return value


def _each(
    spec: Mapping[str, Any], key: str, where: str, read: Callable[[object, str], T]
) -> tuple[T, ...]:
    path = _path(where, key)
    return tuple(read(x, f"{path}[{n}]") for n, x in enumerate(_list(spec, key, where)))


def _text(spec: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = spec.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise InvalidOrderSpec(_path(where, key), "a non-empty string is required")
    return value


def _path(where: str, key: str) -> str:
    return key if where in ("", "order") else f"{where}.{key}"
