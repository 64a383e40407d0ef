"""An order's money at a glance, folded from its payment records: the order total, what
Amazon authorized, what was captured, refunded and is pending, and what each capture may
still refund. Money is Money throughout: integer minor units with the order's currency.

"Still refundable" is what items and expenses may still take of a capture: the captured
amount less what completed and pending item refunds hold of it (``CaptureBalance.available``),
and nothing once the capture is closed or has had Amazon's ten refunds. Amazon's over-refund
allowance (15 %, at most 75) comes on top and is shown apart (``over_refund_left``).

Imports nothing but the standard library.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from amzpay.domain.money import Money
from amzpay.domain.order import Order
from amzpay.domain.payment import (
    MAX_REFUNDS_PER_CAPTURE,
    AuthorizationState,
    CaptureBalance,
    CaptureState,
    PaymentRecord,
)

AUTHORIZED: Final = frozenset({AuthorizationState.OPEN, AuthorizationState.CLOSED})
"""Authorization states in which Amazon granted the amount (open, or closed since: captured,
expired or closed by Amazon or the shop)."""


@dataclass(frozen=True, slots=True)
class CaptureMoney:
    reference_id: str
    amazon_id: str | None
    captured: Money
    refunded: Money  # completed refunds
    pending: Money  # refunds sent and not yet settled
    refundable: Money  # what items and expenses may still take of it
    over_refund_left: Money  # Amazon's over-refund allowance still unused
    refunds: int  # refunds sent, declined ones included (Amazon counts them)


@dataclass(frozen=True, slots=True)
class MoneySummary:
    total: Money
    authorized: Money
    captured: Money
    refunded: Money
    pending: Money
    refundable: Money
    captures: tuple[CaptureMoney, ...]


def summarize(
    order: Order,
    authorizations: Iterable[PaymentRecord],
    captures: Iterable[tuple[PaymentRecord, CaptureBalance]],
) -> MoneySummary:
    """The summary of ``order`` from its authorization records and each capture that took
    money with its balance (``ledger.capture_balance``)."""
    currency = order.currency
    shown = tuple(_capture(record, balance) for record, balance in captures)

    def total(amounts: Iterable[Money]) -> Money:
        return Money.total(amounts, currency)

    return MoneySummary(
        total=total(line.price_to_pay for line in order.lines()),
        authorized=total(a.amount for a in authorizations if a.state in AUTHORIZED),
        captured=total(c.captured for c in shown),
        refunded=total(c.refunded for c in shown),
        pending=total(c.pending for c in shown),
        refundable=total(c.refundable for c in shown),
        captures=shown,
    )


def _capture(record: PaymentRecord, balance: CaptureBalance) -> CaptureMoney:
    zero = Money.zero(balance.captured.currency)
    closed = record.state is CaptureState.CLOSED or balance.refund_count >= MAX_REFUNDS_PER_CAPTURE
    return CaptureMoney(
        reference_id=record.reference_id,
        amazon_id=record.amazon_id,
        captured=balance.captured,
        refunded=balance.refunded,
        pending=balance.pending,
        refundable=zero if closed else max(balance.available, zero),
        over_refund_left=zero if closed else max(balance.over_refund_left, zero),
        refunds=balance.refund_count,
    )
