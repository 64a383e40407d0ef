"""The rows the flows keep beside the payment records, in memory: what ``FlowRows`` does
(the mail outbox, the poll schedule, the IPN inbox's unprocessed messages, refunds made
outside amzpay)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from amzpay.domain.payment import PaymentKind
from amzpay.ports.flow import ExternalRefund, InboxMessage, OutboxEntry, QueuedMail
from fakes.memory.base import MemoryRows, utc
from fakes.memory.tables import ExternalRefundRow, MailRecord


class MemoryFlowRows(MemoryRows):
    # -- mail outbox ------------------------------------------------------------------------

    def queue_mail(
        self, order: str | None, kind: str, audience: str, mail: str, at: datetime
    ) -> None:
        tables = self._writes("queue_mail")
        order_id = None if order is None else self.order_id(order)
        mail_id = tables.new_id("mails")
        tables.mails[mail_id] = MailRecord(
            mail_id, order_id, kind, audience, mail, "due", 0, utc(at), utc(at)
        )

    def has_due_mail(self, now: datetime) -> bool:
        return any(m.status == "due" and m.not_before <= now for m in self.tables.mails.values())

    def claim_mail(self, now: datetime, lease_until: datetime) -> QueuedMail | None:
        """The oldest due mail, its next try pushed to ``lease_until`` so that no other
        worker sends it meanwhile."""
        tables = self._writes("claim_mail")
        due = [m for m in tables.mails.values() if m.status == "due" and m.not_before <= now]
        if not due:
            return None
        mail = due[0]
        tables.mails[mail.id] = replace(
            mail, not_before=utc(lease_until), attempts=mail.attempts + 1
        )
        return QueuedMail(mail.id, mail.audience, mail.mail, mail.attempts + 1)

    def mail_sent(self, mail_id: int, at: datetime) -> None:
        self._mail("mail_sent", mail_id, status="sent", sent_at=utc(at), last_error=None)

    def mail_retry(self, mail_id: int, not_before: datetime, error: str) -> None:
        self._mail("mail_retry", mail_id, not_before=utc(not_before), last_error=error)

    def mail_failed(self, mail_id: int, error: str) -> None:
        self._mail("mail_failed", mail_id, status="failed", last_error=error)

    def outbox(self, order: str | None = None) -> list[OutboxEntry]:
        order_id = None if order is None else self.order_id(order)
        return [
            OutboxEntry(m.kind, m.audience, m.status, m.attempts, m.mail)
            for m in self.tables.mails.values()
            if order is None or m.order_id == order_id
        ]

    def _mail(self, method: str, mail_id: int, **values: object) -> None:
        tables = self._writes(method)
        found = tables.mails.get(mail_id)
        if found is not None:
            tables.mails[mail_id] = replace(found, **values)  # type: ignore[arg-type]

    # -- IPN inbox --------------------------------------------------------------------------

    def unprocessed_ipns(self, limit: int, now: datetime | None = None) -> list[InboxMessage]:
        """Messages not processed yet, oldest first; with ``now``, only those whose next
        attempt (after a failed one) is due."""
        waiting = [
            r
            for r in self.tables.inbox.values()
            if r.processed_at is None
            and (now is None or r.next_attempt_at is None or r.next_attempt_at <= now)
        ]
        waiting.sort(key=lambda r: r.id)
        return [
            InboxMessage(r.message_id, r.notification_type, r.body, r.attempts)
            for r in waiting[:limit]
        ]

    def retry_ipn(self, message_id: str, next_attempt_at: datetime, error: str) -> None:
        """Count a failed application of the message, note why, and leave it unprocessed
        until ``next_attempt_at``."""
        found = self.tables.inbox.get(message_id)
        attempts = 0 if found is None else found.attempts + 1
        self._change_ipn(
            "retry_ipn",
            message_id,
            attempts=attempts,
            next_attempt_at=utc(next_attempt_at),
            error=error,
        )

    def claim_ipn(self, message_id: str) -> bool:
        """True when the message is there and not processed (no other worker holds it: one
        writer at a time). A claim is a write: a read refuses it, as PostgreSQL does."""
        self._writes("claim_ipn")
        found = self.tables.inbox.get(message_id)
        return found is not None and found.processed_at is None

    def ipn_outcomes(self) -> list[tuple[str, str, str | None]]:
        """(message id, type, error or note) of every processed message, oldest first."""
        done = sorted(
            (r for r in self.tables.inbox.values() if r.processed_at is not None),
            key=lambda r: r.id,
        )
        return [(r.message_id, r.notification_type, r.error) for r in done]

    # -- polls ------------------------------------------------------------------------------

    def schedule_poll(
        self, kind: PaymentKind, record_id: int, polls: int, next_poll_at: datetime
    ) -> None:
        tables = self._writes("schedule_poll")
        row = tables.payments[kind].get(record_id)
        if row is not None:
            record = replace(row.record, polls=polls, next_poll_at=utc(next_poll_at))
            tables.payments[kind][record_id] = replace(row, record=record)

    # -- external refunds -------------------------------------------------------------------

    def record_external_refund(self, refund: ExternalRefund, at: datetime) -> bool:
        """Insert or update the refund Amazon reported that no record of ours asked for;
        True when it was recorded now for the first time."""
        tables = self._writes("record_external_refund")
        order_id = None if refund.order is None else self.order_id(refund.order)
        found = tables.external_refunds.get(refund.amazon_refund_id)
        changes = {
            "state": refund.state,
            "reason_code": refund.reason_code,
            "amount": refund.amount,
            "updated_at": utc(at),
        }
        if found is not None:
            tables.external_refunds[refund.amazon_refund_id] = replace(found, **changes)  # type: ignore[arg-type]
            return False
        tables.external_refunds[refund.amazon_refund_id] = ExternalRefundRow(
            id=tables.new_id("external_refunds"),
            amazon_refund_id=refund.amazon_refund_id,
            reference_id=refund.reference_id,
            order_id=order_id,
            state=refund.state,
            reason_code=refund.reason_code,
            amount=refund.amount,
            first_seen_at=utc(at),
            updated_at=utc(at),
        )
        return True

    def acknowledge_external_refund(self, amazon_refund_id: str, by: str, at: datetime) -> bool:
        """Mark the refund seen by staff member ``by``; False when it was already (the first
        acknowledgement's who and when are kept) or is unknown."""
        tables = self._writes("acknowledge_external_refund")
        found = tables.external_refunds.get(amazon_refund_id)
        if found is None or found.acknowledged_at is not None:
            return False
        tables.external_refunds[amazon_refund_id] = replace(
            found, acknowledged_at=utc(at), acknowledged_by=by
        )
        return True

    def external_refunds(
        self, *, unacknowledged_only: bool = False, amazon_refund_id: str | None = None
    ) -> list[ExternalRefund]:
        """Refunds made outside amzpay, oldest first; only those staff have not acknowledged,
        or only the one with ``amazon_refund_id``, when asked."""
        rows = sorted(self.tables.external_refunds.values(), key=lambda r: r.id)
        return [
            ExternalRefund(
                r.amazon_refund_id,
                r.reference_id,
                self._reference_of(r.order_id),
                r.state,
                r.reason_code,
                r.amount,
                r.acknowledged_at is not None,
                r.first_seen_at,
                r.acknowledged_at,
                r.acknowledged_by,
            )
            for r in rows
            if not (unacknowledged_only and r.acknowledged_at is not None)
            and (amazon_refund_id is None or r.amazon_refund_id == amazon_refund_id)
        ]

    def order_of_payment(
        self,
        kind: PaymentKind,
        reference_id: str | None,
        amazon_id: str,
        order_reference_id: str | None,
    ) -> str | None:
        """The order of our record of ``kind`` with ``reference_id``, else with ``amazon_id``,
        else of the Amazon order reference; None when none is ours."""
        records = [row.record for row in self.tables.payments[kind].values()]
        by_ours = [r.order for r in records if reference_id and r.reference_id == reference_id]
        by_amazons = [r.order for r in records if r.amazon_id == amazon_id]
        if by_ours or by_amazons:
            return (by_ours or by_amazons)[0]
        if order_reference_id is None:
            return None
        return self.order_of_amazon_reference(order_reference_id)

    def order_of_amazon_reference(self, amazon_order_reference_id: str) -> str | None:
        return self._reference_of(self._order_with_amazon_reference(amazon_order_reference_id))
