"""The v2 transition table: every state of every kind has its row, and a move the table does
not have is refused with the legacy side's IllegalTransition."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from amzpay.simulator.model import IllegalTransition, Status
from amzpay.simulator.v2.model import (
    TRANSITIONS,
    ChargeState,
    PermissionState,
    RefundState,
    SessionState,
    move,
)

AT = datetime(2026, 3, 2, tzinfo=UTC)
STATES = {
    "CheckoutSession": SessionState,
    "ChargePermission": PermissionState,
    "Charge": ChargeState,
    "Refund": RefundState,
}


@pytest.mark.parametrize("kind", list(STATES))
def test_every_state_has_a_row_and_every_target_is_a_state_of_the_same_kind(kind: str) -> None:
    table = TRANSITIONS[kind]  # type: ignore[index]
    assert set(table) == set(STATES[kind])
    assert all(set(targets) <= set(STATES[kind]) for targets in table.values())


def test_a_move_in_the_table_changes_state_reason_and_time() -> None:
    status = Status(ChargeState.AUTHORIZED, AT)
    later = datetime(2026, 3, 3, tzinfo=UTC)
    move(status, "Charge", ChargeState.CANCELED, later, "MerchantCanceled")
    assert (status.state, status.reason_code, status.last_update) == (
        "Canceled",
        "MerchantCanceled",
        later,
    )


@pytest.mark.parametrize(
    ("kind", "current", "target"),
    [
        ("Charge", ChargeState.CAPTURED, ChargeState.CANCELED),
        ("Refund", RefundState.REFUNDED, RefundState.DECLINED),
        ("CheckoutSession", SessionState.COMPLETED, SessionState.OPEN),
        ("ChargePermission", PermissionState.CLOSED, PermissionState.CHARGEABLE),
    ],
)
def test_a_move_the_table_does_not_have_is_refused(kind: str, current: str, target: str) -> None:
    status = Status(current, AT)
    with pytest.raises(IllegalTransition):
        move(status, kind, target, AT)  # type: ignore[arg-type]
    assert status.state == current
