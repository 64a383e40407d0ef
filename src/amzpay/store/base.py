"""What every group of rows shares: the open connection, and finding an order's row id."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Final

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection, CursorResult

from amzpay.domain.payment import PaymentKind, PaymentRecord
from amzpay.ports.errors import OrderNotFound
from amzpay.ports.process import OrderHead
from amzpay.store import tables as t

_ORDER_ID: Final = select(t.orders.c.id).where(t.orders.c.reference == bindparam("reference"))
"""Built once: every write looks up its order's row id, and a statement built for one call
costs more to build and key for the compiled cache than to run."""


class Rows:
    def __init__(self, connection: Connection) -> None:
        self.conn = connection
        # An order's row id never changes and an order is never deleted, so a unit of work
        # looks each one up once (a unit of work touches its order in many statements).
        self._order_ids: dict[str, int] = {}
        # What a unit of work learnt of the orders it locked: their heads and their items'
        # states, which only this unit of work can change until it ends (``oms_rows.py``).
        self._locked: dict[str, OrderHead] = {}
        self._states: dict[str, dict[str, str | None]] = {}
        # The payment records of the orders it locked, and which of them are all of an
        # order's records of a kind, oldest first; and a refund's lines, which never change
        # once stored (``payments.py``).
        self._payments: dict[tuple[PaymentKind, int], PaymentRecord] = {}
        self._payment_ids: dict[tuple[str, PaymentKind], list[int]] = {}
        self._refund_lines: dict[int, dict[str, Any]] = {}

    def order_id(self, reference: str) -> int:
        known = self._order_ids.get(reference)
        if known is not None:
            return known
        found = self.conn.scalar(_ORDER_ID, {"reference": reference})
        if found is None:
            raise OrderNotFound(reference)
        self._order_ids[reference] = int(found)
        return int(found)

    def _forget_payment(self, kind: PaymentKind, record_id: int) -> None:
        """Forget a remembered payment record: a statement of this unit of work changed its
        row."""
        self._payments.pop((kind, record_id), None)

    def savepoint(self) -> AbstractContextManager[object]:
        """A nested unit of work: what is done inside is undone alone when it raises (the
        row ids it learnt with it: an order added inside may be gone)."""
        return self._savepoint()

    @contextmanager
    def _savepoint(self) -> Iterator[object]:
        try:
            with self.conn.begin_nested() as nested:
                yield nested
        except BaseException:
            self._forget()
            raise

    def _forget(self) -> None:
        """Drop what this unit of work remembers of its rows (a savepoint was undone)."""
        self._order_ids.clear()
        self._locked.clear()
        self._states.clear()
        self._payments.clear()
        self._payment_ids.clear()
        self._refund_lines.clear()

    @staticmethod
    def inserted_id(result: CursorResult[object]) -> int:
        key = result.inserted_primary_key
        assert key is not None  # an INSERT of one row always has one
        return int(key[0])
