"""The conditions the process files name, each a question about our own records.

An item's authorization, capture or refund is the newest record of that kind whose items
include it. An item without such a record satisfies no condition (the seed answered "yes"
for an item without a payment row).
"""

from __future__ import annotations

from collections.abc import Mapping

from amzpay.oms.ports import Condition, ConditionCheck
from amzpay.processes.records import FAILED, TAKEN, latest_covering
from amzpay.store.payments import PaymentKind
from amzpay.store.transaction import Transaction

Check = ConditionCheck[Transaction]


def record_is(kind: PaymentKind, state: str) -> Condition[Transaction]:
    """True when the item's newest ``kind`` record is in ``state``."""

    def condition(check: Check) -> bool:
        record = latest_covering(check.tx, check.order, check.item, kind)
        return record is not None and record.state == state

    condition.__name__ = f"{kind}_is_{state}"
    return condition


def order_is_fully_captured(check: Check) -> bool:
    """Every item of the order is in a state flagged ``captured``."""
    captured = check.process.states_with_flag("captured")
    return all(state in captured for state in check.states.values())


def nothing_is_captured(check: Check) -> bool:
    """No capture of the order took, or may have taken, money: Amazon would refuse to
    cancel the order reference otherwise."""
    captures = check.tx.payments(check.order, PaymentKind.CAPTURE)
    return not any(capture.state in TAKEN for capture in captures)


def _records() -> dict[str, Condition[Transaction]]:
    auth, capture, refund = PaymentKind.AUTHORIZATION, PaymentKind.CAPTURE, PaymentKind.REFUND
    return {
        "authorization is pending": record_is(auth, "pending"),
        "authorization is open": record_is(auth, "open"),
        "authorization is declined": record_is(auth, "declined"),
        "authorization is closed": record_is(auth, "closed"),
        "authorization failed": record_is(auth, FAILED),
        "capture is pending": record_is(capture, "pending"),
        "capture is completed": record_is(capture, "completed"),
        "capture is declined": record_is(capture, "declined"),
        "capture failed": record_is(capture, FAILED),
        "refund is pending": record_is(refund, "pending"),
        "refund is completed": record_is(refund, "completed"),
        "refund is declined": record_is(refund, "declined"),
        "refund failed": record_is(refund, FAILED),
    }


def conditions() -> Mapping[str, Condition[Transaction]]:
    """Every condition by the name the process files use."""
    return {
        **_records(),
        "order is fully captured": order_is_fully_captured,
        "nothing is captured": nothing_is_captured,
    }
