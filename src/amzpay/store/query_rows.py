"""Read-side queries for staff and the REST API: pages of orders, refunds and IPNs with their
filters and total counts, and the rows an order's history is merged from.

Nothing here writes. Each page is one query for the rows plus one for the count (and, for
orders, one each for their lines and item states), whatever the page's size.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select

from amzpay.domain.money import Money
from amzpay.domain.order import AmazonApi
from amzpay.domain.payment import PaymentKind, RefundState, state_of
from amzpay.ports.errors import OrderNotFound
from amzpay.ports.queries import (
    IpnRow,
    MailMoment,
    OrderFacts,
    OrderFilter,
    OrderSummary,
    PaymentMoment,
    RefundFilter,
    RefundSummary,
)
from amzpay.store import tables as t
from amzpay.store.base import Rows


class QueryRows(Rows):
    # -- orders -----------------------------------------------------------------------------

    def order_page(
        self, where: OrderFilter, limit: int, offset: int
    ) -> tuple[list[OrderSummary], int]:
        """One page of orders, newest first, and how many match in all."""
        conditions = _order_conditions(where)
        total = self.conn.scalar(select(func.count()).select_from(t.orders).where(*conditions))
        heads = self.conn.execute(
            select(t.orders)
            .where(*conditions)
            .order_by(t.orders.c.id.desc())  # newest first: imported in id order
            .limit(limit)
            .offset(offset)
        ).all()
        ids = [head.id for head in heads]
        totals = self._order_totals(ids)
        states = self._state_counts(ids)
        page = [
            OrderSummary(
                reference=head.reference,
                amazon_order_reference_id=head.amazon_order_reference_id,
                customer_email=head.customer_email,
                placed_at=head.created_at,
                closed=head.closed_at is not None,
                total=Money(totals.get(head.id, 0), head.currency),
                item_count=sum(n for _, n in states.get(head.id, ())),
                states=tuple(states.get(head.id, ())),
                api=AmazonApi(head.amazon_api),
            )
            for head in heads
        ]
        return page, int(total or 0)

    def order_facts(self, reference: str) -> OrderFacts:
        """Raises OrderNotFound."""
        row = self.conn.execute(
            select(t.orders.c.process, t.orders.c.created_at, t.orders.c.closed_at).where(
                t.orders.c.reference == reference
            )
        ).first()
        if row is None:
            raise OrderNotFound(reference)
        return OrderFacts(row.process, row.created_at, row.closed_at)

    def _order_totals(self, order_ids: Sequence[int]) -> dict[int, int]:
        """Minor units to pay per order: items (less discount, with options) and expenses."""
        totals: dict[int, int] = dict.fromkeys(order_ids, 0)
        if not order_ids:
            return totals
        items = self.conn.execute(
            select(
                t.items.c.order_id,
                t.items.c.unit_gross_price,
                t.items.c.discount,
                t.items.c.options,
            ).where(t.items.c.order_id.in_(order_ids))
        )
        for row in items:
            options = sum(o["gross_price"] - o["discount"] for o in row.options)
            totals[row.order_id] += row.unit_gross_price - row.discount + options
        paid = self.conn.execute(
            select(
                t.expenses.c.order_id,
                func.sum(t.expenses.c.gross_price - t.expenses.c.discount).label("paid"),
            )
            .where(t.expenses.c.order_id.in_(order_ids))
            .group_by(t.expenses.c.order_id)
        )
        for order_id, amount in paid:
            totals[order_id] += int(amount)
        return totals

    def _state_counts(self, order_ids: Sequence[int]) -> dict[int, list[tuple[str, int]]]:
        counts: dict[int, list[tuple[str, int]]] = {}
        if not order_ids:
            return counts
        state = func.coalesce(t.items.c.state, "")
        rows = self.conn.execute(
            select(t.items.c.order_id, state.label("state"), func.count().label("n"))
            .where(t.items.c.order_id.in_(order_ids))
            .group_by(t.items.c.order_id, state)
            .order_by(t.items.c.order_id, state)
        )
        for row in rows:
            counts.setdefault(row.order_id, []).append((row.state or "(not started)", row.n))
        return counts

    # -- refunds ----------------------------------------------------------------------------

    def refund_page(
        self, where: RefundFilter, limit: int, offset: int
    ) -> tuple[list[RefundSummary], int]:
        """One page of refund records, oldest request first, and how many match in all."""
        table = t.refunds
        conditions: list[ColumnElement[bool]] = []
        if where.state is not None:
            conditions.append(table.c.state == where.state)
        if where.order is not None:
            conditions.append(t.orders.c.reference == where.order)
        if where.requested_before is not None:
            conditions.append(table.c.created_at < where.requested_before)
        joined = table.join(t.orders, t.orders.c.id == table.c.order_id)
        total = self.conn.scalar(select(func.count()).select_from(joined).where(*conditions))
        rows = self.conn.execute(
            select(table, t.orders.c.reference.label("order_reference"))
            .select_from(joined)
            .where(*conditions)
            .order_by(table.c.id)  # oldest request first: stored in id order
            .limit(limit)
            .offset(offset)
        )
        page = [
            RefundSummary(
                reference_id=r.reference_id,
                amazon_id=r.amazon_refund_id,
                order=r.order_reference,
                state=RefundState(r.state),
                amount=Money(r.amount, r.currency),
                reason_code=r.reason_code,
                requested_at=r.created_at,
                updated_at=r.updated_at,
            )
            for r in rows
        ]
        return page, int(total or 0)

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
        inbox = t.ipn_inbox
        conditions: list[ColumnElement[bool]] = []
        if notification_type is not None:
            conditions.append(inbox.c.notification_type == notification_type)
        if among is not None:
            conditions.append(inbox.c.notification_type.in_(list(among)))
        if errors_only:
            conditions.append(inbox.c.error.is_not(None))
        total = self.conn.scalar(select(func.count()).select_from(inbox).where(*conditions))
        rows = self.conn.execute(
            _ipn_rows()
            .where(*conditions)
            .order_by(inbox.c.id.desc())  # the order of receipt, by the primary key's index
            .limit(limit)
            .offset(offset)
        )
        return [_ipn(r) for r in rows], int(total or 0)

    def ipns_of_order(self, order: str) -> list[IpnRow]:
        """The messages about the order, as read at receipt, oldest first."""
        inbox = t.ipn_inbox
        rows = self.conn.execute(
            _ipn_rows().where(inbox.c.order_id == self.order_id(order)).order_by(inbox.c.id)
        )
        return [_ipn(r) for r in rows]

    def unread_ipns_mentioning(self, texts: Sequence[str]) -> list[IpnRow]:
        """Messages stored without what they are about (before that was kept at receipt)
        whose raw body contains any of ``texts`` (an Amazon order reference id, which its
        payment objects' ids begin with; our reference ids), oldest first."""
        if not texts:
            return []
        inbox = t.ipn_inbox
        rows = self.conn.execute(
            _ipn_rows()
            .where(
                inbox.c.object_kind.is_(None),
                or_(*(inbox.c.body.contains(text, autoescape=True) for text in texts)),
            )
            .order_by(inbox.c.id)
        )
        return [_ipn(r) for r in rows]

    # -- an order's history -----------------------------------------------------------------

    def payment_moments(self, order: str) -> list[PaymentMoment]:
        """Every authorization, capture and refund record of the order."""
        order_id = self.order_id(order)
        moments: list[PaymentMoment] = []
        for kind, table, amazon_column in (
            (PaymentKind.AUTHORIZATION, t.authorizations, "amazon_authorization_id"),
            (PaymentKind.CAPTURE, t.captures, "amazon_capture_id"),
            (PaymentKind.REFUND, t.refunds, "amazon_refund_id"),
        ):
            rows = self.conn.execute(
                select(table).where(table.c.order_id == order_id).order_by(table.c.id)
            )
            moments += [
                PaymentMoment(
                    kind,
                    r.reference_id,
                    getattr(r, amazon_column),
                    state_of(kind, r.state),
                    r.reason_code,
                    r.error_code,
                    Money(r.amount, r.currency),
                    r.created_at,
                    r.updated_at,
                )
                for r in rows
            ]
        return moments

    def mail_moments(self, order: str) -> list[MailMoment]:
        rows = self.conn.execute(
            select(t.mail_outbox)
            .where(t.mail_outbox.c.order_id == self.order_id(order))
            .order_by(t.mail_outbox.c.id)
        )
        return [
            MailMoment(
                r.id,
                r.kind,
                r.audience,
                r.status,
                r.attempts,
                r.created_at,
                r.sent_at,
                r.last_error,
            )
            for r in rows
        ]

    def amazon_order_reference_id(self, order: str) -> str | None:
        """The order's Amazon order reference id. Raises OrderNotFound."""
        found: str | None = self.conn.scalar(
            select(t.orders.c.amazon_order_reference_id).where(
                t.orders.c.id == self.order_id(order)
            )
        )
        return found


def _order_conditions(where: OrderFilter) -> list[ColumnElement[bool]]:
    orders = t.orders
    conditions: list[ColumnElement[bool]] = []
    if where.search:
        needle = where.search.strip().lower()
        conditions.append(
            or_(
                *(
                    func.lower(column).contains(needle, autoescape=True)
                    for column in (
                        orders.c.reference,
                        orders.c.amazon_order_reference_id,
                        orders.c.customer_email,
                    )
                )
            )
        )
    if where.state is not None:
        # IN (one subquery) rather than a correlated EXISTS: SQLite would walk the state
        # index once per order.
        with_state = select(t.items.c.order_id).where(t.items.c.state == where.state)
        conditions.append(orders.c.id.in_(with_state))
    if where.placed_from is not None:
        conditions.append(orders.c.created_at >= where.placed_from)
    if where.placed_to is not None:
        conditions.append(orders.c.created_at < where.placed_to)
    return conditions


def _ipn_rows() -> Select[Any]:
    """Inbox rows with the reference of the order each is about."""
    inbox = t.ipn_inbox
    return select(inbox, t.orders.c.reference.label("order_reference")).outerjoin(
        t.orders, t.orders.c.id == inbox.c.order_id
    )


def _ipn(row: Any) -> IpnRow:
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
        row.order_reference,
    )
