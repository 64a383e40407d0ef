from __future__ import annotations

import copy

import pytest

from amzpay.domain.money import Money
from amzpay.services.errors import InvalidOrderSpec
from amzpay.services.order_spec import read_order

SPEC = {
    "reference": "DE-1",
    "currency": "EUR",
    "customer": {"email": "buyer@example.com", "locale": "de_DE"},
    "amazon_order_reference_id": "S02-0000001-0000001",
    "shipments": [{"id": "S1", "method": "standard"}],
    "lines": [
        {
            "id": "L1",
            "sku": "mug",
            "name": "Mug",
            "quantity": 3,
            "unit_price": "10.00",
            "discount": "1.00",
            "tax_rate": "19",
            "shipment": "S1",
            "options": [{"sku": "wrap", "name": "Gift wrap", "price": "2.50"}],
        }
    ],
    "bundles": [
        {
            "id": "B1",
            "sku": "set",
            "name": "Tea set",
            "price": "10.00",
            "items": [
                {"id": "B1-a", "sku": "a", "name": "Pot", "catalogue_price": "2.00"},
                {"id": "B1-b", "sku": "b", "name": "Cup", "catalogue_price": "1.00"},
            ],
        }
    ],
    "expenses": [{"id": "ship", "name": "Delivery", "price": "4.90", "shipment": "S1"}],
}


def with_change(path: str, value: object) -> dict:
    spec = copy.deepcopy(SPEC)
    *parents, last = path.split(".")
    target = spec
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return spec


def test_a_line_becomes_one_item_per_unit_with_its_discount_shared_and_options_kept():
    order = read_order(SPEC)

    units = [item for item in order.items if item.id.startswith("L1")]
    assert sorted(item.price_to_pay.minor for item in units) == [1216, 1217, 1217]
    assert all(item.options[0].sku == "wrap" for item in units)


def test_a_bundle_becomes_its_items_sharing_its_price_by_catalogue_price():
    order = read_order(SPEC)

    children = [item.unit_gross_price for item in order.items if item.bundle_id == "B1"]
    assert children == [Money(667, "EUR"), Money(333, "EUR")]


def test_an_expense_has_its_tax_computed_from_its_rate():
    order = read_order(with_change("expenses.0.tax_rate", "19"))

    assert order.expenses[0].tax_amount == Money(78, "EUR")


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("currency", "EURO", "currency"),
        ("reference", KeyError, "reference"),
        ("customer", "buyer@example.com", "customer"),
        ("lines.0.unit_price", 19.99, "lines[0].unit_price"),
        ("lines.0.unit_price", "19.999", "lines[0].unit_price"),
        ("lines.0.quantity", 0, "lines[0].quantity"),
        ("lines.0.quantity", True, "lines[0].quantity"),
        ("lines.0.tax_rate", "nineteen", "lines[0].tax_rate"),
        ("lines.0.shipment", "S9", "lines[0].shipment"),
        ("lines.0.options.0.price", "-1.00", "lines[0].options[0].price"),
        ("bundles.0.items", [], "bundles[0].items"),
        ("bundles.0.items.1.catalogue_price", None, "bundles[0].items[1].catalogue_price"),
        ("expenses.0.discount", "5.00", "expenses[0].discount"),
        ("lines", {"id": "L1"}, "lines"),
    ],
)
def test_a_malformed_order_is_refused_naming_the_field(path, value, field):
    with pytest.raises(InvalidOrderSpec) as refused:
        read_order(with_change(path, value))

    assert refused.value.field == field


def test_an_order_without_lines_or_bundles_is_refused():
    spec = with_change("lines", [])
    spec["bundles"] = []

    with pytest.raises(InvalidOrderSpec) as refused:
        read_order(spec)

    assert refused.value.field == "lines"


def test_a_discount_above_the_price_is_refused_naming_the_line():
    with pytest.raises(InvalidOrderSpec) as refused:
        read_order(with_change("lines.0.discount", "40.00"))

    assert refused.value.field == "lines[0].discount"
