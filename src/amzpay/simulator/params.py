"""Reading one call's parameters the way Amazon validates them (amazonpay-api.md §A.4, §A.8)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from .errors import ApiError, invalid, missing
from .model import Price
from .money import parse_amount, parse_currency

_REFERENCE_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
NOTE_LIMIT = 255
SOFT_DESCRIPTOR_LIMIT = 16


@dataclass(frozen=True)
class Call:
    """One authenticated call: who made it, in which environment, with what."""

    action: str
    seller_id: str
    sandbox: bool
    params: Mapping[str, str]

    def required(self, name: str) -> str:
        value = self.params.get(name, "")
        if not value:
            raise missing(name)
        return value

    def optional(self, name: str, limit: int | None = None) -> str | None:
        value = self.params.get(name)
        if value is not None and limit is not None and len(value) > limit:
            raise invalid(name, value)
        return value

    def price(self, prefix: str) -> Price:
        """``<prefix>.Amount`` and ``<prefix>.CurrencyCode`` as a Price."""
        currency = parse_currency(f"{prefix}.CurrencyCode", self.required(f"{prefix}.CurrencyCode"))
        amount = parse_amount(f"{prefix}.Amount", self.required(f"{prefix}.Amount"), currency)
        return Price(amount, currency)

    def reference_id(self, name: str) -> str:
        """A seller's reference id: ``[A-Za-z0-9_-]``, at most 32 characters (§A.8)."""
        value = self.required(name)
        if not _REFERENCE_ID.fullmatch(value):
            raise invalid(name, value)
        return value

    def flag(self, name: str, default: bool) -> bool:
        value = self.params.get(name)
        if value is None:
            return default
        if value.lower() not in ("true", "false"):
            raise invalid(name, value)
        return value.lower() == "true"

    def whole_number(self, name: str, default: int) -> int:
        value = self.params.get(name)
        if value is None:
            return default
        if not value.isdigit():
            raise invalid(name, value)
        return int(value)


def same_currency(expected: str, price: Price) -> None:
    """CurrencyMismatch unless ``price`` is in the order's currency (§A.8)."""
    if price.currency != expected:
        raise ApiError(
            "CurrencyMismatch",
            f"The currency {price.currency} does not match the order's currency {expected}.",
        )


def at_most(amount: Decimal, ceiling: Decimal, what: str) -> None:
    if amount > ceiling:
        raise ApiError(
            "TransactionAmountExceeded", f"The {what} amount exceeds the amount allowed."
        )
