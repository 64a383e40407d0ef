"""What every group of in-memory rows shares: the tables of one unit of work, finding an
order's id, refusing writes in a read, savepoints, and the errors a database would raise."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from datetime import UTC, datetime

from amzpay.ports.errors import OrderNotFound, StorageFailed
from fakes.memory.tables import Tables


class ReadOnlyViolation(StorageFailed):
    """A write inside ``MemoryStorage.read()`` (a database refuses it in a read-only
    transaction, and the store raises ``StorageFailed``)."""

    def __init__(self, method: str) -> None:
        super().__init__("ReadOnlyViolation")
        self.method = method
        self.args = (f"{method} writes, and this unit of work is a read",)


class ConstraintViolation(StorageFailed, ValueError):
    """A write that a database's unique key or foreign key would refuse (the store raises
    ``StorageFailed`` for it)."""

    def __init__(self, table: str, reason: str) -> None:
        super().__init__("ConstraintViolation")
        self.table, self.reason = table, reason
        self.args = (f"{table}: {reason}",)


def utc(at: datetime) -> datetime:
    """``at`` as the store keeps timestamps: aware, in UTC. Raises ValueError for a naive one."""
    if at.tzinfo is None:
        raise ValueError(f"naive timestamp {at!r}: amzpay stores aware ones only")
    return at.astimezone(UTC)


def maybe_utc(at: datetime | None) -> datetime | None:
    return None if at is None else utc(at)


class MemoryRows:
    def __init__(self, tables: Tables, *, read_only: bool = False) -> None:
        self.tables = tables
        self.read_only = read_only

    def order_id(self, reference: str) -> int:
        found = self.tables.references.get(reference)
        if found is None:
            raise OrderNotFound(reference)
        return found

    def savepoint(self) -> AbstractContextManager[object]:
        """A nested unit of work: what is done inside is undone alone when it raises."""
        return self._savepoint()

    @contextmanager
    def _savepoint(self) -> Iterator[object]:
        snapshot = self.tables.copy()
        try:
            yield snapshot
        except BaseException:
            self.tables.restore(snapshot)
            raise

    def _writes(self, method: str) -> Tables:
        """The tables, to change; raises ReadOnlyViolation inside a read."""
        if self.read_only:
            raise ReadOnlyViolation(method)
        return self.tables

    def _reference_of(self, order_id: int | None) -> str | None:
        """The reference of the order with this id (None for None)."""
        return None if order_id is None else self.tables.orders[order_id].order.reference

    def _order_with_amazon_reference(self, amazon_order_reference_id: str) -> int | None:
        """The first order paid under this Amazon order reference id."""
        for row in self.tables.orders.values():
            if row.order.amazon_order_reference_id == amazon_order_reference_id:
                return row.id
        return None

    def _change_ipn(self, method: str, message_id: str, **values: object) -> None:
        tables = self._writes(method)
        row = tables.inbox.get(message_id)
        if row is not None:
            tables.inbox[message_id] = replace(row, **values)  # type: ignore[arg-type]
