"""The rules of Amazon's sandbox the fake follows, so that a contract test can drive the fake
and the simulator the same way (research amazonpay-api.md A.7, A.8, A.11, A.12):

- ``SandboxSimulation`` JSON in a note field sets the object's state and reason code;
- the sandbox test wallet's starred payment methods decline authorizations or put a
  constraint on the order reference;
- a capture's refunds may total at most the captured amount plus the lesser of 15 % and 75
  (8,400 JPY);
- ``Timing``: how long Amazon keeps an asynchronous authorization, a simulated Pending
  capture and every refund Pending (30 s, 30 s, 31 s in the sandbox fixtures, A.12).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from amzpay.amazonpay.gateway import ObjectKind, PaymentState
from amzpay.domain.money import Money

PAYMENT_METHOD_DECLINES = {
    "*invalid-payment-method": "InvalidPaymentMethod",
    "*amazon-rejected": "AmazonRejected",
    "*transaction-timed-out": "TransactionTimedOut",
}
PAYMENT_METHOD_CONSTRAINTS = {"*not-allowed": "PaymentMethodNotAllowed"}


@dataclass(frozen=True)
class Simulation:
    state: PaymentState | None = None
    reason_code: str | None = None
    constraint: str | None = None
    soft_decline: bool | None = None


def simulation(note: str | None) -> Simulation | None:
    """The ``{"SandboxSimulation": {...}}`` in ``note``, if it holds one (A.11)."""
    if not note or "SandboxSimulation" not in note:
        return None
    asked = json.loads(note)["SandboxSimulation"]
    state = asked.get("State")
    soft = asked.get("SoftDecline")
    return Simulation(
        state=PaymentState(state.lower()) if state else None,
        reason_code=asked.get("ReasonCode"),
        constraint=asked.get("Constraint"),
        soft_decline=None if soft is None else str(soft).lower() == "true",
    )


def refund_ceiling(captured: Money) -> Money:
    """The most a capture may be refunded in total (A.8)."""
    cap = 8400 if captured.currency == "JPY" else 75 * 10**captured.exponent
    allowance = min(captured.portion(15, 100).minor, cap)
    return captured + Money(allowance, captured.currency)


@dataclass(frozen=True)
class Timing:
    """How long Amazon keeps each kind Pending before it settles."""

    pending: dict[ObjectKind, timedelta]


SANDBOX_TIMING = Timing(
    {
        ObjectKind.AUTHORIZATION: timedelta(seconds=30),
        ObjectKind.CAPTURE: timedelta(seconds=30),
        ObjectKind.REFUND: timedelta(seconds=31),
    }
)
