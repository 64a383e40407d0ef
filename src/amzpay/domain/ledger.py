"""What a refund's outcome does to the order's lines and to its capture.

A ``CaptureRefund`` (one Amazon Refund call) is first *held*: its items and expenses become
refund pending and the capture's pending amount grows. Amazon then settles it: *completed*
books the amount on each line and on the capture, exactly the amount that was asked for;
*declined* (or a call Amazon refused outright) releases the lines so they can be refunded
again. ``capture_balance`` folds a capture's refunds, each by its state, through those same
steps: it is how the worker knows what a capture has left. The functions return new values
and never change their arguments.

Imports nothing but the standard library.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from amzpay.domain.money import Money
from amzpay.domain.order import CaptureId, LineId, Order, Refunded, RefundStatus
from amzpay.domain.payment import RefundState
from amzpay.domain.refund import CaptureBalance, CaptureRefund, RefundLine

_Change = Callable[[Refunded, RefundLine], Refunded]


def hold(order: Order, part: CaptureRefund) -> Order:
    """The order once ``part`` is requested: its lines are refund pending."""
    return _update(
        order, part, lambda held, line: Refunded(RefundStatus.PENDING, held.booked, line.amount)
    )


def complete(order: Order, part: CaptureRefund) -> Order:
    """The order once Amazon completed ``part``: its lines are refunded, their amounts booked."""
    return _update(
        order,
        part,
        lambda held, line: Refunded(
            RefundStatus.REFUNDED, held.booked + line.amount, Money.zero(order.currency)
        ),
    )


def release(order: Order, part: CaptureRefund) -> Order:
    """The order once Amazon declined or refused ``part``: its lines may be refunded again."""
    return _update(
        order,
        part,
        lambda held, line: Refunded(RefundStatus.OPEN, held.booked, Money.zero(order.currency)),
    )


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


def _update(order: Order, part: CaptureRefund, change: _Change) -> Order:
    refunds: dict[LineId, Refunded] = dict(order.refunds)
    for line in (*part.items, *part.expenses):
        refunds[line.line_id] = change(order.refunded(line.line_id), line)
    return replace(order, refunds=refunds)
