"""Amazon payment records in memory: what ``PaymentRows`` does, one table per kind."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from amzpay.domain.money import Money
from amzpay.domain.order import ExpenseId, ItemId
from amzpay.domain.payment import STATES, PaymentKind, PaymentRecord, RefundState, state_of
from amzpay.domain.refund import RefundLine
from amzpay.ports.errors import RecordNotFound
from amzpay.ports.payments import NewPayment
from fakes.memory.base import ConstraintViolation, MemoryRows, maybe_utc, utc
from fakes.memory.tables import BookingRow, PaymentRow, Tables

_PARENTS = {PaymentKind.CAPTURE: PaymentKind.AUTHORIZATION, PaymentKind.REFUND: PaymentKind.CAPTURE}
_CHANGEABLE = frozenset(
    {"state", "reason_code", "amazon_id", "error_code", "error_message", "observed_at"}
)


class MemoryPaymentRows(MemoryRows):
    def add_payment(self, order: str, new: NewPayment, at: datetime) -> PaymentRecord:
        tables = self._writes("add_payment")
        order_id = self.order_id(order)
        _check_keys(tables, new)
        record_id = tables.new_id(new.kind.value)
        currency = new.amount.currency
        fields: dict[str, Any] = {}
        if new.kind is PaymentKind.AUTHORIZATION:
            fields = {"items": tuple(new.items), "capture_now": new.capture_now}
        elif new.kind is PaymentKind.CAPTURE:
            fields = {"items": tuple(new.items), "parent_id": new.parent_id}
        else:
            item_lines = tuple(
                RefundLine(ItemId(x.line_id), Money(x.amount.minor, currency))
                for x in new.item_lines
            )
            expense_lines = tuple(
                RefundLine(ExpenseId(x.line_id), Money(x.amount.minor, currency))
                for x in new.expense_lines
            )
            over = new.over_refund.minor if new.over_refund else 0
            fields = {
                "items": tuple(x.line_id for x in item_lines + expense_lines),
                "parent_id": new.parent_id,
                "item_lines": item_lines,
                "expense_lines": expense_lines,
                "over_refund": Money(over, currency),
            }
        record = PaymentRecord(
            id=record_id,
            kind=new.kind,
            order=order,
            reference_id=new.reference_id,
            amazon_id=None,
            state=STATES[new.kind].REQUESTED,
            reason_code=None,
            error_code=None,
            error_message=None,
            amount=Money(new.amount.minor, currency),
            created_at=utc(at),
            updated_at=utc(at),
            job_id=new.job_id,
            **fields,
        )
        tables.payments[new.kind][record_id] = PaymentRow(order_id, record)
        return record

    def payment(self, kind: PaymentKind, record_id: int) -> PaymentRecord:
        row = self.tables.payments[kind].get(record_id)
        if row is None:
            raise RecordNotFound(kind.value, str(record_id))
        return row.record

    def payments(self, order: str, kind: PaymentKind) -> list[PaymentRecord]:
        order_id = self.order_id(order)
        return [r.record for r in self.tables.payments[kind].values() if r.order_id == order_id]

    def payment_items(self, order: str, kind: PaymentKind) -> list[tuple[int, tuple[str, ...]]]:
        """The id and ``items`` of each of the order's records of ``kind``, oldest first."""
        return [(record.id, record.items) for record in self.payments(order, kind)]

    def job_payments(self, job_id: int, kind: PaymentKind) -> list[PaymentRecord]:
        """The records the job's ``plan`` stored, oldest first."""
        return [r.record for r in self.tables.payments[kind].values() if r.record.job_id == job_id]

    def find_payment(
        self, kind: PaymentKind, *, reference_id: str | None = None, amazon_id: str | None = None
    ) -> PaymentRecord | None:
        """The record with our reference id, else with Amazon's id; None if neither is known."""
        rows = self.tables.payments[kind].values()
        if reference_id is not None:
            found = [r.record for r in rows if r.record.reference_id == reference_id]
        elif amazon_id is not None:
            found = [r.record for r in rows if r.record.amazon_id == amazon_id]
        else:
            return None
        return found[0] if found else None

    def set_seller_note(self, refund: PaymentRecord, note: str) -> None:
        """The note the Refund call will carry (before it is made)."""
        self._change("set_seller_note", PaymentKind.REFUND, refund.id, seller_note=note)

    def unsettled_refunds(self) -> list[PaymentRecord]:
        """Every refund still requested or pending, oldest first."""
        unsettled = (RefundState.REQUESTED, RefundState.PENDING)
        rows = self.tables.payments[PaymentKind.REFUND].values()
        return [r.record for r in rows if r.record.state in unsettled]

    def polls_due(self, now: datetime, first_after: timedelta, limit: int) -> list[PaymentRecord]:
        """Pending records with an Amazon id whose next poll is due: the scheduled one, or,
        before the first poll, ``first_after`` since the record last changed."""
        due: list[PaymentRecord] = []
        for kind in PaymentKind:
            pending = STATES[kind].PENDING
            found = [
                r.record
                for r in self.tables.payments[kind].values()
                if r.record.state == pending
                and r.record.amazon_id is not None
                and _poll_due(r.record, now, first_after)
            ]
            due += found[:limit]
        return due

    def update_payment(
        self, record: PaymentRecord, at: datetime, **changes: object
    ) -> PaymentRecord:
        """Change ``state``, ``reason_code``, ``amazon_id``, ``error_code``, ``error_message``
        or ``observed_at`` of one record."""
        unknown = set(changes) - _CHANGEABLE
        if unknown:
            raise TypeError(f"update_payment cannot change {sorted(unknown)}")
        values: dict[str, Any] = dict(changes)
        if "state" in values:
            values["state"] = state_of(record.kind, str(values["state"]))
        if "observed_at" in values:
            values["observed_at"] = maybe_utc(values["observed_at"])
        self._change("update_payment", record.kind, record.id, updated_at=utc(at), **values)
        return self.payment(record.kind, record.id)

    def book_refund(self, record: PaymentRecord, at: datetime) -> bool:
        """Book a completed refund's amount, once: False when it was booked before."""
        tables = self._writes("book_refund")
        if any(b.refund_id == record.id for b in tables.bookings.values()):
            return False
        if record.id not in tables.payments[PaymentKind.REFUND]:
            raise ConstraintViolation("refund_bookings", f"no refund {record.id}")
        booking_id = tables.new_id("bookings")
        tables.bookings[booking_id] = BookingRow(booking_id, record.id, record.amount, utc(at))
        return True

    def refund_bookings(self, order: str) -> list[tuple[int, Money]]:
        order_id = self.order_id(order)
        refunds = self.tables.payments[PaymentKind.REFUND]
        return [
            (b.refund_id, b.amount)
            for b in self.tables.bookings.values()
            if refunds[b.refund_id].order_id == order_id
        ]

    def _change(self, method: str, kind: PaymentKind, record_id: int, **values: Any) -> None:
        tables = self._writes(method)
        row = tables.payments[kind].get(record_id)
        if row is not None:
            tables.payments[kind][record_id] = replace(row, record=replace(row.record, **values))


def _check_keys(tables: Tables, new: NewPayment) -> None:
    """What the tables' unique and foreign keys refuse."""
    if any(r.record.reference_id == new.reference_id for r in tables.payments[new.kind].values()):
        raise ConstraintViolation(new.kind.value, f"reference id {new.reference_id!r} is taken")
    parent = _PARENTS.get(new.kind)
    if parent is not None and new.parent_id not in tables.payments[parent]:
        raise ConstraintViolation(new.kind.value, f"no {parent.value} {new.parent_id}")
    if new.job_id is not None and new.job_id not in tables.jobs:
        raise ConstraintViolation(new.kind.value, f"no job {new.job_id}")


def _poll_due(record: PaymentRecord, now: datetime, first_after: timedelta) -> bool:
    if record.next_poll_at is None:
        return record.updated_at <= now - first_after
    return record.next_poll_at <= now
