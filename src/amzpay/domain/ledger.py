"""What a refund's outcome does to the order's lines and to its capture.

A ``CaptureRefund`` (one Amazon Refund call) is first *held*: its items and expenses become
refund pending and the capture's pending amount grows. Amazon then settles it: *completed*
books the amount on each line and on the capture, exactly the amount that was asked for;
*declined* (or a call Amazon refused outright) releases the lines so they can be refunded
again. A refund's state lives on its record alone: ``line_refunds`` folds an order's refunds,
each by its state, through those steps to say what they hold of each line (it is how the store
reads an order), and ``capture_balance`` does the same for a capture (it is how the worker
knows what a capture has left). The functions return new values and never change their
arguments.

Imports nothing but the standard library.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from amzpay.domain.money import Money
from amzpay.domain.order import CaptureId, LineId, Refunded, RefundStatus
from amzpay.domain.payment import RefundState
from amzpay.domain.refund import CaptureBalance, CaptureRefund, RefundLine

_Change = Callable[[Refunded, RefundLine], Refunded]


def _held(held: Refunded, line: RefundLine) -> Refunded:
    return Refunded(RefundStatus.PENDING, held.booked, line.amount)


def _completed(held: Refunded, line: RefundLine) -> Refunded:
    return Refunded(
        RefundStatus.REFUNDED, held.booked + line.amount, Money.zero(held.pending.currency)
    )


def _released(held: Refunded, line: RefundLine) -> Refunded:
    return Refunded(RefundStatus.OPEN, held.booked, Money.zero(held.pending.currency))


_STEPS: dict[RefundState, tuple[_Change, ...]] = {
    RefundState.REQUESTED: (_held,),
    RefundState.PENDING: (_held,),
    RefundState.COMPLETED: (_held, _completed),
    RefundState.DECLINED: (_held, _released),
    RefundState.FAILED: (_held, _released),
}


def line_refunds(
    currency: str, refunds: Iterable[tuple[RefundState, Iterable[RefundLine]]]
) -> dict[LineId, Refunded]:
    """What an order's refunds hold of each of its lines, given each refund's state and
    lines in the order they were requested: each is held, then completed or released by its
    state. Lines no refund holds or booked anything of are left out."""
    zero = Money.zero(currency)
    nothing = Refunded(RefundStatus.OPEN, zero, zero)
    lines: dict[LineId, Refunded] = {}
    for state, asked in refunds:
        for line in asked:
            held = lines.get(line.line_id, nothing)
            for step in _STEPS[state]:
                held = step(held, line)
            lines[line.line_id] = held
    return {
        line_id: held
        for line_id, held in lines.items()
        if held.status is not RefundStatus.OPEN or held.booked.minor
    }


def capture_held(balance: CaptureBalance, part: CaptureRefund) -> CaptureBalance:
    """The capture once ``part`` is sent: its amount is pending, one more refund counted."""
    return replace(
        balance,
        pending=balance.pending + part.amount,
        over_refunded=balance.over_refunded + part.over_refund,
        refund_count=balance.refund_count + 1,
    )


def capture_completed(balance: CaptureBalance, part: CaptureRefund) -> CaptureBalance:
    return replace(
        balance, pending=balance.pending - part.amount, refunded=balance.refunded + part.amount
    )


def capture_released(balance: CaptureBalance, part: CaptureRefund) -> CaptureBalance:
    """A declined refund still counts towards Amazon's ten refunds per capture."""
    return replace(
        balance,
        pending=balance.pending - part.amount,
        over_refunded=balance.over_refunded - part.over_refund,
    )


def capture_balance(
    capture: CaptureId, captured: Money, refunds: Iterable[tuple[CaptureRefund, RefundState]]
) -> CaptureBalance:
    """The capture that took ``captured``, once each of its refunds is held and then, by
    its state, completed or released. A refund Amazon refused (``failed``) never reached the
    capture and is left out."""
    zero = Money.zero(captured.currency)
    balance = CaptureBalance(capture, captured, zero, zero, zero, 0)
    for part, state in refunds:
        if state is RefundState.FAILED:
            continue
        balance = capture_held(balance, part)
        if state is RefundState.COMPLETED:
            balance = capture_completed(balance, part)
        elif state is RefundState.DECLINED:
            balance = capture_released(balance, part)
    return balance
