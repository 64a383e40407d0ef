"""What a payment record is before it is stored."""

from __future__ import annotations

from dataclasses import dataclass

from amzpay.domain.money import Money
from amzpay.domain.payment import PaymentKind
from amzpay.domain.refund import RefundLine


@dataclass(frozen=True, slots=True)
class NewPayment:
    """A record about to be stored, before its call to Amazon."""

    kind: PaymentKind
    reference_id: str
    amount: Money
    items: tuple[str, ...] = ()
    parent_id: int | None = None
    capture_now: bool = False
    item_lines: tuple[RefundLine, ...] = ()
    expense_lines: tuple[RefundLine, ...] = ()
    over_refund: Money | None = None
    job_id: int | None = None
