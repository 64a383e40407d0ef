"""What the contract tests build on: stored orders and payment records, and the errors each
backend raises for the same refusal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from amzpay.domain.money import Money
from amzpay.domain.order import ExpenseId, ItemId, Order
from amzpay.domain.payment import PaymentKind, PaymentRecord
from amzpay.domain.refund import RefundLine
from amzpay.ports.errors import DuplicateOrder, StorageFailed
from amzpay.ports.payments import NewPayment
from amzpay.store.database import Database
from fakes.memory import MemoryStorage
from fakes.orders import make_order

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
PROCESS = "amazon-pay-async"

Storage = Database | MemoryStorage

READ_ONLY_REFUSAL = StorageFailed
"""A write inside a read: a failure of the storage (a bug), never an outage."""

KEY_REFUSAL = (StorageFailed, DuplicateOrder)
"""A row a unique or foreign key refuses."""


def eur(minor: int) -> Money:
    return Money(minor, "EUR")


def stored(storage: Storage, order: Order | None = None, *, at: datetime = NOW) -> Order:
    """A stored order (``make_order()`` unless given)."""
    order = order or make_order()
    with storage.transaction() as tx:
        tx.add_order(order, process=PROCESS, at=at)
    return order


def paid(
    storage: Storage, order: str, *, prefix: str = ""
) -> tuple[PaymentRecord, PaymentRecord, PaymentRecord]:
    """An authorization, its capture and a refund of one item of it, all requested."""
    with storage.transaction() as tx:
        auth = tx.add_payment(
            order,
            NewPayment(PaymentKind.AUTHORIZATION, f"{prefix}A-1", eur(4488), ("L1-1", "L1-2")),
            NOW,
        )
        capture = tx.add_payment(
            order,
            NewPayment(PaymentKind.CAPTURE, f"{prefix}C-1", eur(4488), ("L1-1", "L1-2"), auth.id),
            NOW,
        )
        refund = tx.add_payment(
            order,
            NewPayment(
                PaymentKind.REFUND,
                f"{prefix}R-1",
                eur(2489),
                parent_id=capture.id,
                item_lines=(RefundLine(ItemId("L1-1"), eur(1999)),),
                expense_lines=(RefundLine(ExpenseId("shipping-1"), eur(490)),),
            ),
            NOW,
        )
    return auth, capture, refund
