"""What an e-mail says, as data: the kind, the recipient, the order's locale and the facts.

A ``Mail`` is plain data that survives a round trip through JSON (``to_json`` and
``from_json``), so the services can keep it in an outbox until it is delivered.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from amzpay.domain.money import Money


class MailKind(StrEnum):
    AUTHORIZATION_SUSPENDED = "authorization_suspended"  # buyer: choose another payment method
    AUTHORIZATION_DECLINED = "authorization_declined"  # buyer: contact the shop
    REFUND_COMPLETED = "refund_completed"  # buyer: the money is on its way back
    REFUND_DECLINED = "refund_declined"  # staff: Amazon declined, with its reason
    EXTERNAL_REFUND = "external_refund"  # staff: a refund made outside amzpay (Seller Central)


@dataclass(frozen=True, slots=True)
class Mail:
    """One e-mail to send. ``reason_code`` is Amazon's (InvalidPaymentMethod, AmazonRejected,
    ...); ``items`` are the names of the items concerned; ``amazon_id`` the Amazon object the
    mail is about, when staff need it (an external refund's id)."""

    kind: MailKind
    to: str
    locale: str
    order_reference: str
    amount: Money | None = None
    reason_code: str | None = None
    items: tuple[str, ...] = ()
    amazon_id: str | None = None

    def to_json(self) -> str:
        amount = None if self.amount is None else [self.amount.minor, self.amount.currency]
        return json.dumps(
            {
                "kind": self.kind.value,
                "to": self.to,
                "locale": self.locale,
                "order_reference": self.order_reference,
                "amount": amount,
                "reason_code": self.reason_code,
                "items": list(self.items),
                "amazon_id": self.amazon_id,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Mail:
        data: dict[str, Any] = json.loads(text)
        amount = data["amount"]
        return cls(
            kind=MailKind(data["kind"]),
            to=data["to"],
            locale=data["locale"],
            order_reference=data["order_reference"],
            amount=None if amount is None else Money(amount[0], amount[1]),
            reason_code=data["reason_code"],
            items=tuple(data["items"]),
            amazon_id=data.get("amazon_id"),  # absent from mails queued before it existed
        )


@dataclass(frozen=True, slots=True)
class Shop:
    """Who the e-mails come from."""

    name: str
    sender: str
    support: str
