"""The in-memory store's rows: frozen records in plain dicts keyed by id, in id order.

A row never changes in place: a change replaces it (``dataclasses.replace``), so a copy of
the dicts (``Tables.copy``) is a snapshot that no later write reaches. That is what makes a
write transaction all-or-nothing and a read a consistent snapshot.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime

from amzpay.domain.buyer import OrderBuyer
from amzpay.domain.money import Money
from amzpay.domain.order import Order
from amzpay.domain.payment import PaymentKind, PaymentRecord
from amzpay.ports.logs import CallRecord


@dataclass(frozen=True, slots=True)
class OrderRow:
    id: int
    order: Order  # as stored, with the capture ids set since (refunds: from their records)
    process: str
    created_at: datetime
    closed_at: datetime | None
    states: Mapping[str, str | None]  # item id -> OMS state, in the items' order


@dataclass(frozen=True, slots=True)
class HistoryRow:
    id: int
    order_id: int
    item: str
    source: str | None
    target: str
    event: str | None
    actor: str
    at: datetime


@dataclass(frozen=True, slots=True)
class TimerRow:
    id: int
    order_id: int
    item: str
    state: str
    event: str
    due_at: datetime


@dataclass(frozen=True, slots=True)
class JobRow:
    id: int
    order_id: int
    command: str
    event: str
    items: tuple[str, ...]
    status: str  # due, running, done, failed
    attempts: int
    not_before: datetime
    created_at: datetime
    claimed_by: str | None = None
    claimed_until: datetime | None = None
    last_error: str | None = None
    finished_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PaymentRow:
    order_id: int
    record: PaymentRecord


@dataclass(frozen=True, slots=True)
class BookingRow:
    id: int
    refund_id: int
    amount: Money
    booked_at: datetime


@dataclass(frozen=True, slots=True)
class CallRow:
    id: int
    order_id: int | None
    call: CallRecord


@dataclass(frozen=True, slots=True)
class InboxRow:
    id: int
    message_id: str
    notification_type: str
    body: str
    received_at: datetime
    processed_at: datetime | None = None
    error: str | None = None
    attempts: int = 0
    next_attempt_at: datetime | None = None
    object_kind: str | None = None
    amazon_id: str | None = None
    object_state: str | None = None
    order_id: int | None = None


@dataclass(frozen=True, slots=True)
class OrderReferenceRow:
    amazon_id: str
    state: str
    reason_code: str | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class MailRecord:
    id: int
    order_id: int | None
    kind: str
    audience: str
    mail: str
    status: str  # due, sent, failed
    attempts: int
    not_before: datetime
    created_at: datetime
    last_error: str | None = None
    sent_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ExternalRefundRow:
    id: int
    amazon_refund_id: str
    reference_id: str
    order_id: int | None
    state: str
    reason_code: str | None
    amount: Money | None
    first_seen_at: datetime
    updated_at: datetime
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None


@dataclass(frozen=True, slots=True)
class UserRow:
    id: int
    username: str
    display_name: str | None
    password_hash: str
    active: bool
    created_at: datetime
    last_login_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SessionRow:
    token_hash: str
    user_id: int
    csrf_token: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class FailureRow:
    id: int
    at: datetime
    username: str
    address: str
    outcome: str


@dataclass(frozen=True, slots=True)
class TokenRow:
    name: str
    token_hash: str
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SettingRow:
    value: str
    updated_at: datetime


def _payment_tables() -> dict[PaymentKind, dict[int, PaymentRow]]:
    return {kind: {} for kind in PaymentKind}


@dataclass
class Tables:
    """Every table, as dicts from key to row; ``next_ids`` holds each table's sequence."""

    orders: dict[int, OrderRow] = field(default_factory=dict)
    references: dict[str, int] = field(default_factory=dict)  # order reference -> its id
    history: dict[int, HistoryRow] = field(default_factory=dict)
    timers: dict[int, TimerRow] = field(default_factory=dict)
    jobs: dict[int, JobRow] = field(default_factory=dict)
    payments: dict[PaymentKind, dict[int, PaymentRow]] = field(default_factory=_payment_tables)
    bookings: dict[int, BookingRow] = field(default_factory=dict)
    calls: dict[int, CallRow] = field(default_factory=dict)
    inbox: dict[str, InboxRow] = field(default_factory=dict)  # by message id
    order_references: dict[int, OrderReferenceRow] = field(default_factory=dict)  # by order
    mails: dict[int, MailRecord] = field(default_factory=dict)
    external_refunds: dict[str, ExternalRefundRow] = field(default_factory=dict)  # Amazon id
    users: dict[str, UserRow] = field(default_factory=dict)  # by username
    sessions: dict[str, SessionRow] = field(default_factory=dict)  # by token digest
    failures: dict[int, FailureRow] = field(default_factory=dict)
    tokens: dict[str, TokenRow] = field(default_factory=dict)  # by name
    settings: dict[str, SettingRow] = field(default_factory=dict)
    buyers: dict[int, OrderBuyer] = field(default_factory=dict)  # by order id
    next_ids: dict[str, int] = field(default_factory=dict)

    def copy(self) -> Tables:
        """A snapshot: new dicts holding the same (immutable) rows."""
        copied = Tables(**{f.name: dict(getattr(self, f.name)) for f in fields(self)})
        copied.payments = {kind: dict(rows) for kind, rows in self.payments.items()}
        return copied

    def restore(self, snapshot: Tables) -> None:
        """Make these tables what ``snapshot`` holds again (a savepoint rolled back)."""
        restored = snapshot.copy()
        for f in fields(self):
            setattr(self, f.name, getattr(restored, f.name))

    def new_id(self, table: str) -> int:
        """The next id of ``table``'s sequence (1, 2, ...)."""
        self.next_ids[table] = self.next_ids.get(table, 0) + 1
        return self.next_ids[table]
