"""The rows the flows keep beside the payment records: the mail outbox, the poll schedule,
the IPN inbox's unprocessed messages and refunds made outside amzpay."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from sqlalchemy import (
    ColumnElement,
    Select,
    bindparam,
    insert,
    literal,
    or_,
    select,
    union_all,
    update,
)

from amzpay.domain.money import Money
from amzpay.ports.flow import ExternalRefund, InboxMessage, OutboxEntry, QueuedMail
from amzpay.store import tables as t
from amzpay.store.base import Rows
from amzpay.store.payments import PaymentKind, payment_table


class FlowRows(Rows):
    # -- mail outbox ------------------------------------------------------------------------

    def queue_mail(
        self, order: str | None, kind: str, audience: str, mail: str, at: datetime
    ) -> None:
        self.conn.execute(
            insert(t.mail_outbox).values(
                order_id=None if order is None else self.order_id(order),
                kind=kind,
                audience=audience,
                mail=mail,
                status="due",
                not_before=at,
                created_at=at,
            )
        )

    def has_due_mail(self, now: datetime) -> bool:
        outbox = t.mail_outbox
        due = select(outbox.c.id).where(outbox.c.status == "due", outbox.c.not_before <= now)
        return self.conn.scalar(due.limit(1)) is not None

    def claim_mail(self, now: datetime, lease_until: datetime) -> QueuedMail | None:
        """The oldest due mail, its next try pushed to ``lease_until`` so that no other
        worker sends it meanwhile (SKIP LOCKED on PostgreSQL)."""
        row = self.conn.execute(
            select(t.mail_outbox)
            .where(t.mail_outbox.c.status == "due", t.mail_outbox.c.not_before <= now)
            .order_by(t.mail_outbox.c.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if row is None:
            return None
        self.conn.execute(
            update(t.mail_outbox)
            .where(t.mail_outbox.c.id == row.id)
            .values(not_before=lease_until, attempts=t.mail_outbox.c.attempts + 1)
        )
        return QueuedMail(row.id, row.audience, row.mail, row.attempts + 1)

    def mail_sent(self, mail_id: int, at: datetime) -> None:
        self._mail(mail_id, status="sent", sent_at=at, last_error=None)

    def mail_retry(self, mail_id: int, not_before: datetime, error: str) -> None:
        self._mail(mail_id, not_before=not_before, last_error=error)

    def mail_failed(self, mail_id: int, error: str) -> None:
        self._mail(mail_id, status="failed", last_error=error)

    def outbox(self, order: str | None = None) -> list[OutboxEntry]:
        query = select(t.mail_outbox).order_by(t.mail_outbox.c.id)
        if order is not None:
            query = query.where(t.mail_outbox.c.order_id == self.order_id(order))
        return [
            OutboxEntry(r.kind, r.audience, r.status, r.attempts, r.mail)
            for r in self.conn.execute(query)
        ]

    def _mail(self, mail_id: int, **values: object) -> None:
        self.conn.execute(
            update(t.mail_outbox).where(t.mail_outbox.c.id == mail_id).values(**values)
        )

    # -- IPN inbox --------------------------------------------------------------------------

    def unprocessed_ipns(self, limit: int, now: datetime | None = None) -> list[InboxMessage]:
        """Messages not processed yet, oldest first; with ``now``, only those whose next
        attempt (after a failed one) is due."""
        if now is None:
            rows = self.conn.execute(_UNPROCESSED, {"limit": limit})
        else:
            rows = self.conn.execute(_UNPROCESSED_DUE, {"limit": limit, "now": now})
        return [InboxMessage(r.message_id, r.notification_type, r.body, r.attempts) for r in rows]

    def retry_ipn(self, message_id: str, next_attempt_at: datetime, error: str) -> None:
        """Count a failed application of the message, note why, and leave it unprocessed
        until ``next_attempt_at``."""
        inbox = t.ipn_inbox
        self.conn.execute(
            update(inbox)
            .where(inbox.c.message_id == message_id)
            .values(attempts=inbox.c.attempts + 1, next_attempt_at=next_attempt_at, error=error)
        )

    def claim_ipn(self, message_id: str) -> bool:
        """Lock one unprocessed message (SKIP LOCKED): False when another worker has it or
        it was processed meanwhile."""
        found = self.conn.scalar(
            select(t.ipn_inbox.c.id)
            .where(t.ipn_inbox.c.message_id == message_id, t.ipn_inbox.c.processed_at.is_(None))
            .with_for_update(skip_locked=True)
        )
        return found is not None

    def ipn_outcomes(self) -> list[tuple[str, str, str | None]]:
        """(message id, type, error or note) of every processed message, oldest first."""
        rows = self.conn.execute(
            select(t.ipn_inbox)
            .where(t.ipn_inbox.c.processed_at.is_not(None))
            .order_by(t.ipn_inbox.c.id)
        )
        return [(r.message_id, r.notification_type, r.error) for r in rows]

    # -- polls ------------------------------------------------------------------------------

    def schedule_poll(
        self, kind: PaymentKind, record_id: int, polls: int, next_poll_at: datetime
    ) -> None:
        table, _ = payment_table(kind)
        self.conn.execute(
            update(table)
            .where(table.c.id == record_id)
            .values(polls=polls, next_poll_at=next_poll_at)
        )
        self._forget_payment(kind, record_id)

    # -- external refunds -------------------------------------------------------------------

    def record_external_refund(self, refund: ExternalRefund, at: datetime) -> bool:
        """Insert or update the refund Amazon reported that no record of ours asked for;
        True when it was recorded now for the first time."""
        order_id = None if refund.order is None else self.order_id(refund.order)
        values = {
            "state": refund.state,
            "reason_code": refund.reason_code,
            "amount": None if refund.amount is None else refund.amount.minor,
            "currency": None if refund.amount is None else refund.amount.currency,
            "updated_at": at,
        }
        table = t.external_refunds
        changed = self.conn.execute(
            update(table).where(table.c.amazon_refund_id == refund.amazon_refund_id).values(values)
        ).rowcount
        if changed:
            return False
        self.conn.execute(
            insert(table).values(
                amazon_refund_id=refund.amazon_refund_id,
                reference_id=refund.reference_id,
                order_id=order_id,
                first_seen_at=at,
                **values,
            )
        )
        return True

    def acknowledge_external_refund(self, amazon_refund_id: str, by: str, at: datetime) -> bool:
        """Mark the refund seen by staff member ``by``; False when it was already (the first
        acknowledgement's who and when are kept) or is unknown."""
        table = t.external_refunds
        return bool(
            self.conn.execute(
                update(table)
                .where(
                    table.c.amazon_refund_id == amazon_refund_id,
                    table.c.acknowledged_at.is_(None),
                )
                .values(acknowledged_at=at, acknowledged_by=by)
            ).rowcount
        )

    def external_refunds(
        self, *, unacknowledged_only: bool = False, amazon_refund_id: str | None = None
    ) -> list[ExternalRefund]:
        """Refunds made outside amzpay, oldest first; only those staff have not acknowledged,
        or only the one with ``amazon_refund_id``, when asked."""
        table = t.external_refunds
        query = (
            select(table, t.orders.c.reference.label("order_reference"))
            .outerjoin(t.orders, t.orders.c.id == table.c.order_id)
            .order_by(table.c.id)
        )
        if unacknowledged_only:
            query = query.where(table.c.acknowledged_at.is_(None))
        if amazon_refund_id is not None:
            query = query.where(table.c.amazon_refund_id == amazon_refund_id)
        return [
            ExternalRefund(
                r.amazon_refund_id,
                r.reference_id,
                r.order_reference,
                r.state,
                r.reason_code,
                None if r.amount is None else Money(r.amount, r.currency),
                r.acknowledged_at is not None,
                r.first_seen_at,
                r.acknowledged_at,
                r.acknowledged_by,
            )
            for r in self.conn.execute(query)
        ]

    def order_of_payment(
        self,
        kind: PaymentKind,
        reference_id: str | None,
        amazon_id: str,
        order_reference_id: str | None,
    ) -> str | None:
        """Our order of a payment object, in one query: the order of our record of ``kind``
        with ``reference_id``, else of the one with ``amazon_id``, else the order of the
        Amazon order reference ``order_reference_id``; None when none is ours."""
        values = {
            "reference_id": reference_id,
            "amazon_id": amazon_id,
            "order_reference_id": order_reference_id,
        }
        found = self.conn.scalar(_ORDER_OF_PAYMENT[kind], values)
        return None if found is None else str(found)

    def order_of_amazon_reference(self, amazon_order_reference_id: str) -> str | None:
        return self.conn.scalar(_ORDER_OF_REFERENCE, {"amazon_id": amazon_order_reference_id})


_ORDER_OF_REFERENCE: Final = select(t.orders.c.reference).where(
    t.orders.c.amazon_order_reference_id == bindparam("amazon_id")
)
"""Built once: every IPN about an order reference, or about no record of ours, asks it."""


def order_of_payment_query(kind: PaymentKind, column: str = "reference") -> Select[Any]:
    """The ``column`` of our order of a payment object of ``kind`` (bound: ``reference_id``,
    ``amazon_id``, ``order_reference_id``): of our record by our reference id, else by
    Amazon's id, else of the Amazon order reference; no row when none is ours."""
    table, amazon_column = payment_table(kind)
    wanted = t.orders.c[column]

    def of_record(where: ColumnElement[bool], rank: int) -> Select[Any]:
        found = select(wanted, literal(rank).label("rank"))
        return found.join(table, table.c.order_id == t.orders.c.id).where(where)

    by_reference_id = of_record(table.c.reference_id == bindparam("reference_id"), 0)
    by_amazon_id = of_record(table.c[amazon_column] == bindparam("amazon_id"), 1)
    by_order_reference = select(wanted, literal(2).label("rank")).where(
        t.orders.c.amazon_order_reference_id == bindparam("order_reference_id")
    )
    found = union_all(by_reference_id, by_amazon_id, by_order_reference).subquery()
    return select(found.c[column]).order_by(found.c.rank).limit(1)


_ORDER_OF_PAYMENT: Final = {kind: order_of_payment_query(kind) for kind in PaymentKind}
"""Built once per kind: what an IPN stored for the worker is about, asked at its receipt."""


# Built once, bound on each call: every worker round looks at the inbox.
_UNPROCESSED: Final = (
    select(t.ipn_inbox)
    .where(t.ipn_inbox.c.processed_at.is_(None))
    .order_by(t.ipn_inbox.c.id)
    .limit(bindparam("limit"))
)
_UNPROCESSED_DUE: Final = _UNPROCESSED.where(
    or_(t.ipn_inbox.c.next_attempt_at.is_(None), t.ipn_inbox.c.next_attempt_at <= bindparam("now"))
)
