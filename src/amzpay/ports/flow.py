"""The records of the work that flows beside the payments: mails to send, IPNs to apply,
refunds made outside amzpay."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from amzpay.domain.money import Money


@dataclass(frozen=True, slots=True)
class QueuedMail:
    id: int
    audience: str  # buyer or staff
    mail: str  # amzpay.mail.Mail as JSON
    attempts: int


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    kind: str
    audience: str
    status: str
    attempts: int
    mail: str


@dataclass(frozen=True, slots=True)
class InboxMessage:
    message_id: str
    notification_type: str
    body: str
    attempts: int = 0  # failed applications so far


@dataclass(frozen=True, slots=True)
class ExternalRefund:
    amazon_refund_id: str
    reference_id: str
    order: str | None
    state: str
    reason_code: str | None
    amount: Money | None
    acknowledged: bool
    first_seen_at: datetime | None = None
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None


@dataclass(frozen=True, slots=True)
class Addressee:
    """What a mail about an order needs of it (``OrderRows.addressee``)."""

    reference: str
    customer_email: str
    locale: str
    item_names: Mapping[str, str]  # item id -> name, for the items asked about
