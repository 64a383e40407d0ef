"""The HTML of Amazon's hosted v2 checkout pages as the simulator shows them: the address
and card choice after sign-in, and the payment's authentication step at
``amazonPayRedirectUrl``. The sign-in form and the page frame are the legacy pages' own.
Every value is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from ..model import Address
from .wallet import CARDS, Card


def choose(addresses: Sequence[Address], name: str, error: str | None = None) -> str:
    problem = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    address_rows = "".join(
        f'<li><label><input type="radio" name="address" value="{index}" '
        f'data-address="{index}"{" checked" if index == 0 else ""}> '
        f"{_address(address)}</label></li>"
        for index, address in enumerate(addresses)
    )
    card_rows = "".join(
        f'<li><label><input type="radio" name="card" value="{escape(key)}" '
        f'data-card="{escape(key)}"{" checked" if key == "visa" else ""}> '
        f"{_card(card)}</label></li>"
        for key, card in CARDS.items()
    )
    return (
        f"<h1>Hello, {escape(name)}</h1>{problem}"
        '<form method="post">'
        f"<h2>Ship to</h2><ul>{address_rows}</ul>"
        f"<h2>Pay with</h2><ul>{card_rows}</ul>"
        '<button class="submit" type="submit">Continue to the shop</button></form>'
    )


def authenticate(amount: str, descriptor: str) -> str:
    """The payment's authentication step (3-D Secure, as the buyer's bank would ask it)."""
    return (
        "<h1>Confirm your payment</h1>"
        f'<p>Amazon Pay charges <strong id="amount">{escape(amount)}</strong> to '
        f"{escape(descriptor)}. Your bank asks you to confirm it.</p>"
        '<form method="post">'
        '<button class="submit" type="submit" name="outcome" value="pass">Confirm payment</button> '
        '<button class="submit" type="submit" name="outcome" value="fail">'
        "Fail the authentication</button> "
        '<button class="submit" type="submit" name="outcome" value="abandon">'
        "Cancel and return to the shop</button></form>"
        '<p class="note">Sandbox: "Fail" plays a buyer who does not pass the bank\'s check; '
        '"Cancel" one who gives up.</p>'
    )


def _address(address: Address) -> str:
    parts = [address.name, address.line1, f"{address.postal_code} {address.city}"]
    return ", ".join(escape(part) for part in [*parts, address.country_code])


def _card(card: Card) -> str:
    text = escape(card.descriptor)
    outcome = card.cancels_checkout or card.pending_outcome
    if outcome is None:
        return text
    return f'{text} <span class="note">(sandbox: {escape(outcome)})</span>'
