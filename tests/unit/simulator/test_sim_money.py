"""Amounts and Amazon's refund ceiling (amazonpay-api.md §A.8)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from amzpay.simulator.errors import ApiError
from amzpay.simulator.money import format_amount, parse_amount, refund_ceiling


@pytest.mark.parametrize(
    ("captured", "currency", "ceiling"),
    [
        ("100.00", "EUR", "115.00"),
        ("500.00", "USD", "575.00"),
        ("1000.00", "GBP", "1075.00"),
        ("10.01", "EUR", "11.5115"),
        ("100000", "JPY", "108400"),
        ("10000", "JPY", "11500.00"),
    ],
)
def test_the_refund_ceiling_is_the_capture_plus_the_lesser_of_15_percent_and_75(
    captured: str, currency: str, ceiling: str
) -> None:
    assert refund_ceiling(Decimal(captured), currency) == Decimal(ceiling)


def test_amounts_are_written_with_the_currencys_decimals() -> None:
    assert (format_amount(Decimal("12.3"), "EUR"), format_amount(Decimal("500"), "JPY")) == (
        "12.30",
        "500",
    )


@pytest.mark.parametrize(
    ("text", "currency"), [("1.5", "JPY"), ("0.00", "EUR"), ("1,00", "EUR"), ("NaN", "EUR")]
)
def test_amounts_the_currency_cannot_hold_are_invalid(text: str, currency: str) -> None:
    with pytest.raises(ApiError) as refused:
        parse_amount("RefundAmount.Amount", text, currency)

    assert refused.value.code == "InvalidParameterValue"


def test_a_yen_amount_above_ten_million_exceeds_the_maximum() -> None:
    with pytest.raises(ApiError) as refused:
        parse_amount("RefundAmount.Amount", "10000001", "JPY")

    assert refused.value.code == "TransactionAmountExceeded"
