"""Buyer test data: who signs in, where they ship to, and the sandbox wallet's payment methods.

``SANDBOX_ACCOUNTS`` are the sandbox test accounts a buyer signs in with on the simulator's pages
(``checkout``): each has a password and an address book; every wallet holds all of
``PAYMENT_METHODS``, the starred ones included, as Amazon's sandbox test accounts do.

Amazon's sandbox test accounts hold ordinary payment methods and starred ones that make
payments fail on purpose (amazonpay-api.md §A.11): one the seller's account may not accept
(constraint PaymentMethodNotAllowed) and three whose authorizations are declined.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .model import Address, Buyer


@dataclass(frozen=True)
class PaymentMethod:
    """A wallet entry: its descriptor name, the last digits of its account, and what
    Amazon does when it is charged."""

    name: str
    tail: str
    constraint: str | None = None
    decline_reason: str | None = None

    @property
    def full_descriptor(self) -> str:
        """As Amazon's sample shows it: ``Amazon Pay (Visa **11)``."""
        return f"Amazon Pay ({self.name} **{self.tail})"


PAYMENT_METHODS: dict[str, PaymentMethod] = {
    "visa": PaymentMethod("Visa", "11"),
    "mastercard": PaymentMethod("MasterCard", "44"),
    "*not-allowed": PaymentMethod("Visa*", "21", constraint="PaymentMethodNotAllowed"),
    "*invalid-payment-method": PaymentMethod("Visa**", "32", decline_reason="InvalidPaymentMethod"),
    "*amazon-rejected": PaymentMethod("Visa***", "43", decline_reason="AmazonRejected"),
    "*transaction-timed-out": PaymentMethod("Visa****", "54", decline_reason="TransactionTimedOut"),
}

DEFAULT_ADDRESS = Address(
    name="Erika Mustermann",
    line1="Heidestrasse 17",
    city="Koeln",
    postal_code="51147",
    country_code="DE",
    phone="+49 221 1234567",
)


def sandbox_buyer(payment_method: str = "visa", **changes: str) -> Buyer:
    """A sandbox test buyer paying with ``payment_method`` (a key of PAYMENT_METHODS)."""
    if payment_method not in PAYMENT_METHODS:
        known = ", ".join(sorted(PAYMENT_METHODS))
        raise ValueError(f"unknown payment method {payment_method!r}; known: {known}")
    address_fields = {"line1", "city", "postal_code", "country_code"}
    unknown = set(changes) - address_fields - {"name", "email"}
    if unknown:
        raise ValueError(f"unknown buyer fields: {', '.join(sorted(unknown))}")
    address = DEFAULT_ADDRESS
    if changes.keys() & address_fields:
        address = replace(address, **{k: v for k, v in changes.items() if k in address_fields})
    return Buyer(
        name=changes.get("name", "Erika Mustermann"),
        email=changes.get("email", "erika.mustermann@example.com"),
        address=address,
        payment_method=payment_method,
    )


SANDBOX_PASSWORD = "sandbox-password"
"""Every test account's password (Amazon's sandbox accounts have one the seller chose)."""


@dataclass(frozen=True)
class SandboxAccount:
    """A sandbox test account: who signs in with it, and its address book (first: default)."""

    email: str
    name: str
    addresses: tuple[Address, ...]
    password: str = SANDBOX_PASSWORD
    phone: str | None = None

    def paying(self, address: int = 0, payment_method: str = "visa") -> Buyer:
        """The buyer of an order reference shipping to ``addresses[address]``."""
        return Buyer(
            name=self.name,
            email=self.email,
            address=self.addresses[address],
            payment_method=payment_method,
            phone=self.phone,
        )


SANDBOX_ACCOUNTS: tuple[SandboxAccount, ...] = (
    SandboxAccount(
        email="erika.mustermann@example.com",
        name="Erika Mustermann",
        phone="+49 221 1234567",
        addresses=(
            DEFAULT_ADDRESS,
            Address(
                name="Erika Mustermann c/o Beispiel GmbH",
                line1="Friedrichstrasse 43",
                city="Berlin",
                postal_code="10117",
                country_code="DE",
            ),
        ),
    ),
    SandboxAccount(
        email="john.smith@example.co.uk",
        name="John Smith",
        addresses=(
            Address(
                name="John Smith",
                line1="21 Baker Street",
                city="London",
                postal_code="NW1 6XE",
                country_code="GB",
                phone="+44 20 7946 0000",
            ),
        ),
    ),
)


def sandbox_account(email: str) -> SandboxAccount | None:
    """The test account signed in with ``email`` (compared case-insensitively), if any."""
    wanted = email.strip().casefold()
    return next((b for b in SANDBOX_ACCOUNTS if b.email.casefold() == wanted), None)
