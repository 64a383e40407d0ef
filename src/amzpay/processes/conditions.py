"""The conditions the process files name, each a question about our own records.

A condition is asked when an item could take its transition: right after the order's items
moved, or when the event it guards fires. None is asked of the payment records every round:
a payment's new state moves its items by signal (``settlement.py``).
"""

from __future__ import annotations

from collections.abc import Mapping

from amzpay.domain.payment import MONEY_MAY_BE_TAKEN, PaymentKind
from amzpay.oms.ports import Condition, ConditionCheck
from amzpay.ports.unit import UnitOfWork

Check = ConditionCheck[UnitOfWork]


def order_is_fully_captured(check: Check) -> bool:
    """Every item of the order is in a state flagged ``captured``."""
    captured = check.process.states_with_flag("captured")
    return all(state in captured for state in check.states.values())


def nothing_is_captured(check: Check) -> bool:
    """No capture of the order took, or may have taken, money: Amazon would refuse to
    cancel the order reference otherwise."""
    captures = check.tx.payments(check.order, PaymentKind.CAPTURE)
    return not any(capture.state in MONEY_MAY_BE_TAKEN for capture in captures)


def conditions() -> Mapping[str, Condition[UnitOfWork]]:
    """Every condition by the name the process files use."""
    return {
        "order is fully captured": order_is_fully_captured,
        "nothing is captured": nothing_is_captured,
    }
