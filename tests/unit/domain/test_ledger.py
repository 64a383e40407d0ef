"""What a refund's outcome does to the order's lines and to its capture."""

from __future__ import annotations

from dataclasses import replace

from amzpay.domain.ledger import (
    capture_balance,
    capture_completed,
    capture_held,
    capture_released,
    line_refunds,
)
from amzpay.domain.order import RefundStatus
from amzpay.domain.payment import RefundState
from amzpay.domain.refund import plan_refund

from builders import balance, make_item, make_order, make_shipping, money


def with_refunds(order, *refunds):
    """The order as the store reads it, with ``refunds`` ((state, part), in request order)."""
    asked = [(state, (*part.items, *part.expenses)) for state, part in refunds]
    return replace(order, refunds=line_refunds(order.currency, asked))


def refunded_order():
    order = make_order(
        [make_item("A", "10.00"), make_item("B", "5.00")], expenses=[make_shipping()]
    )
    capture = balance("C1", "19.90")
    (part,) = plan_refund(order, ["A", "B"], captures=[capture]).parts
    return order, capture, part


def test_a_requested_refund_holds_its_lines_as_pending():
    order, _, part = refunded_order()

    held = with_refunds(order, (RefundState.REQUESTED, part))

    assert {line: held.refunded(line).status for line in ("A", "B", "shipping")} == {
        "A": RefundStatus.PENDING,
        "B": RefundStatus.PENDING,
        "shipping": RefundStatus.PENDING,
    }
    assert held.refunded("A").pending == money("10.00")
    assert order.refunded("A").status is RefundStatus.OPEN  # the original is untouched


def test_a_completed_refund_books_exactly_the_amount_asked_for():
    order, _, part = refunded_order()

    done = with_refunds(order, (RefundState.COMPLETED, part))

    assert [(done.refunded(x).status, done.refunded(x).booked) for x in ("A", "shipping")] == [
        (RefundStatus.REFUNDED, money("10.00")),
        (RefundStatus.REFUNDED, money("4.90")),
    ]
    assert done.refunded("A").pending == money("0")


def test_a_declined_refund_releases_its_lines_to_be_refunded_again():
    order, capture, part = refunded_order()

    again = with_refunds(order, (RefundState.DECLINED, part))

    assert again.refunded("A").status is RefundStatus.OPEN
    assert plan_refund(again, ["A", "B"], captures=[capture]).total == money("19.90")


def test_a_line_declined_then_refunded_again_is_refunded_once():
    order, _, part = refunded_order()

    done = with_refunds(order, (RefundState.DECLINED, part), (RefundState.COMPLETED, part))
    pending = with_refunds(order, (RefundState.FAILED, part), (RefundState.PENDING, part))

    assert (done.refunded("A").status, done.refunded("A").booked) == (
        RefundStatus.REFUNDED,
        money("10.00"),
    )
    assert (pending.refunded("A").status, pending.refunded("A").pending) == (
        RefundStatus.PENDING,
        money("10.00"),
    )


def test_lines_no_refund_touched_or_only_released_are_left_out():
    order, _, part = refunded_order()

    assert with_refunds(order).refunds == {}
    assert with_refunds(order, (RefundState.DECLINED, part)).refunds == {}


def test_the_capture_counts_holds_books_and_releases_the_refund():
    _, capture, part = refunded_order()

    held = capture_held(capture, part)
    assert (held.pending, held.refund_count, held.available) == (money("19.90"), 1, money("0"))

    done = capture_completed(held, part)
    assert (done.pending, done.refunded, done.refund_count) == (money("0"), money("19.90"), 1)

    declined = capture_released(held, part)
    assert (declined.pending, declined.available, declined.refund_count) == (
        money("0"),
        money("19.90"),
        1,  # Amazon counts a declined refund among the ten of a capture
    )


def test_a_captures_balance_folds_each_refund_in_by_its_state():
    _, capture, part = refunded_order()

    def fold(*states):
        return capture_balance(capture.id, capture.captured, [(part, s) for s in states])

    assert fold() == capture
    assert fold(RefundState.REQUESTED) == fold(RefundState.PENDING) == capture_held(capture, part)
    assert fold(RefundState.COMPLETED) == capture_completed(capture_held(capture, part), part)
    assert fold(RefundState.DECLINED) == capture_released(capture_held(capture, part), part)
    assert fold(RefundState.FAILED) == capture  # Amazon refused the call: it never counted
    assert fold(RefundState.COMPLETED, RefundState.DECLINED).refund_count == 2
