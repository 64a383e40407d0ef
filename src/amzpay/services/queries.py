"""What staff and the REST API read: pages of orders, refunds and IPNs, an order's history.

    page = queries.orders(OrderFilter(search="flow", state="closed"), limit=50, offset=0)
    page.total, [o.reference for o in page.rows]
    queries.history("DE-1001")   # state moves, payment records, API calls, IPNs, e-mails
    queries.refunds(RefundFilter(state="pending", older_than=timedelta(hours=1)))
    queries.ipns()

Read-only, each in one short transaction. An IPN is linked to its order through the Amazon
ids inside it (Amazon's payment object ids begin with their order reference id), so the
inbox needs no order column; a message that cannot be read stays unlinked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar

from amzpay.amazonpay.ipn import IpnError
from amzpay.amazonpay.notifications import NOTIFICATION_TYPES, read_stored
from amzpay.domain.buyer import OrderBuyer
from amzpay.domain.order import AmazonApi, Order
from amzpay.domain.payment import STATES, PaymentKind, PaymentRecord
from amzpay.ports.logs import CallRecord
from amzpay.ports.queries import (
    IpnRow,
    MailMoment,
    OrderFacts,
    OrderFilter,
    OrderSummary,
    PaymentMoment,
    RefundFilter as RefundRowFilter,
    RefundSummary,
)
from amzpay.ports.unit import Storage, UnitOfWork
from amzpay.services.errors import ServiceError
from amzpay.services.notifications import order_of

__all__ = [
    "HistoryEntry",
    "InvalidPaging",
    "IpnEntry",
    "OrderDetail",
    "OrderFilter",
    "OrderSummary",
    "Page",
    "QueryService",
    "RefundAge",
    "RefundFilter",
]

T = TypeVar("T")
MAX_PAGE = 200
_IPN_BODY_LIMIT = 256 * 1024


class InvalidPaging(ServiceError, ValueError):
    """Raised for a page size or offset out of range; ``field`` names which."""

    def __init__(self, field: str, reason: str) -> None:
        self.field, self.reason = field, reason
        super().__init__(f"{field}: {reason}")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """``rows`` from ``offset`` on, at most ``limit`` of them, of ``total`` that match."""

    rows: tuple[T, ...]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class RefundFilter:
    state: str | None = None
    order: str | None = None
    older_than: timedelta | None = None  # requested longer ago than this


@dataclass(frozen=True, slots=True)
class RefundAge:
    refund: RefundSummary
    age: timedelta  # since it was requested


@dataclass(frozen=True, slots=True)
class IpnEntry:
    message_id: str
    notification_type: str
    received_at: datetime
    processed_at: datetime | None
    error: str | None  # the worker's note: why it changed nothing, or what failed
    order: str | None  # the order it concerns, when it can be told
    amazon_id: str | None  # the Amazon object it is about
    state: str | None  # the state it reports


@dataclass(frozen=True, slots=True)
class OrderDetail:
    """An order as stored, with its process, times and every payment record."""

    order: Order
    facts: OrderFacts
    payments: tuple[PaymentRecord, ...]  # authorizations, captures, refunds, each oldest first
    buyer: OrderBuyer = field(default_factory=OrderBuyer)  # who bought, where it ships
    order_reference_state: str | None = None  # Amazon's order reference, when it is known


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One moment of an order's history. ``kind``: state, payment, api_call, ipn or mail;
    ``details`` are (name, value) pairs fit to show (redacted: no addresses, no secrets)."""

    at: datetime
    kind: str
    summary: str
    details: tuple[tuple[str, str], ...] = field(default=())
    mail_id: int | None = None  # a mail's entry: the mail, on the back office's e-mail page


