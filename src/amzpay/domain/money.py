"""Money: an integer number of minor units with its ISO 4217 currency.

EUR 12.30 is ``Money(1230, "EUR")``, JPY 1000 is ``Money(1000, "JPY")``, KWD 1.500 is
``Money(1500, "KWD")``. Amounts never pass through a float. Amazon's wire format is a decimal
string ("12.3", "12.30", "0.0"); ``Money.parse`` and ``Money.to_wire`` convert exactly, and the
adapters call them at the boundary.

Imports nothing but the standard library.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from amzpay.domain.currencies import MINOR_UNIT_EXPONENTS
from amzpay.domain.errors import CurrencyMismatch, InvalidAmount, InvalidSplit, UnknownCurrency

_WIRE_AMOUNT: Final = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?")
_MAX_INTEGER_DIGITS: Final = 18  # far beyond any payment; keeps hostile input cheap to reject


def exponent_of(currency: str) -> int:
    """The number of decimals of ``currency``'s minor unit (EUR 2, JPY 0, KWD 3)."""
    try:
        return MINOR_UNIT_EXPONENTS[currency]
    except (KeyError, TypeError):
        raise UnknownCurrency(currency) from None


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount: ``minor`` units of ``currency``'s minor unit."""

    minor: int
    currency: str

    def __post_init__(self) -> None:
        # type() rather than isinstance(): bool is an int subclass and never an amount.
        if type(self.minor) is not int:
            raise InvalidAmount(self.minor, "money is an integer number of minor units")
        exponent_of(self.currency)

    # -- construction --------------------------------------------------------------------------

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @classmethod
    def parse(cls, text: str, currency: str, *, allow_negative: bool = False) -> Money:
        """Read an amount in Amazon's decimal notation ("12.3", "12.30", "0.0", "1000").

        Trailing zeros past the currency's exponent are exact and accepted ("12.300" EUR);
        any other digit there is refused rather than rounded.

        Raises:
            InvalidAmount: not a string, malformed (NaN, "1e3", "", " 1"), a non-zero digit
                past the currency's exponent, or negative without ``allow_negative``.
            UnknownCurrency: ``currency`` is not in ISO 4217.
        """
        exponent = exponent_of(currency)
        if not isinstance(text, str):
            raise InvalidAmount(text, "a wire amount is a decimal string, never a number")
        match = _WIRE_AMOUNT.fullmatch(text)
        if match is None:
            raise InvalidAmount(text, "expected digits with an optional '.' and decimals")
        sign, whole, fraction = match.group(1), match.group(2), match.group(3) or ""
        if len(whole.lstrip("0")) > _MAX_INTEGER_DIGITS:
            raise InvalidAmount(text, "too large to be a payment amount")
        if fraction[exponent:].strip("0"):
            raise InvalidAmount(text, f"{currency} has {exponent} decimals")
        minor = int(whole) * 10**exponent + int(fraction[:exponent].ljust(exponent, "0") or "0")
        if sign and minor and not allow_negative:
            raise InvalidAmount(text, "must not be negative")
        return cls(-minor if sign else minor, currency)

    @classmethod
    def _trusted(cls, minor: int, currency: str) -> Money:
        """A result of arithmetic on valid amounts of one currency: nothing to check again."""
        money = object.__new__(cls)
        object.__setattr__(money, "minor", minor)
        object.__setattr__(money, "currency", currency)
        return money

    @classmethod
    def total(cls, amounts: Iterable[Money], currency: str) -> Money:
        """The sum of ``amounts``, all in ``currency`` (zero when there are none)."""
        exponent_of(currency)  # an unknown currency fails even with no amounts
        minor = 0
        for amount in amounts:
            if amount.currency != currency:
                raise CurrencyMismatch(currency, amount.currency, "a total")
            minor += amount.minor
        return cls._trusted(minor, currency)

    # -- conversion ----------------------------------------------------------------------------

    @property
    def exponent(self) -> int:
        return exponent_of(self.currency)

    def to_wire(self) -> str:
        """Amazon's notation with exactly the currency's decimals: "12.30", "1000", "1.500"."""
        exponent = self.exponent
        digits = str(abs(self.minor)).rjust(exponent + 1, "0")
        sign = "-" if self.minor < 0 else ""
        if exponent == 0:
            return sign + digits
        return f"{sign}{digits[:-exponent]}.{digits[-exponent:]}"

    def __str__(self) -> str:
        return f"{self.to_wire()} {self.currency}"

    # -- arithmetic ----------------------------------------------------------------------------

    def _same_currency(self, other: Money) -> int:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(self.currency, other.currency)
        return other.minor

    def __add__(self, other: Money) -> Money:
        return Money._trusted(self.minor + self._same_currency(other), self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money._trusted(self.minor - self._same_currency(other), self.currency)

    def __neg__(self) -> Money:
        return Money._trusted(-self.minor, self.currency)

    def __mul__(self, factor: int) -> Money:
        if type(factor) is not int:
            raise InvalidAmount(factor, "money is multiplied by whole numbers only")
        return Money(self.minor * factor, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        return self.minor < self._same_currency(other)

    def __le__(self, other: Money) -> bool:
        return self.minor <= self._same_currency(other)

    def __gt__(self, other: Money) -> bool:
        return self.minor > self._same_currency(other)

    def __ge__(self, other: Money) -> bool:
        return self.minor >= self._same_currency(other)

    def __bool__(self) -> bool:
        return self.minor != 0

    @property
    def is_negative(self) -> bool:
        return self.minor < 0

    def portion(self, numerator: int, denominator: int) -> Money:
        """``self * numerator / denominator``, rounded towards zero: never more than the
        exact share (used for Amazon's 15 % over-refund allowance)."""
        if denominator <= 0 or numerator < 0:
            raise InvalidSplit(f"cannot take {numerator}/{denominator} of an amount")
        share = abs(self.minor) * numerator // denominator
        return Money(-share if self.minor < 0 else share, self.currency)

    def split(self, weights: Sequence[int]) -> tuple[Money, ...]:
        """Share this amount over ``weights``, in order, carrying each rounding remainder to
        the next share: the shares always add up to exactly this amount, and each is within
        one minor unit of its exact proportional value.

        Raises:
            InvalidSplit: no weights, a negative or non-integer weight, or all weights zero.
        """
        if not weights:
            raise InvalidSplit("no weights to split over")
        if any(type(w) is not int or w < 0 for w in weights):
            raise InvalidSplit(f"weights must be non-negative integers, got {list(weights)}")
        whole = sum(weights)
        if whole == 0:
            raise InvalidSplit("all weights are zero")
        sign, magnitude = (-1 if self.minor < 0 else 1), abs(self.minor)
        shares: list[Money] = []
        cumulative_weight = handed_out = 0
        for weight in weights:
            cumulative_weight += weight
            # Round the running total half up, then hand out the difference: the remainder
            # of one share is carried into the next instead of being lost.
            due = (2 * magnitude * cumulative_weight + whole) // (2 * whole)
            shares.append(Money(sign * (due - handed_out), self.currency))
            handed_out = due
        return tuple(shares)
