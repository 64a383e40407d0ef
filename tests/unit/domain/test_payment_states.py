"""The payment states: one enum, one transition table and one guard per kind."""

from __future__ import annotations

import pytest

from amzpay.domain.errors import IllegalTransition, UnknownPaymentState
from amzpay.domain.payment import (
    ORDER_REFERENCE_TRANSITIONS,
    STATES,
    TRANSITIONS,
    AuthorizationState,
    CaptureState,
    Observed,
    OrderReferenceState,
    PaymentKind,
    RefundState,
    guard,
    is_final,
    judge,
    judge_order_reference,
    state_of,
)

MOVES = [
    (kind, current, target)
    for kind, table in TRANSITIONS.items()
    for current, targets in table.items()
    for target in targets
]
ILLEGAL = [
    (kind, current, target)
    for kind, table in TRANSITIONS.items()
    for current, targets in table.items()
    for target in STATES[kind]
    if target not in targets
]


@pytest.mark.parametrize(("kind", "current", "target"), MOVES, ids=str)
def test_the_guard_lets_every_move_of_the_table_through(kind, current, target):
    assert guard(kind, current, target) is target


@pytest.mark.parametrize(("kind", "current", "target"), ILLEGAL, ids=str)
def test_the_guard_refuses_every_move_the_table_does_not_have_naming_both_states(
    kind, current, target
):
    with pytest.raises(IllegalTransition) as refused:
        guard(kind, current, target)

    assert (refused.value.current, refused.value.target) == (current.value, target.value)
    assert f"{current.value!r}" in str(refused.value)
    assert f"{target.value!r}" in str(refused.value)
    assert kind.value in str(refused.value)


def test_the_tables_cover_every_state_of_their_kind():
    assert {kind: set(table) for kind, table in TRANSITIONS.items()} == {
        kind: set(states) for kind, states in STATES.items()
    }
    assert set(ORDER_REFERENCE_TRANSITIONS) == set(OrderReferenceState)


def test_the_enum_values_are_the_strings_the_store_has_always_kept():
    assert {kind: sorted(s.value for s in STATES[kind]) for kind in PaymentKind} == {
        PaymentKind.AUTHORIZATION: ["closed", "declined", "failed", "open", "pending", "requested"],
        PaymentKind.CAPTURE: ["closed", "completed", "declined", "failed", "pending", "requested"],
        PaymentKind.REFUND: ["completed", "declined", "failed", "pending", "requested"],
    }


def test_only_a_requested_record_can_fail_and_only_amazon_answers_lead_out_of_requested():
    for kind, table in TRANSITIONS.items():
        failed = STATES[kind].FAILED
        assert [current for current, targets in table.items() if failed in targets] == [
            STATES[kind].REQUESTED
        ]


def test_a_state_name_the_kind_does_not_have_is_refused_by_name():
    assert state_of(PaymentKind.CAPTURE, "completed") is CaptureState.COMPLETED
    with pytest.raises(UnknownPaymentState, match="a refund has no state 'open'"):
        state_of(PaymentKind.REFUND, "open")


@pytest.mark.parametrize(
    ("kind", "current", "target", "observed"),
    [
        (PaymentKind.REFUND, RefundState.PENDING, RefundState.COMPLETED, Observed.MOVE),
        (PaymentKind.REFUND, RefundState.REQUESTED, RefundState.COMPLETED, Observed.MOVE),
        (PaymentKind.REFUND, RefundState.PENDING, RefundState.PENDING, Observed.REPEAT),
        (PaymentKind.REFUND, RefundState.COMPLETED, RefundState.PENDING, Observed.STALE),
        (PaymentKind.REFUND, RefundState.COMPLETED, RefundState.DECLINED, Observed.STALE),
        (PaymentKind.REFUND, RefundState.FAILED, RefundState.PENDING, Observed.STALE),
        (PaymentKind.CAPTURE, CaptureState.CLOSED, CaptureState.COMPLETED, Observed.STALE),
        (PaymentKind.CAPTURE, CaptureState.COMPLETED, CaptureState.CLOSED, Observed.MOVE),
        (PaymentKind.AUTHORIZATION, AuthorizationState.OPEN, AuthorizationState.PENDING, Observed.STALE),
    ],
    ids=str,
)  # fmt: skip
def test_news_of_a_state_is_a_move_a_repeat_or_stale(kind, current, target, observed):
    assert judge(kind, current, target) is observed


@pytest.mark.parametrize(
    ("kind", "current", "target"),
    [
        (PaymentKind.AUTHORIZATION, AuthorizationState.OPEN, AuthorizationState.DECLINED),
        (PaymentKind.CAPTURE, CaptureState.COMPLETED, CaptureState.DECLINED),
        (PaymentKind.REFUND, RefundState.PENDING, RefundState.FAILED),
    ],
    ids=str,
)
def test_news_no_state_diagram_has_is_an_illegal_transition(kind, current, target):
    with pytest.raises(IllegalTransition, match=f"from {current.value!r} to {target.value!r}"):
        judge(kind, current, target)


def test_a_final_state_never_moves_again():
    finals = {kind: {s for s in STATES[kind] if is_final(kind, s)} for kind in PaymentKind}

    assert finals == {
        PaymentKind.AUTHORIZATION: {
            AuthorizationState.DECLINED,
            AuthorizationState.CLOSED,
            AuthorizationState.FAILED,
        },
        PaymentKind.CAPTURE: {CaptureState.DECLINED, CaptureState.CLOSED, CaptureState.FAILED},
        PaymentKind.REFUND: {RefundState.COMPLETED, RefundState.DECLINED, RefundState.FAILED},
    }


def test_a_suspended_order_reference_is_open_again_and_a_closed_one_stays_closed():
    suspended, opened = OrderReferenceState.SUSPENDED, OrderReferenceState.OPEN
    closed = OrderReferenceState.CLOSED

    assert judge_order_reference(suspended, opened) is Observed.MOVE
    assert judge_order_reference(opened, suspended) is Observed.MOVE
    assert judge_order_reference(closed, opened) is Observed.STALE
    with pytest.raises(IllegalTransition, match="order reference cannot move"):
        judge_order_reference(OrderReferenceState.DRAFT, suspended)
