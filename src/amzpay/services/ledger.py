"""An order's books as staff (and the demo) read them: per capture what was captured,
refunded (booked) and is pending, each item's state, and the timeline of its moves; and its
money summary (``domain.money_summary``) for the order page and the REST order.

What the books say must equal what Amazon's ledger says; the end-to-end tests compare the
two through this view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from amzpay.domain.money import Money
from amzpay.domain.money_summary import MoneySummary, summarize
from amzpay.domain.order import CaptureId
from amzpay.domain.payment import CaptureBalance, PaymentKind, PaymentRecord
from amzpay.ports.unit import Storage, UnitOfWork
from amzpay.processes.records import capture_balances


@dataclass(frozen=True, slots=True)
class CaptureBooks:
    reference_id: str
    amazon_id: str | None
    captured: Money
    refunded: Money
    pending: Money
    refunds: int


@dataclass(frozen=True, slots=True)
class OrderBooks:
    order: str
    captures: tuple[CaptureBooks, ...]
    items: tuple[tuple[str, str, str | None], ...]  # id, name, state
    booked: Money  # every refund booking of the order

    @property
    def captured(self) -> Money:
        return Money.total((c.captured for c in self.captures), self.booked.currency)


@dataclass(frozen=True, slots=True)
class Moment:
    at: datetime
    item: str
    source: str | None
    target: str
    event: str | None
    actor: str


class LedgerService:
    def __init__(self, database: Storage) -> None:
        self.database = database

    def books(self, order: str) -> OrderBooks:
        with self.database.read() as tx:
            stored = tx.order(order)
            captures = _captures_with_balances(tx, order)
            states = tx.item_states(order)
            bookings = tx.refund_bookings(order)
        books = tuple(
            CaptureBooks(
                c.reference_id,
                c.amazon_id,
                balance.captured,
                balance.refunded,
                balance.pending,
                balance.refund_count,
            )
            for c, balance in captures
        )
        items = tuple((item.id, item.name, states.get(item.id)) for item in stored.items)
        booked = Money.total((amount for _, amount in bookings), stored.currency)
        return OrderBooks(order, books, items, booked)

    def money_summary(self, order: str) -> MoneySummary:
        """The order's total, what was authorized, captured, refunded and is pending, and
        what each capture may still refund. Raises OrderNotFound."""
        with self.database.read() as tx:
            stored = tx.order(order)
            authorizations = tx.payments(order, PaymentKind.AUTHORIZATION)
            captures = _captures_with_balances(tx, order)
        return summarize(stored, authorizations, captures)

    def timeline(self, order: str) -> list[Moment]:
        with self.database.read() as tx:
            return [Moment(*row) for row in tx.timeline(order)]


def _captures_with_balances(
    tx: UnitOfWork, order: str
) -> list[tuple[PaymentRecord, CaptureBalance]]:
    """Each capture record that took money, oldest first, with its balance."""
    balances = {b.id: b for b in capture_balances(tx, order)}
    return [
        (c, balance)
        for c in tx.payments(order, PaymentKind.CAPTURE)
        if (balance := balances.get(CaptureId(c.reference_id))) is not None
    ]
