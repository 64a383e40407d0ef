"""The order model: units per line, bundles unfolded, and orders that contradict themselves."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from amzpay.domain.errors import InvalidOrder, UnknownCurrency
from amzpay.domain.money import Money
from amzpay.domain.order import Bundle, BundleId, ItemId, ProductOption, Refunded, RefundStatus
from amzpay.domain.units import BundleChild, tax_included, unfold_bundle, units_of_line

from builders import make_item, make_order, make_shipping, money


def test_a_line_of_three_is_three_items_sharing_the_line_discount():
    items = units_of_line(
        "L1",
        quantity=3,
        sku="MUG",
        name="Mug",
        unit_gross_price=money("10.00"),
        tax_rate=Decimal(19),
        line_discount=money("1.00"),
    )

    assert [item.id for item in items] == ["L1-1", "L1-2", "L1-3"]
    assert [item.discount.minor for item in items] == [33, 34, 33]
    assert [item.price_to_pay.minor for item in items] == [967, 966, 967]
    assert items[0].tax_amount == money("1.54")  # 9.67 * 19 / 119 = 1.5440...


def test_an_items_price_to_pay_includes_its_options_less_its_discount():
    item = make_item("A", "20.00", discount="2.50", options=[("WRAP", "3.00"), ("CARD", "1.20")])

    assert item.price_to_pay == money("21.70")


def test_a_line_needs_a_positive_quantity():
    with pytest.raises(InvalidOrder, match="quantity"):
        units_of_line(
            "L1", quantity=0, sku="X", name="X", unit_gross_price=money("1.00"), tax_rate=Decimal(0)
        )


def test_a_bundle_price_is_shared_by_catalogue_prices_with_the_remainder_carried():
    bundle = Bundle(BundleId("B"), "SET", "Set", money("99.99"))
    children = [
        BundleChild(ItemId("B-1"), "A", "A", money("49.99"), Decimal(19)),
        BundleChild(ItemId("B-2"), "B", "B", money("29.99"), Decimal(19)),
        BundleChild(ItemId("B-3"), "C", "C", money("19.99"), Decimal(7)),
    ]

    items = unfold_bundle(bundle, children, discount=money("10.00"))

    assert [i.unit_gross_price.minor for i in items] == [5000, 3000, 1999]  # 5000.0, 2999.6, 1999.4
    assert sum(i.unit_gross_price.minor for i in items) == 9999
    assert sum(i.discount.minor for i in items) == 1000
    assert all(i.bundle_id == "B" for i in items)
    assert items[2].tax_amount == tax_included(items[2].price_to_pay, Decimal(7))


def test_a_bundle_of_free_children_shares_its_price_evenly():
    bundle = Bundle(BundleId("B"), "SET", "Set", money("10.00"))
    children = [BundleChild(ItemId(f"B-{n}"), "X", "X", money("0"), Decimal(0)) for n in (1, 2, 3)]

    assert [i.unit_gross_price.minor for i in unfold_bundle(bundle, children)] == [333, 334, 333]


def test_a_bundle_cannot_be_discounted_below_zero():
    bundle = Bundle(BundleId("B"), "SET", "Set", money("1.00"))
    children = [BundleChild(ItemId("B-1"), "X", "X", money("1.00"), Decimal(0))]

    with pytest.raises(InvalidOrder, match="above the bundle's price"):
        unfold_bundle(bundle, children, discount=money("1.01"))


def test_a_bundle_needs_children():
    with pytest.raises(InvalidOrder, match="at least one child"):
        unfold_bundle(Bundle(BundleId("B"), "SET", "Set", money("1.00")), [])


def test_tax_included_rounds_half_up():
    assert tax_included(money("1.19"), Decimal(19)) == money("0.19")
    assert tax_included(money("0.10"), Decimal("7.7")) == money("0.01")  # 0.00715 -> 0.01


def test_refund_holdings_default_to_nothing():
    order = make_order([make_item("A")])

    assert order.refunded("A") == Refunded(RefundStatus.OPEN, Money.zero("EUR"), Money.zero("EUR"))


@pytest.mark.parametrize(
    ("build", "reason"),
    [
        (lambda: make_order([make_item("A"), make_item("A")]), "used by two"),
        (lambda: make_order([make_item("A")], expenses=[make_shipping("A")]), "used by two"),
        (lambda: make_order([make_item("A", bundle="B")]), "unknown bundles"),
        (lambda: make_order([make_item("A")], bundles=[("B", "1.00")]), "bundles without items"),
        (lambda: make_order([make_item("A", shipment="S9")]), "unknown shipment"),
        (lambda: make_order([make_item("A", currency="USD")]), "is in USD"),
        (lambda: make_order([make_item("A", "1.00", discount="2.00")]), "discounted below zero"),
        (lambda: make_order([make_item("A", "-1.00")]), "negative amount"),
        (
            lambda: make_order(
                [make_item("A", "1.00")],
                refunds={"Z": Refunded(RefundStatus.REFUNDED, money("1.00"), money("0"))},
            ),
            "unknown item or expense 'Z'",
        ),
        (
            lambda: make_order(
                [make_item("A", "1.00")],
                refunds={"A": Refunded(RefundStatus.REFUNDED, money("1.01"), money("0"))},
            ),
            "more refunded than its price",
        ),
        (
            lambda: make_order(
                [make_item("A", "1.00")],
                refunds={"A": Refunded(RefundStatus.OPEN, money("0"), money("1.00"))},
            ),
            "pending amount but is open",
        ),
    ],
)
def test_an_order_that_contradicts_itself_is_refused_with_the_reason(build, reason):
    with pytest.raises(InvalidOrder, match=reason):
        build()


def test_an_order_in_an_unknown_currency_is_refused():
    with pytest.raises(UnknownCurrency):
        make_order([], currency="EURO")


def test_an_option_cannot_be_discounted_below_zero():
    item = make_item("A")
    option = ProductOption("WRAP", "Wrap", money("1.00"), money("2.00"))

    with pytest.raises(InvalidOrder, match="option 'WRAP'"):
        make_order([replace(item, options=(option,))])


def test_the_refunds_of_an_order_cannot_be_changed_behind_its_back():
    order = make_order([make_item("A")])

    with pytest.raises(TypeError):
        order.refunds["A"] = Refunded(RefundStatus.REFUNDED, money("10.00"), money("0"))  # type: ignore[index]
