"""The buyer data of a v2 checkout session reply (``buyer``, ``shippingAddress``,
``paymentPreferences[0].paymentDescriptor``), read into the domain's ``Buyer`` and
``ShippingAddress``. Only the checkout reads it (it shows it to the buyer and stores it with
the order); ``wire`` leaves it out everywhere else, so nothing else can leak it.

Imports amzpay.domain only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from amzpay.domain.buyer import Buyer, ShippingAddress


@dataclass(frozen=True, slots=True, repr=False)
class SessionBuyer:
    """The buyer data of a checkout session reply."""

    buyer: Buyer | None
    shipping_address: ShippingAddress | None
    payment_descriptor: str | None

    def __repr__(self) -> str:
        return "SessionBuyer(<personal data>)"


def read_session_buyer(data: Mapping[str, Any]) -> SessionBuyer:
    """The buyer, the shipping address and the chosen payment method's descriptor; any of
    them None when Amazon leaves it out (before the buyer signed in), an address without a
    name or street too."""
    person = data.get("buyer") or {}
    buyer = None
    if person.get("name") and person.get("email"):
        buyer = Buyer(str(person["name"]), str(person["email"]), person.get("phoneNumber"))
    preferences = data.get("paymentPreferences") or [{}]
    descriptor = preferences[0].get("paymentDescriptor") if preferences else None
    return SessionBuyer(buyer, _address(data.get("shippingAddress") or {}), descriptor)


def _address(data: Mapping[str, Any]) -> ShippingAddress | None:
    lines = tuple(
        str(data[name])
        for name in ("addressLine1", "addressLine2", "addressLine3")
        if data.get(name)
    )
    if not data.get("name") or not lines or not data.get("countryCode"):
        return None
    return ShippingAddress(
        name=str(data["name"]),
        lines=lines,
        city=str(data.get("city") or ""),
        postal_code=data.get("postalCode"),
        country_code=str(data["countryCode"]),
        region=data.get("stateOrRegion"),
        phone=data.get("phoneNumber"),
    )
