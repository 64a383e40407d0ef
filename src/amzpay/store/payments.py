"""Amazon payment records: one row per authorization, capture and refund, each with its own
state, reason code, Amazon id, our reference id, amount and items.

The state is stored as the text of its kind's enum (``domain/payment.py``: ``requested``,
``pending``, ``open``, ``completed``, ``declined``, ``closed``, ``failed``) and read back as
that enum. A refund also keeps
the exact amount of each item and expense it asked Amazon for, so that completing it books
what was sent, never a recomputed amount.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import (
    Row,
    Select,
    Table,
    and_,
    bindparam,
    insert,
    literal,
    or_,
    select,
    union_all,
    update,
)

from amzpay.domain.money import Money
from amzpay.domain.order import ExpenseId, ItemId
from amzpay.domain.payment import STATES, PaymentKind, PaymentRecord, RefundState, state_of
from amzpay.domain.refund import RefundLine
from amzpay.ports.errors import RecordNotFound
from amzpay.ports.payments import NewPayment
from amzpay.store import tables as t
from amzpay.store.base import Rows

__all__ = ["NewPayment", "PaymentKind", "PaymentRecord", "PaymentRows", "payment_table"]


_TABLES: dict[PaymentKind, tuple[Table, str]] = {
    PaymentKind.AUTHORIZATION: (t.authorizations, "amazon_authorization_id"),
    PaymentKind.CAPTURE: (t.captures, "amazon_capture_id"),
    PaymentKind.REFUND: (t.refunds, "amazon_refund_id"),
}


def _select_of(kind: PaymentKind) -> Select[Any]:
    """A record of ``kind`` with its order's reference."""
    table, _ = _TABLES[kind]
    return select(table, t.orders.c.reference.label("order_reference")).join(
        t.orders, t.orders.c.id == table.c.order_id
    )


# Built once, bound on each call: IPNs and polls find a record by either id many times.
_BY_REFERENCE_ID: Final = {
    kind: _select_of(kind).where(table.c.reference_id == bindparam("key"))
    for kind, (table, _) in _TABLES.items()
}
_BY_AMAZON_ID: Final = {
    kind: _select_of(kind).where(table.c[amazon_column] == bindparam("key"))
    for kind, (table, amazon_column) in _TABLES.items()
}
_ITEMS: Final = {
    kind: select(table.c.id, table.c["items"])
    .where(table.c.order_id == bindparam("order_id"))
    .order_by(table.c.id)
    for kind, (table, _) in _TABLES.items()
    if kind is not PaymentKind.REFUND
}
_REFUND_ITEMS: Final = (
    select(t.refunds.c.id, t.refund_lines.c.line_id, t.refund_lines.c.kind)
    .outerjoin(t.refund_lines, t.refund_lines.c.refund_id == t.refunds.c.id)
    .where(t.refunds.c.order_id == bindparam("order_id"))
    .order_by(t.refunds.c.id, t.refund_lines.c.id)
)
_BY_ID: Final = {
    kind: _select_of(kind).where(table.c.id == bindparam("key"))
    for kind, (table, _) in _TABLES.items()
}
_OF_ORDER: Final = {
    kind: _select_of(kind)
    .where(t.orders.c.reference == bindparam("reference"))
    .order_by(table.c.id)
    for kind, (table, _) in _TABLES.items()
}
_OF_JOB: Final = {
    kind: _select_of(kind).where(table.c.job_id == bindparam("key")).order_by(table.c.id)
    for kind, (table, _) in _TABLES.items()
}
_POLLS_DUE: Final = {
    kind: select(literal(kind.value).label("kind"), table.c.id)
    .where(
        table.c.state == STATES[kind].PENDING.value,
        table.c[amazon_column].is_not(None),
        or_(
            and_(
                table.c.next_poll_at.is_(None),
                table.c.updated_at <= bindparam("changed_before", type_=table.c.updated_at.type),
            ),
            table.c.next_poll_at <= bindparam("now", type_=table.c.next_poll_at.type),
        ),
    )
    .order_by(table.c.id)
    .limit(bindparam("limit"))
    .subquery()
    for kind, (table, amazon_column) in _TABLES.items()
}
_POLLS_DUE_IDS: Final = union_all(*(select(due.c.kind, due.c.id) for due in _POLLS_DUE.values()))
"""The kind and id of each record whose poll is due, up to ``limit`` of each kind: one
statement for the worker's every round, which mostly finds none."""
_KINDS: Final = list(_TABLES)
_UPDATE: Final = {
    kind: update(table).where(table.c.id == bindparam("record_id"))
    for kind, (table, _) in _TABLES.items()
}
_INSERT: Final = {kind: insert(table) for kind, (table, _) in _TABLES.items()}
_BOOKED: Final = select(t.refund_bookings.c.id).where(
    t.refund_bookings.c.refund_id == bindparam("refund_id")
)
_BOOKINGS: Final = (
    select(t.refund_bookings)
    .join(t.refunds, t.refunds.c.id == t.refund_bookings.c.refund_id)
    .where(t.refunds.c.order_id == bindparam("order_id"))
    .order_by(t.refund_bookings.c.id)
)
_REFUND_LINES: Final = (
    select(t.refund_lines)
    .where(t.refund_lines.c.refund_id == bindparam("refund_id"))
    .order_by(t.refund_lines.c.id)
)


