"""An order's money summary folded from its payment records: integer minor units throughout,
declined authorizations left out, nothing refundable of a closed capture."""

from __future__ import annotations

from datetime import UTC, datetime

from amzpay.domain.money_summary import summarize
from amzpay.domain.payment import (
    AuthorizationState,
    CaptureState,
    PaymentKind,
    PaymentRecord,
    PaymentState,
)

from builders import balance, make_item, make_order, make_shipping, money

AT = datetime(2026, 3, 2, 10, tzinfo=UTC)
ORDER = make_order(
    [make_item("mug", "19.99"), make_item("pot", "49.00", capture="C2")],
    expenses=[make_shipping()],
)


def record(kind: PaymentKind, state: PaymentState, amount: str, reference: str) -> PaymentRecord:
    return PaymentRecord(
        id=hash(reference) % 1000,
        kind=kind,
        order=ORDER.reference,
        reference_id=reference,
        amazon_id=f"S01-1-1-{reference}",
        state=state,
        reason_code=None,
        error_code=None,
        error_message=None,
        amount=money(amount),
        items=(),
        created_at=AT,
        updated_at=AT,
    )


def authorization(state: AuthorizationState, amount: str, reference: str) -> PaymentRecord:
    return record(PaymentKind.AUTHORIZATION, state, amount, reference)


def capture(state: CaptureState, amount: str, reference: str) -> PaymentRecord:
    return record(PaymentKind.CAPTURE, state, amount, reference)


def test_the_total_is_every_item_and_expense_to_pay():
    summary = summarize(ORDER, [], [])

    assert summary.total == money("73.89")
    assert (summary.authorized, summary.captured, summary.refundable) == (
        money("0"),
        money("0"),
        money("0"),
    )


def test_authorized_counts_open_and_closed_authorizations_but_not_declined_ones():
    authorizations = [
        authorization(AuthorizationState.DECLINED, "73.89", "A1"),
        authorization(AuthorizationState.CLOSED, "24.89", "A2"),
        authorization(AuthorizationState.OPEN, "49.00", "A3"),
        authorization(AuthorizationState.PENDING, "10.00", "A4"),
    ]

    assert summarize(ORDER, authorizations, []).authorized == money("73.89")


def test_each_capture_shows_what_is_refunded_pending_and_still_refundable():
    captures = [
        (capture(CaptureState.COMPLETED, "24.89", "C1"), balance("C1", "24.89", refunded="4.90")),
        (capture(CaptureState.COMPLETED, "49.00", "C2"), balance("C2", "49.00", pending="49.00")),
    ]

    summary = summarize(ORDER, [], captures)

    first, second = summary.captures
    assert (first.refunded, first.pending, first.refundable) == (
        money("4.90"),
        money("0"),
        money("19.99"),
    )
    assert (second.refunded, second.pending, second.refundable) == (
        money("0"),
        money("49.00"),
        money("0"),
    )
    assert (summary.captured, summary.refunded, summary.pending, summary.refundable) == (
        money("73.89"),
        money("4.90"),
        money("49.00"),
        money("19.99"),
    )
    assert first.over_refund_left == money("3.73")  # 15 % of 24.89, rounded down


def test_a_refund_above_the_items_worth_uses_the_allowance_not_the_refundable():
    over = balance("C2", "49.00", refunded="52.00", over_refunded="3.00", count=1)

    [shown] = summarize(
        ORDER, [], [(capture(CaptureState.COMPLETED, "49.00", "C2"), over)]
    ).captures

    assert shown.refundable == money("0")
    assert shown.over_refund_left == money("4.35")  # 7.35 allowed, 3.00 used


def test_a_closed_capture_or_one_with_ten_refunds_has_nothing_left_to_refund():
    closed = (capture(CaptureState.CLOSED, "24.89", "C1"), balance("C1", "24.89"))
    ten = (capture(CaptureState.COMPLETED, "49.00", "C2"), balance("C2", "49.00", count=10))

    summary = summarize(ORDER, [], [closed, ten])

    assert [c.refundable for c in summary.captures] == [money("0"), money("0")]
    assert [c.over_refund_left for c in summary.captures] == [money("0"), money("0")]
    assert summary.refundable == money("0")
    assert summary.captured == money("73.89")
