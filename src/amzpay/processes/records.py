"""Reading the payment records the way commands and conditions need them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from amzpay.domain import ledger
from amzpay.domain.money import Money
from amzpay.domain.order import CaptureId, Item, Order
from amzpay.domain.payment import (
    MONEY_TAKEN,
    CaptureBalance,
    PaymentKind,
    PaymentRecord,
    RefundState,
)
from amzpay.domain.refund import CaptureRefund
from amzpay.ports.unit import UnitOfWork


def new_reference_id(prefix: str) -> str:
    """Our reference id for one Amazon call: generated once, stored before the call, sent
    again on every retry. Amazon allows [A-Za-z0-9_-], at most 32 characters, unique per
    seller; random, so that it depends on no clock (the seed's failing)."""
    return f"{prefix}-{uuid.uuid4().hex}"[:32]


def latest_covering(
    tx: UnitOfWork, order: str, item: str, kind: PaymentKind
) -> PaymentRecord | None:
    """The newest record of ``kind`` whose items include ``item``."""
    covering = [r for r in tx.payments(order, kind) if item in r.items]
    return covering[-1] if covering else None


def items_total(order: Order, items: Iterable[str]) -> Money:
    wanted = set(items)
    chosen: list[Item] = [item for item in order.items if item.id in wanted]
    return Money.total((item.price_to_pay for item in chosen), order.currency)


def expenses_total(order: Order) -> Money:
    return Money.total((e.price_to_pay for e in order.expenses), order.currency)


def capture_balances(tx: UnitOfWork, order: str) -> list[CaptureBalance]:
    """Each capture that took money, with what its refunds booked and hold of it (the
    ledger's fold over the refunds' states)."""
    refunds = tx.payments(order, PaymentKind.REFUND)
    balances = []
    for capture in tx.payments(order, PaymentKind.CAPTURE):
        if capture.state not in MONEY_TAKEN:
            continue
        own = [
            (part_of(r, capture), RefundState(r.state))
            for r in refunds
            if r.parent_id == capture.id
        ]
        balances.append(
            ledger.capture_balance(CaptureId(capture.reference_id), capture.amount, own)
        )
    return balances


def refund_part(tx: UnitOfWork, refund: PaymentRecord) -> CaptureRefund:
    """The refund record as the ledger knows it: what it asked of which capture."""
    assert refund.parent_id is not None  # a refund always refunds a capture
    return part_of(refund, tx.payment(PaymentKind.CAPTURE, refund.parent_id))


def part_of(refund: PaymentRecord, capture: PaymentRecord) -> CaptureRefund:
    over = refund.over_refund or Money.zero(refund.amount.currency)
    return CaptureRefund(
        CaptureId(capture.reference_id),
        refund.item_lines,
        refund.expense_lines,
        over,
        refund.amount,
    )
