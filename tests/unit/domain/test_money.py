"""Money: exact minor units, Amazon's decimal strings, and splits that lose no cent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from amzpay.domain.errors import (
    CurrencyMismatch,
    InvalidAmount,
    InvalidSplit,
    UnknownCurrency,
)
from amzpay.domain.money import Money, exponent_of


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("12.30", "EUR", 1230),
        ("12.3", "EUR", 1230),
        ("12", "EUR", 1200),
        ("0.0", "EUR", 0),
        ("0.01", "USD", 1),
        ("12.300", "EUR", 1230),
        ("1000", "JPY", 1000),
        ("1000.00", "JPY", 1000),
        ("1.5", "KWD", 1500),
        ("1.234", "KWD", 1234),
        ("150000.00", "GBP", 15_000_000),
        ("007.10", "EUR", 710),
    ],
)
def test_amazon_decimal_strings_are_read_exactly(text, currency, minor):
    assert Money.parse(text, currency) == Money(minor, currency)


@pytest.mark.parametrize(
    ("text", "currency", "reason"),
    [
        ("12.345", "EUR", "EUR has 2 decimals"),
        ("1000.5", "JPY", "JPY has 0 decimals"),
        ("1.2345", "KWD", "KWD has 3 decimals"),
        ("NaN", "EUR", "expected digits"),
        ("nan", "EUR", "expected digits"),
        ("Infinity", "EUR", "expected digits"),
        ("1e3", "EUR", "expected digits"),
        ("", "EUR", "expected digits"),
        (" 12.30", "EUR", "expected digits"),
        ("12.", "EUR", "expected digits"),
        (".5", "EUR", "expected digits"),
        ("+1.00", "EUR", "expected digits"),
        ("1,00", "EUR", "expected digits"),
        ("-1.00", "EUR", "must not be negative"),
        ("1" * 19, "EUR", "too large"),
    ],
)
def test_malformed_or_inexact_strings_are_refused_with_the_reason(text, currency, reason):
    with pytest.raises(InvalidAmount, match=reason):
        Money.parse(text, currency)


def test_negative_strings_are_read_only_when_allowed():
    assert Money.parse("-1.05", "EUR", allow_negative=True) == Money(-105, "EUR")
    assert Money.parse("-0.00", "EUR") == Money(0, "EUR")


@pytest.mark.parametrize("value", [12.3, Decimal("12.30"), 1230, None])
def test_only_strings_are_parsed(value):
    with pytest.raises(InvalidAmount, match="decimal string"):
        Money.parse(value, "EUR")


@pytest.mark.parametrize("minor", [12.3, True, Decimal(1), "1230"])
def test_money_holds_an_integer_never_a_float_or_bool(minor):
    with pytest.raises(InvalidAmount):
        Money(minor, "EUR")


@pytest.mark.parametrize("code", ["XXX", "eur", "EURO", "", "XAU", None])
def test_a_currency_outside_iso_4217_with_minor_units_is_refused(code):
    with pytest.raises(UnknownCurrency):
        Money(100, code)


@pytest.mark.parametrize(
    ("money", "wire"),
    [
        (Money(1230, "EUR"), "12.30"),
        (Money(5, "EUR"), "0.05"),
        (Money(0, "EUR"), "0.00"),
        (Money(-105, "EUR"), "-1.05"),
        (Money(1000, "JPY"), "1000"),
        (Money(1500, "KWD"), "1.500"),
        (Money(7, "KWD"), "0.007"),
        (Money(1, "CLF"), "0.0001"),
    ],
)
def test_amounts_are_written_with_exactly_the_currencys_decimals(money, wire):
    assert money.to_wire() == wire
    assert Money.parse(wire, money.currency, allow_negative=True) == money


@given(
    minor=st.integers(min_value=-(10**15), max_value=10**15),
    currency=st.sampled_from(["EUR", "JPY", "KWD", "CLF", "USD"]),
)
def test_writing_then_reading_an_amount_gives_it_back(minor, currency):
    money = Money(minor, currency)

    assert Money.parse(money.to_wire(), currency, allow_negative=True) == money


def test_arithmetic_keeps_the_currency():
    assert Money(100, "EUR") + Money(23, "EUR") == Money(123, "EUR")
    assert Money(100, "EUR") - Money(123, "EUR") == Money(-23, "EUR")
    assert -Money(5, "EUR") == Money(-5, "EUR")
    assert Money(5, "EUR") * 3 == 3 * Money(5, "EUR") == Money(15, "EUR")
    assert Money(1, "EUR") < Money(2, "EUR") <= Money(2, "EUR")
    assert str(Money(1230, "EUR")) == "12.30 EUR"


@pytest.mark.parametrize(
    "operation",
    [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a < b,
        lambda a, b: a >= b,
        lambda a, b: Money.total([a, b], "EUR"),
    ],
)
def test_mixed_currencies_are_refused(operation):
    with pytest.raises(CurrencyMismatch, match="EUR and USD"):
        operation(Money(1, "EUR"), Money(1, "USD"))


def test_money_is_multiplied_by_whole_numbers_only():
    with pytest.raises(InvalidAmount):
        Money(100, "EUR") * 1.5  # type: ignore[operator]


@pytest.mark.parametrize(
    ("amount", "weights", "shares"),
    [
        (100, [1, 1, 1], [33, 34, 33]),
        (1000, [1, 1, 1], [333, 334, 333]),
        (10, [1, 0, 1], [5, 0, 5]),
        (999, [4999, 2999, 1999], [500, 299, 200]),  # exact: 499.55, 299.71, 199.73
        (1, [1, 1, 1, 1], [0, 1, 0, 0]),
        (-100, [1, 1, 1], [-33, -34, -33]),
    ],
)
def test_a_split_carries_the_remainder_forward(amount, weights, shares):
    assert [s.minor for s in Money(amount, "EUR").split(weights)] == shares


@pytest.mark.parametrize("weights", [[], [0, 0], [1, -1], [1.5, 1]])
def test_a_split_needs_non_negative_integer_weights_that_are_not_all_zero(weights):
    with pytest.raises(InvalidSplit):
        Money(100, "EUR").split(weights)


@given(
    minor=st.integers(min_value=-(10**12), max_value=10**12),
    weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=40).filter(
        any
    ),
)
def test_a_split_creates_and_loses_nothing_and_stays_within_a_unit_of_fair(minor, weights):
    shares = Money(minor, "EUR").split(weights)

    assert sum(s.minor for s in shares) == minor
    whole = sum(weights)
    for share, weight in zip(shares, weights, strict=True):
        assert abs(share.minor * whole - minor * weight) < whole  # |share - exact| < 1


@pytest.mark.parametrize(
    ("captured", "numerator", "denominator", "portion"),
    [(1000, 15, 100, 150), (999, 15, 100, 149), (-999, 15, 100, -149), (1, 1, 3, 0)],
)
def test_a_portion_never_rounds_above_the_exact_share(captured, numerator, denominator, portion):
    assert Money(captured, "EUR").portion(numerator, denominator) == Money(portion, "EUR")


def test_the_exponent_comes_from_iso_4217():
    assert (exponent_of("JPY"), exponent_of("EUR"), exponent_of("KWD")) == (0, 2, 3)