class QueryService:
    def __init__(self, database: Storage, clock: Callable[[], datetime]) -> None:
        self.database, self.clock = database, clock

    def orders(
        self, where: OrderFilter | None = None, *, limit: int = 50, offset: int = 0
    ) -> Page[OrderSummary]:
        """Orders newest first, each with its total, item count and items per state."""
        limit, offset = _paging(limit, offset)
        with self.database.read() as tx:
            rows, total = tx.order_page(where or OrderFilter(), limit, offset)
        return Page(tuple(rows), total, limit, offset)

    def order(self, reference: str) -> OrderDetail:
        """Raises OrderNotFound."""
        with self.database.read() as tx:
            facts = tx.order_facts(reference)
            payments = [p for kind in PaymentKind for p in tx.payments(reference, kind)]
            buyer = tx.order_buyer(reference)
            state = tx.order_reference_state(reference)
            return OrderDetail(tx.order(reference), facts, tuple(payments), buyer, state)

    def order_of_amazon_reference(self, amazon_order_reference_id: str) -> str | None:
        """The order whose Amazon order reference this is, if one is stored."""
        with self.database.read() as tx:
            return tx.order_of_amazon_reference(amazon_order_reference_id)

    def refunds(
        self, where: RefundFilter | None = None, *, limit: int = 50, offset: int = 0
    ) -> Page[RefundAge]:
        """Refund records, oldest request first, each with its age."""
        limit, offset = _paging(limit, offset)
        where = where or RefundFilter()
        now = self.clock()
        before = None if where.older_than is None else now - where.older_than
        with self.database.read() as tx:
            rows, total = tx.refund_page(
                RefundRowFilter(where.state, where.order, before), limit, offset
            )
        aged = tuple(RefundAge(row, now - row.requested_at) for row in rows)
        return Page(aged, total, limit, offset)

    def ipns(
        self,
        *,
        notification_type: str | None = None,
        errors_only: bool = False,
        limit: int = 50,
        offset: int = 0,
        api: AmazonApi | None = None,
    ) -> Page[IpnEntry]:
        """The IPN inbox newest first, each message with the order it concerns if known;
        with ``api``, only the messages that API sends."""
        limit, offset = _paging(limit, offset)
        among = None if api is None else NOTIFICATION_TYPES[api]
        with self.database.read() as tx:
            rows, total = tx.ipn_page(notification_type, errors_only, limit, offset, among=among)
            entries = tuple(_entry(tx, row) for row in rows)
        return Page(entries, total, limit, offset)

    def history(self, order: str) -> list[HistoryEntry]:
        """Everything that happened to the order, oldest first. Raises OrderNotFound."""
        with self.database.read() as tx:
            amazon_order = tx.amazon_order_reference_id(order)
            entries = [_state_entry(*moment) for moment in tx.timeline(order)]
            payments = tx.payment_moments(order)
            for payment in payments:
                entries += _payment_entries(payment)
            entries += [_call_entry(call) for call in tx.api_calls(order)]
            entries += [_mail_entry(mail) for mail in tx.mail_moments(order)]
            entries += [_ipn_entry(_entry(tx, row)) for row in tx.ipns_of_order(order)]
            # Messages stored before what they are about was kept at receipt: candidates by
            # the ids their bodies would hold, each read to be sure.
            ids = [p.reference_id for p in payments] + ([amazon_order] if amazon_order else [])
            for row in tx.unread_ipns_mentioning(ids):
                ipn = _entry(tx, row)
                if ipn.order == order:
                    entries.append(_ipn_entry(ipn))
        return sorted(entries, key=lambda entry: entry.at)  # stable: same-time order kept


def _paging(limit: int, offset: int) -> tuple[int, int]:
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidPaging("limit", f"from 1 to {MAX_PAGE}, got {limit}")
    if offset < 0:
        raise InvalidPaging("offset", f"at least 0, got {offset}")
    return limit, offset


def _entry(tx: UnitOfWork, row: IpnRow) -> IpnEntry:
    """The message with what it is about: as read at receipt, or, for a message stored
    before that was kept, read from its body (unreadable: left blank)."""
    amazon_id, state, order = row.amazon_id, row.state, row.order
    if row.object_kind is None and row.order is None:
        try:
            seen = read_stored(row.body, _IPN_BODY_LIMIT, row.received_at).seen
        except (IpnError, UnicodeError):
            seen = None
        if seen is not None:
            amazon_id, state = seen.amazon_id, seen.state.value
            order = order_of(tx, seen)
    return IpnEntry(
        row.message_id,
        row.notification_type,
        row.received_at,
        row.processed_at,
        row.error,
        order,
        amazon_id,
        state,
    )