def payment_table(kind: PaymentKind) -> tuple[Table, str]:
    """The table of ``kind`` and the name of its Amazon id column."""
    return _TABLES[kind]


class PaymentRows(Rows):
    def add_payment(self, order: str, new: NewPayment, at: datetime) -> PaymentRecord:
        values: dict[str, object] = {
            "order_id": self.order_id(order),
            "reference_id": new.reference_id,
            "state": STATES[new.kind].REQUESTED.value,
            "amount": new.amount.minor,
            "currency": new.amount.currency,
            "created_at": at,
            "updated_at": at,
            "job_id": new.job_id,
        }
        if new.kind is PaymentKind.AUTHORIZATION:
            values |= {"items": list(new.items), "capture_now": new.capture_now}
        elif new.kind is PaymentKind.CAPTURE:
            values |= {"items": list(new.items), "authorization_id": new.parent_id}
        else:
            over = new.over_refund.minor if new.over_refund else 0
            values |= {"capture_id": new.parent_id, "over_refund": over}
        record_id = self.inserted_id(self.conn.execute(_INSERT[new.kind], values))
        if new.kind is PaymentKind.REFUND:
            self._add_lines(record_id, new)
        known = self._payment_ids.get((order, new.kind))
        if known is not None:
            known.append(record_id)  # the newest record: the list stays oldest first
        return self.payment(new.kind, record_id)

    def payment(self, kind: PaymentKind, record_id: int) -> PaymentRecord:
        known = self._payments.get((kind, record_id))
        if known is not None:
            return known
        row = self.conn.execute(_BY_ID[kind], {"key": record_id}).first()
        if row is None:
            raise RecordNotFound(kind.value, str(record_id))
        return self._keep(self._record(kind, row))

    def payments(self, order: str, kind: PaymentKind) -> list[PaymentRecord]:
        known = self._payment_ids.get((order, kind))
        if known is not None:
            return [self.payment(kind, record_id) for record_id in known]  # changed: read
        rows = self.conn.execute(_OF_ORDER[kind], {"reference": order}).all()
        if not rows:
            self.order_id(order)  # an order with no records, or no such order
        records = [self._keep(self._record(kind, row)) for row in rows]
        if order in self._locked:
            self._payment_ids[(order, kind)] = [record.id for record in records]
        return records

    def payment_items(self, order: str, kind: PaymentKind) -> list[tuple[int, tuple[str, ...]]]:
        """The id and ``items`` of each of the order's records of ``kind``, oldest first, as
        ``payments`` has them, in one query: what settlement asks of every record."""
        values = {"order_id": self.order_id(order)}
        if kind is not PaymentKind.REFUND:
            return [(row.id, tuple(row.items)) for row in self.conn.execute(_ITEMS[kind], values)]
        lines: dict[int, tuple[list[str], list[str]]] = {}
        for refund_id, line_id, line_kind in self.conn.execute(_REFUND_ITEMS, values):
            items, expenses = lines.setdefault(refund_id, ([], []))
            if line_id is not None:
                (items if line_kind == "item" else expenses).append(line_id)
        return [(refund_id, (*items, *expenses)) for refund_id, (items, expenses) in lines.items()]

    def job_payments(self, job_id: int, kind: PaymentKind) -> list[PaymentRecord]:
        """The records the job's ``plan`` stored, oldest first."""
        rows = self.conn.execute(_OF_JOB[kind], {"key": job_id})
        return [self._keep(self._record(kind, row)) for row in rows]

    def find_payment(
        self, kind: PaymentKind, *, reference_id: str | None = None, amazon_id: str | None = None
    ) -> PaymentRecord | None:
        """The record with our reference id, else with Amazon's id; None if neither is known."""
        if reference_id is not None:
            statement, key, field = _BY_REFERENCE_ID[kind], reference_id, "reference_id"
        elif amazon_id is not None:
            statement, key, field = _BY_AMAZON_ID[kind], amazon_id, "amazon_id"
        else:
            return None
        for known in self._payments.values():  # both ids are unique to a record of a kind
            if known.kind is kind and getattr(known, field) == key:
                return known
        row = self.conn.execute(statement, {"key": key}).first()
        return None if row is None else self._keep(self._record(kind, row))

    def set_seller_note(self, refund: PaymentRecord, note: str) -> None:
        """The note the Refund call will carry (before it is made)."""
        self.conn.execute(
            update(t.refunds).where(t.refunds.c.id == refund.id).values(seller_note=note)
        )
        self._forget_payment(PaymentKind.REFUND, refund.id)

    def unsettled_refunds(self) -> list[PaymentRecord]:
        """Every refund still requested or pending, oldest first."""
        table = t.refunds
        rows = self.conn.execute(
            self._select(PaymentKind.REFUND)
            .where(table.c.state.in_([RefundState.REQUESTED, RefundState.PENDING]))
            .order_by(table.c.id)
        )
        return [self._record(PaymentKind.REFUND, row) for row in rows]

    def polls_due(self, now: datetime, first_after: timedelta, limit: int) -> list[PaymentRecord]:
        """Pending records with an Amazon id whose next poll is due: the scheduled one, or,
        before the first poll, ``first_after`` since the record last changed
        (``processes/polls.py``)."""
        values = {"now": now, "changed_before": now - first_after, "limit": limit}
        found = [
            (PaymentKind(kind), record_id)
            for kind, record_id in self.conn.execute(_POLLS_DUE_IDS, values)
        ]
        found.sort(key=lambda due: (_KINDS.index(due[0]), due[1]))
        return [self.payment(kind, record_id) for kind, record_id in found]

    def update_payment(
        self, record: PaymentRecord, at: datetime, **changes: object
    ) -> PaymentRecord:
        """Change ``state``, ``reason_code``, ``amazon_id``, ``error_code``, ``error_message``
        or ``observed_at`` of one record."""
        _, amazon_column = _TABLES[record.kind]
        values = {amazon_column if k == "amazon_id" else k: v for k, v in changes.items()}
        values |= {"record_id": record.id, "updated_at": at}
        self.conn.execute(_UPDATE[record.kind], values)
        self._forget_payment(record.kind, record.id)
        return self.payment(record.kind, record.id)

    def book_refund(self, record: PaymentRecord, at: datetime) -> bool:
        """Book a completed refund's amount, once: False when it was booked before."""
        booked = self.conn.scalar(_BOOKED, {"refund_id": record.id})
        if booked is not None:
            return False
        self.conn.execute(
            insert(t.refund_bookings).values(
                refund_id=record.id,
                amount=record.amount.minor,
                currency=record.amount.currency,
                booked_at=at,
            )
        )
        return True

    def refund_bookings(self, order: str) -> list[tuple[int, Money]]:
        rows = self.conn.execute(_BOOKINGS, {"order_id": self.order_id(order)})
        return [(r.refund_id, Money(r.amount, r.currency)) for r in rows]

    def _add_lines(self, refund_id: int, new: NewPayment) -> None:
        lines = [("item", line) for line in new.item_lines]
        lines += [("expense", line) for line in new.expense_lines]
        if lines:
            self.conn.execute(
                insert(t.refund_lines),
                [
                    {
                        "refund_id": refund_id,
                        "line_id": x.line_id,
                        "kind": k,
                        "amount": x.amount.minor,
                    }
                    for k, x in lines
                ],
            )

    def _select(self, kind: PaymentKind) -> Any:
        return _select_of(kind)

    def _keep(self, record: PaymentRecord) -> PaymentRecord:
        """Remember a record of an order this unit of work holds the lock of: only this unit
        of work can change it until it ends (every change of a payment record is made under
        its order's lock)."""
        if record.order in self._locked:
            self._payments[(record.kind, record.id)] = record
        return record

    def _record(self, kind: PaymentKind, row: Row[Any]) -> PaymentRecord:
        _, amazon_column = _TABLES[kind]
        currency = row.currency
        fields: dict[str, Any] = {}
        if kind is PaymentKind.AUTHORIZATION:
            fields = {"items": tuple(row.items), "capture_now": row.capture_now}
        elif kind is PaymentKind.CAPTURE:
            fields = {"items": tuple(row.items), "parent_id": row.authorization_id}
        else:
            fields = self._refund_fields(row.id, row.capture_id, Money(row.over_refund, currency))
            fields["seller_note"] = row.seller_note
        return PaymentRecord(
            id=row.id,
            kind=kind,
            order=row.order_reference,
            reference_id=row.reference_id,
            amazon_id=getattr(row, amazon_column),
            state=state_of(kind, row.state),
            reason_code=row.reason_code,
            error_code=row.error_code,
            error_message=row.error_message,
            amount=Money(row.amount, currency),
            created_at=row.created_at,
            updated_at=row.updated_at,
            observed_at=row.observed_at,
            job_id=row.job_id,
            polls=row.polls,
            next_poll_at=row.next_poll_at,
            **fields,
        )

    def _refund_fields(self, refund_id: int, capture_id: int, over: Money) -> dict[str, Any]:
        known = self._refund_lines.get(refund_id)
        if known is None:
            known = self._refund_lines[refund_id] = self._read_refund_fields(
                refund_id, capture_id, over
            )
        return dict(known)  # the caller adds to its copy

    def _read_refund_fields(self, refund_id: int, capture_id: int, over: Money) -> dict[str, Any]:
        rows = self.conn.execute(_REFUND_LINES, {"refund_id": refund_id}).all()
        currency = over.currency
        item_lines = tuple(
            RefundLine(ItemId(r.line_id), Money(r.amount, currency))
            for r in rows
            if r.kind == "item"
        )
        expense_lines = tuple(
            RefundLine(ExpenseId(r.line_id), Money(r.amount, currency))
            for r in rows
            if r.kind == "expense"
        )
        return {
            "items": tuple(line.line_id for line in item_lines + expense_lines),
            "parent_id": capture_id,
            "item_lines": item_lines,
            "expense_lines": expense_lines,
            "over_refund": over,
        }
