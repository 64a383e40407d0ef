"""The v2 sandbox wallet: the simulated cards of Amazon's test buyer accounts and what each
does when the buyer checks out with it (amazonpay-api.md §C.8).

Cards ending 1111, 0005, 4444, 9424 and 0000 succeed; 3064 and 3434 cancel the checkout
session (BuyerCanceled, Declined) when the buyer returns to the shop; 0701 and 4354 leave
the charge AuthorizationInitiated, to become Authorized or Declined/HardDeclined 30 s later,
and need ``canHandlePendingAuthorization``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Card:
    brand: str
    tail: str
    cancels_checkout: str | None = None  # the session's reason code when it cancels
    pending_outcome: str | None = None  # Authorized or HardDeclined, after a pending auth

    @property
    def descriptor(self) -> str:
        return f"{self.brand} ****{self.tail}"


CARDS: dict[str, Card] = {
    "visa": Card("Visa", "1111"),
    "amex": Card("American Express", "0005"),
    "mastercard": Card("MasterCard", "4444"),
    "discover": Card("Discover", "9424"),
    "jcb": Card("JCB", "0000"),
    "*buyer-canceled": Card("Visa", "3064", cancels_checkout="BuyerCanceled"),
    "*declined": Card("Visa", "3434", cancels_checkout="Declined"),
    "*pending-authorized": Card("Visa", "0701", pending_outcome="Authorized"),
    "*pending-declined": Card("Visa", "4354", pending_outcome="HardDeclined"),
}


def card(name: str) -> Card:
    """The wallet's card ``name``; ValueError naming the known ones otherwise."""
    if name not in CARDS:
        raise ValueError(f"unknown card {name!r}; known: {', '.join(sorted(CARDS))}")
    return CARDS[name]
