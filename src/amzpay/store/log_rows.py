"""The Amazon API call log, the IPN inbox and the order reference's own row."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Final

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import ReturningInsert

from amzpay.domain.payment import OrderReferenceState
from amzpay.ports.logs import CallRecord, IpnSubject
from amzpay.store import tables as t
from amzpay.store.base import Rows

_PAYMENTS = (t.authorizations, t.captures, t.refunds)
# Built once, bound on each call: every call Amazon answers is logged.
_LOG_CALL: Final = insert(t.api_calls)
_ORDER_OF_REFERENCE_ID: Final = tuple(
    select(table.c.order_id).where(table.c.reference_id == bindparam("key")) for table in _PAYMENTS
)
_ORDER_REFERENCE_STATE: Final = select(t.order_references.c.state).where(
    t.order_references.c.order_id == bindparam("key")
)
_ORDER_OF_AMAZON_ORDER: Final = select(t.orders.c.id).where(
    t.orders.c.amazon_order_reference_id == bindparam("key")
)


class LogRows(Rows):
    def log_call(self, call: CallRecord) -> None:
        """Store one call, linked to its order when its ids name one."""
        self.conn.execute(
            _LOG_CALL,
            {
                "order_id": self._order_of(call),
                "operation": call.operation,
                "attempt": call.attempt,
                "reference_id": call.reference_id,
                "amazon_id": call.amazon_id,
                "outcome": call.outcome,
                "http_status": call.http_status,
                "request_id": call.request_id,
                "error_code": call.error_code,
                "parameters": dict(call.parameters),
                "started_at": call.started_at,
                "duration_ms": call.duration_ms,
            },
        )

    def api_calls(self, order: str) -> list[CallRecord]:
        rows = self.conn.execute(
            select(t.api_calls)
            .where(t.api_calls.c.order_id == self.order_id(order))
            .order_by(t.api_calls.c.id)
        )
        return [
            CallRecord(
                operation=r.operation,
                attempt=r.attempt,
                outcome=r.outcome,
                started_at=r.started_at,
                duration_ms=r.duration_ms,
                reference_id=r.reference_id,
                amazon_id=r.amazon_id,
                http_status=r.http_status,
                request_id=r.request_id,
                error_code=r.error_code,
                parameters=r.parameters,
            )
            for r in rows
        ]

    def _order_of(self, call: CallRecord) -> int | None:
        """The order a call was about: by our reference id, else by the Amazon order
        reference id among its parameters (None when neither is known here)."""
        if call.reference_id is not None:
            for statement in _ORDER_OF_REFERENCE_ID:
                found = self.conn.scalar(statement, {"key": call.reference_id})
                if found is not None:
                    return int(found)
        amazon_order = call.parameters.get("AmazonOrderReferenceId")
        if amazon_order is None:
            return None
        found = self.conn.scalar(_ORDER_OF_AMAZON_ORDER, {"key": amazon_order})
        return None if found is None else int(found)

    def receive_ipn(
        self,
        message_id: str,
        notification_type: str,
        body: str,
        at: datetime,
        about: IpnSubject | None = None,
    ) -> bool:
        """Put a notification in the inbox, with what it is ``about`` when that was read;
        False when its message id is already there (a duplicate delivery, to acknowledge and
        ignore). Two deliveries at once are told apart by the unique index: the second waits
        for the first and gets False. One ``INSERT ... ON CONFLICT DO NOTHING`` (both
        databases have it): no savepoint, no error raised and caught on the endpoint's
        busiest path."""
        values: dict[str, object] = {
            "message_id": message_id,
            "notification_type": notification_type,
            "body": body,
            "received_at": at,
        }
        if about is not None:
            values |= {
                "object_kind": about.object_kind,
                "amazon_id": about.amazon_id,
                "object_state": about.state,
                "order_id": None if about.order is None else self.order_id(about.order),
            }
        inserted = self.conn.execute(_insert_unless_there(self.conn.dialect.name), values)
        return inserted.first() is not None

    def mark_ipn_processed(self, message_id: str, at: datetime, error: str | None = None) -> None:
        self.conn.execute(_MARK_PROCESSED, {"message": message_id, "at": at, "note": error})

    def set_order_reference(
        self,
        order: str,
        amazon_id: str,
        state: OrderReferenceState,
        reason_code: str | None,
        at: datetime,
    ) -> None:
        """Record the order reference's state (one row per order, kept current)."""
        order_id = self.order_id(order)
        values = {"state": state, "reason_code": reason_code, "updated_at": at}
        changed = self.conn.execute(
            update(t.order_references)
            .where(t.order_references.c.order_id == order_id)
            .values(values)
        ).rowcount
        if not changed:
            self.conn.execute(
                insert(t.order_references).values(
                    order_id=order_id, amazon_order_reference_id=amazon_id, **values
                )
            )

    def order_reference_state(self, order: str) -> OrderReferenceState | None:
        state = self.conn.scalar(_ORDER_REFERENCE_STATE, {"key": self.order_id(order)})
        return None if state is None else OrderReferenceState(state)


_MARK_PROCESSED: Final = (
    update(t.ipn_inbox)
    .where(t.ipn_inbox.c.message_id == bindparam("message"))
    .values(processed_at=bindparam("at"), error=bindparam("note"))
)
"""Built once: every message applied, at receipt or by the worker, is marked with it."""


@cache
def _insert_unless_there(dialect: str) -> ReturningInsert[tuple[int]]:
    """An insert into the inbox that does nothing when the message id is there already, and
    returns the new row's id. Built once per dialect: the endpoint's hot path only binds."""
    unique = ["message_id"]
    if dialect == "postgresql":
        on_pg = postgresql.insert(t.ipn_inbox).on_conflict_do_nothing(index_elements=unique)
        return on_pg.returning(t.ipn_inbox.c.id)
    on_sqlite = sqlite.insert(t.ipn_inbox).on_conflict_do_nothing(index_elements=unique)
    return on_sqlite.returning(t.ipn_inbox.c.id)
