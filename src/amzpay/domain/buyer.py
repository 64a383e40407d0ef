"""Who bought and where it goes: the buyer and the shipping address Amazon tells the shop at
checkout, in the shop's words.

Both are personal data: their ``repr`` shows no name, e-mail or street, so that an object
logged by mistake leaks nothing (ARCHITECTURE.md: never log addresses or buyer data).

Imports nothing but the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, repr=False)
class Buyer:
    """The buyer as their Amazon account names them."""

    name: str
    email: str
    phone: str | None = None

    def __repr__(self) -> str:
        return "Buyer(<personal data>)"


@dataclass(frozen=True, slots=True, repr=False)
class ShippingAddress:
    """Where the order is shipped: ``lines`` are the street lines (one to three), ``region``
    a state, region, county or district where the country has one."""

    name: str
    lines: tuple[str, ...]
    city: str
    postal_code: str | None  # a few countries have none
    country_code: str  # ISO 3166-1 alpha-2
    region: str | None = None
    phone: str | None = None

    def __repr__(self) -> str:
        return f"ShippingAddress(<personal data>, country_code={self.country_code!r})"


@dataclass(frozen=True, slots=True, repr=False)
class OrderBuyer:
    """Who bought an order and where it ships, as Amazon told the shop at checkout; either
    may be unknown (an order imported from elsewhere has neither)."""

    buyer: Buyer | None = None
    shipping_address: ShippingAddress | None = None

    def __repr__(self) -> str:
        return "OrderBuyer(<personal data>)"
