"""Amounts as Amazon's wire carries them: decimal strings, read into ``Decimal``, never float.

Also Amazon's refund allowance (amazonpay-api.md §A.8): a capture may be refunded up to the
captured amount plus the lesser of 15 % of it or 75 USD/GBP/EUR (8,400 JPY), each single
amount at most 150,000 (10,000,000 JPY).
"""

from __future__ import annotations

import re
from decimal import Decimal

from .errors import ApiError, invalid

# The ledger currencies of the legacy API (§A.8) and their minor-unit digits.
DIGITS = {"USD": 2, "EUR": 2, "GBP": 2, "JPY": 0}
_OVER_REFUND_CAP = {
    "USD": Decimal(75),
    "EUR": Decimal(75),
    "GBP": Decimal(75),
    "JPY": Decimal(8400),
}
_MAX_AMOUNT = {"USD": Decimal(150000), "EUR": Decimal(150000), "GBP": Decimal(150000)}
_MAX_AMOUNT_JPY = Decimal(10_000_000)
_FIFTEEN_PERCENT = Decimal("0.15")
_DECIMAL = re.compile(r"\d{1,12}(\.\d{1,3})?")  # plain decimals only: no sign, no exponent


def parse_currency(name: str, code: str) -> str:
    """A supported currency code, or InvalidParameterValue."""
    if code not in DIGITS:
        raise invalid(name, code)
    return code


def parse_amount(name: str, text: str, currency: str) -> Decimal:
    """A positive amount with at most the currency's decimals, within Amazon's maximum."""
    if not _DECIMAL.fullmatch(text):
        raise invalid(name, text)
    amount = Decimal(text)
    if amount <= 0 or amount != amount.quantize(Decimal(1).scaleb(-DIGITS[currency])):
        raise invalid(name, text)
    if amount > _MAX_AMOUNT.get(currency, _MAX_AMOUNT_JPY):
        raise ApiError(
            "TransactionAmountExceeded", f"The amount {text} {currency} exceeds the maximum."
        )
    return amount


def format_amount(amount: Decimal, currency: str) -> str:
    """``Decimal('12.3')`` in EUR -> ``'12.30'``; JPY has no decimals."""
    return str(amount.quantize(Decimal(1).scaleb(-DIGITS[currency])))


def refund_ceiling(captured: Decimal, currency: str) -> Decimal:
    """The most a capture may be refunded in total."""
    return captured + min(captured * _FIFTEEN_PERCENT, _OVER_REFUND_CAP[currency])
