"""The Amazon API call log, the IPN inbox and the order reference's own row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update

from amzpay.store import tables as t
from amzpay.store.base import Rows


@dataclass(frozen=True, slots=True)
class ApiCall:
    order: str | None
    operation: str
    outcome: str  # answered, declined, refused, failed
    reference_id: str | None = None
    amazon_id: str | None = None
    error_code: str | None = None
    message: str | None = None


class LogRows(Rows):
    def log_call(self, call: ApiCall, at: datetime) -> None:
        order_id = self.order_id(call.order) if call.order else None
        self.conn.execute(
            insert(t.api_calls).values(
                order_id=order_id,
                operation=call.operation,
                reference_id=call.reference_id,
                amazon_id=call.amazon_id,
                outcome=call.outcome,
                error_code=call.error_code,
                message=call.message,
                at=at,
            )
        )

    def api_calls(self, order: str) -> list[ApiCall]:
        rows = self.conn.execute(
            select(t.api_calls)
            .where(t.api_calls.c.order_id == self.order_id(order))
            .order_by(t.api_calls.c.id)
        )
        return [
            ApiCall(
                order, r.operation, r.outcome, r.reference_id, r.amazon_id, r.error_code, r.message
            )
            for r in rows
        ]

    def receive_ipn(self, message_id: str, notification_type: str, body: str, at: datetime) -> bool:
        """Put a notification in the inbox; False when its message id is already there (a
        duplicate delivery, to acknowledge and ignore)."""
        known = self.conn.scalar(
            select(t.ipn_inbox.c.id).where(t.ipn_inbox.c.message_id == message_id)
        )
        if known is not None:
            return False
        self.conn.execute(
            insert(t.ipn_inbox).values(
                message_id=message_id,
                notification_type=notification_type,
                body=body,
                received_at=at,
            )
        )
        return True

    def mark_ipn_processed(self, message_id: str, at: datetime, error: str | None = None) -> None:
        self.conn.execute(
            update(t.ipn_inbox)
            .where(t.ipn_inbox.c.message_id == message_id)
            .values(processed_at=at, error=error)
        )

    def set_order_reference(
        self, order: str, amazon_id: str, state: str, reason_code: str | None, at: datetime
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

    def order_reference_state(self, order: str) -> str | None:
        return self.conn.scalar(
            select(t.order_references.c.state).where(
                t.order_references.c.order_id == self.order_id(order)
            )
        )
