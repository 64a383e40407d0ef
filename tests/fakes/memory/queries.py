"""Read-side queries in memory: what ``QueryRows`` and ``MailRows`` do (pages of orders,
refunds, IPNs and mails with their filters and counts, and an order's history rows)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from amzpay.domain.money import Money
from amzpay.domain.payment import PaymentKind, RefundState
from amzpay.ports.errors import RecordNotFound
from amzpay.ports.queries import (
    IpnRow,
    MailMoment,
    MailRow,
    OrderFacts,
    OrderFilter,
    OrderSummary,
    PaymentMoment,
    RefundFilter,
    RefundSummary,
)
from fakes.memory.base import MemoryRows
from fakes.memory.tables import InboxRow, MailRecord, OrderRow


class MemoryQueryRows(MemoryRows):
    # -- orders -----------------------------------------------------------------------------

    def order_page(
        self, where: OrderFilter, limit: int, offset: int
    ) -> tuple[list[OrderSummary], int]:
        """One page of orders, newest first, and how many match in all."""
        found = [row for row in self.tables.orders.values() if _matches(row, where)]
        found.sort(key=lambda row: row.id, reverse=True)
        return [_summary(row) for row in found[offset : offset + limit]], len(found)

    def order_facts(self, reference: str) -> OrderFacts:
        """Raises OrderNotFound."""
        row = self.tables.orders[self.order_id(reference)]
        return OrderFacts(row.process, row.created_at, row.closed_at)

    # -- refunds ----------------------------------------------------------------------------

    def refund_page(
        self, where: RefundFilter, limit: int, offset: int
    ) -> tuple[list[RefundSummary], int]:
        """One page of refund records, oldest request first, and how many match in all."""
        found = [
            row.record
            for row in self.tables.payments[PaymentKind.REFUND].values()
            if (where.state is None or row.record.state == where.state)
            and (where.order is None or row.record.order == where.order)
            and (where.requested_before is None or row.record.created_at < where.requested_before)
        ]
        page = [
            RefundSummary(
                reference_id=r.reference_id,
                amazon_id=r.amazon_id,
                order=r.order,
                state=RefundState(r.state),
                amount=r.amount,
                reason_code=r.reason_code,
                requested_at=r.created_at,
                updated_at=r.updated_at,
            )
            for r in found[offset : offset + limit]
        ]
        return page, len(found)

    # -- IPNs -------------------------------------------------------------------------------

    def ipn_page(
        self,
        notification_type: str | None,
        errors_only: bool,
        limit: int,
        offset: int,
        *,
        among: Collection[str] | None = None,
    ) -> tuple[list[IpnRow], int]:
        """One page of the IPN inbox, newest first, and how many match in all."""
        found = [
            row
            for row in self.tables.inbox.values()
            if (notification_type is None or row.notification_type == notification_type)
            and (among is None or row.notification_type in among)
            and (not errors_only or row.error is not None)
        ]
        found.sort(key=lambda row: row.id, reverse=True)
        return [self._ipn(row) for row in found[offset : offset + limit]], len(found)

    def ipns_of_order(self, order: str) -> list[IpnRow]:
        """The messages about the order, as read at receipt, oldest first."""
        order_id = self.order_id(order)
        return [self._ipn(row) for row in self._inbox() if row.order_id == order_id]

    def unread_ipns_mentioning(self, texts: Sequence[str]) -> list[IpnRow]:
        """Messages stored without what they are about whose raw body contains any of
        ``texts``, oldest first."""
        return [
            self._ipn(row)
            for row in self._inbox()
            if row.object_kind is None and any(text in row.body for text in texts)
        ]

    def _inbox(self) -> list[InboxRow]:
        return sorted(self.tables.inbox.values(), key=lambda row: row.id)

    def _ipn(self, row: InboxRow) -> IpnRow:
        return IpnRow(
            row.message_id,
            row.notification_type,
            row.received_at,
            row.processed_at,
            row.error,
            row.body,
            row.object_kind,
            row.amazon_id,
            row.object_state,
            self._reference_of(row.order_id),
        )

    # -- an order's history -----------------------------------------------------------------

    def payment_moments(self, order: str) -> list[PaymentMoment]:
        """Every authorization, capture and refund record of the order."""
        order_id = self.order_id(order)
        return [
            PaymentMoment(
                kind,
                row.record.reference_id,
                row.record.amazon_id,
                row.record.state,
                row.record.reason_code,
                row.record.error_code,
                row.record.amount,
                row.record.created_at,
                row.record.updated_at,
            )
            for kind in PaymentKind
            for row in self.tables.payments[kind].values()
            if row.order_id == order_id
        ]

    def mail_moments(self, order: str) -> list[MailMoment]:
        order_id = self.order_id(order)
        return [
            MailMoment(
                m.id,
                m.kind,
                m.audience,
                m.status,
                m.attempts,
                m.created_at,
                m.sent_at,
                m.last_error,
            )
            for m in self.tables.mails.values()
            if m.order_id == order_id
        ]

    def amazon_order_reference_id(self, order: str) -> str | None:
        """The order's Amazon order reference id. Raises OrderNotFound."""
        return self.tables.orders[self.order_id(order)].order.amazon_order_reference_id

    # -- mails ------------------------------------------------------------------------------

    def mail_page(self, status: str | None, limit: int, offset: int) -> tuple[list[MailRow], int]:
        """A page of mails, newest first, of one ``status`` or all; and how many there are."""
        found = [m for m in self.tables.mails.values() if status is None or m.status == status]
        found.sort(key=lambda m: m.id, reverse=True)
        return [self._mail_row(m) for m in found[offset : offset + limit]], len(found)

    def mail_row(self, mail_id: int) -> MailRow:
        """One mail. Raises RecordNotFound."""
        found = self.tables.mails.get(mail_id)
        if found is None:
            raise RecordNotFound("mail", str(mail_id))
        return self._mail_row(found)

    def _mail_row(self, m: MailRecord) -> MailRow:
        return MailRow(
            id=m.id,
            order=self._reference_of(m.order_id),
            kind=m.kind,
            audience=m.audience,
            status=m.status,
            attempts=m.attempts,
            mail=m.mail,
            created_at=m.created_at,
            not_before=m.not_before,
            sent_at=m.sent_at,
            last_error=m.last_error,
        )


