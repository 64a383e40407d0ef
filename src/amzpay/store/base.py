"""What every group of rows shares: the open connection, and finding an order's row id."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Final

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection, CursorResult

from amzpay.ports.errors import OrderNotFound
from amzpay.store import tables as t

_ORDER_ID: Final = select(t.orders.c.id).where(t.orders.c.reference == bindparam("reference"))
"""Built once: every write looks up its order's row id, and a statement built for one call
costs more to build and key for the compiled cache than to run."""


class Rows:
    def __init__(self, connection: Connection) -> None:
        self.conn = connection

    def order_id(self, reference: str) -> int:
        found = self.conn.scalar(_ORDER_ID, {"reference": reference})
        if found is None:
            raise OrderNotFound(reference)
        return int(found)

    def savepoint(self) -> AbstractContextManager[object]:
        """A nested unit of work: what is done inside is undone alone when it raises."""
        return self.conn.begin_nested()

    @staticmethod
    def inserted_id(result: CursorResult[object]) -> int:
        key = result.inserted_primary_key
        assert key is not None  # an INSERT of one row always has one
        return int(key[0])