def _state_entry(
    at: datetime, item: str, source: str | None, target: str, event: str | None, actor: str
) -> HistoryEntry:
    moved = f"{source} -> {target}" if source else f"-> {target}"
    details = [("item", item), ("from", source or ""), ("to", target), ("actor", actor)]
    if event:
        details.append(("event", event))
    return HistoryEntry(at, "state", f"item {item}: {moved}", tuple(details))


def _payment_entries(payment: PaymentMoment) -> list[HistoryEntry]:
    """The record's request and, once it moved on, its current state (the store keeps a
    record's current state, not each of its past ones)."""
    base = (
        ("reference_id", payment.reference_id),
        ("amazon_id", payment.amazon_id or ""),
        ("amount", str(payment.amount)),
    )
    requested = STATES[payment.kind].REQUESTED.value
    entries = [
        HistoryEntry(
            payment.created_at,
            "payment",
            f"{payment.kind} {payment.reference_id} requested: {payment.amount}",
            (*base, ("state", requested)),
        )
    ]
    if payment.state != requested:
        reason = payment.reason_code or payment.error_code
        summary = f"{payment.kind} {payment.reference_id} {payment.state}"
        details: tuple[tuple[str, str], ...] = (*base, ("state", payment.state))
        if reason:
            summary += f" ({reason})"
            details += (("reason_code", reason),)
        entries.append(HistoryEntry(payment.updated_at, "payment", summary, details))
    return entries


def _call_entry(call: CallRecord) -> HistoryEntry:
    details = [
        ("operation", call.operation),
        ("attempt", str(call.attempt)),
        ("outcome", call.outcome),
        ("duration_ms", str(call.duration_ms)),
    ]
    optional = {
        "reference_id": call.reference_id,
        "amazon_id": call.amazon_id,
        "http_status": None if call.http_status is None else str(call.http_status),
        "request_id": call.request_id,
        "error_code": call.error_code,
    }
    details += [(name, value) for name, value in optional.items() if value is not None]
    details += [(f"parameter {name}", value) for name, value in sorted(call.parameters.items())]
    summary = f"{call.operation} (attempt {call.attempt}): {call.outcome}"
    if call.error_code:
        summary += f" {call.error_code}"
    return HistoryEntry(call.started_at, "api_call", summary, tuple(details))


def _ipn_entry(ipn: IpnEntry) -> HistoryEntry:
    details = [("message_id", ipn.message_id), ("type", ipn.notification_type)]
    if ipn.amazon_id:
        details.append(("amazon_id", ipn.amazon_id))
    if ipn.state:
        details.append(("state", ipn.state))
    if ipn.processed_at is not None:
        details.append(("processed_at", _iso(ipn.processed_at)))
    if ipn.error:
        details.append(("note", ipn.error))
    summary = f"IPN {ipn.notification_type}" + (f": {ipn.state}" if ipn.state else "")
    return HistoryEntry(ipn.received_at, "ipn", summary, tuple(details))


def _mail_entry(mail: MailMoment) -> HistoryEntry:
    details = [("kind", mail.kind), ("audience", mail.audience), ("status", mail.status)]
    details.append(("attempts", str(mail.attempts)))
    if mail.sent_at is not None:
        details.append(("sent_at", _iso(mail.sent_at)))
    if mail.last_error:
        details.append(("last_error", mail.last_error))
    summary = f"e-mail {mail.kind} to {mail.audience}: {mail.status}"
    return HistoryEntry(mail.created_at, "mail", summary, tuple(details), mail_id=mail.id)


def _iso(moment: datetime) -> str:
    """ISO 8601 in UTC with its zone, as the API writes times: 2026-03-02T09:30:00Z."""
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return utc.isoformat().replace("+00:00", "Z")