def _matches(row: OrderRow, where: OrderFilter) -> bool:
    if where.search:
        needle = where.search.strip().lower()
        order = row.order
        fields = (order.reference, order.amazon_order_reference_id, order.customer_email)
        if not any(field is not None and needle in field.lower() for field in fields):
            return False
    if where.state is not None and where.state not in row.states.values():
        return False
    if where.placed_from is not None and row.created_at < where.placed_from:
        return False
    return where.placed_to is None or row.created_at < where.placed_to


def _summary(row: OrderRow) -> OrderSummary:
    order = row.order
    total = sum(
        item.unit_gross_price.minor
        - item.discount.minor
        + sum(o.gross_price.minor - o.discount.minor for o in item.options)
        for item in order.items
    )
    total += sum(e.gross_price.minor - e.discount.minor for e in order.expenses)
    counts: dict[str, int] = {}
    for state in row.states.values():
        counts[state or ""] = counts.get(state or "", 0) + 1
    states = tuple((state or "(not started)", n) for state, n in sorted(counts.items()))
    return OrderSummary(
        reference=order.reference,
        amazon_order_reference_id=order.amazon_order_reference_id,
        customer_email=order.customer_email,
        placed_at=row.created_at,
        closed=row.closed_at is not None,
        total=Money(total, order.currency),
        item_count=sum(n for _, n in states),
        states=states,
        api=order.api,
    )
