"""Settlement by event: a payment's new state moves the items it covers.

When an observation or a refusal moves a payment record, ``Settlement.settled`` signals the
process event named for the record's kind and new state (``signal_of``: "refund is
completed", "capture failed") on the items the record covers, in the transaction that moved
the record. The record holds the payment's state; the items follow it by that event, and no
one asks the records again. An item follows only its newest record of the kind: an older
authorization closing must not move items that wait for a newer one.
"""

from __future__ import annotations

from amzpay.domain.payment import STATES, PaymentKind, PaymentRecord, PaymentState
from amzpay.oms.engine import Engine
from amzpay.ports.unit import UnitOfWork


def signal_of(kind: PaymentKind, state: PaymentState) -> str:
    """The process event that a ``kind`` record reaching ``state`` signals."""
    if state == STATES[kind].FAILED:
        return f"{kind} failed"
    return f"{kind} is {state}"


SIGNALS = frozenset(
    signal_of(kind, state)
    for kind, states in STATES.items()
    for state in states
    if state != states.REQUESTED  # a record is stored requested; nothing is news then
)
"""Every signal a settlement may send: the process files may follow any of them."""


class Settlement:
    """Signals the engine when a payment record moved (``settled``)."""

    def __init__(self, engine: Engine[UnitOfWork]) -> None:
        self.engine = engine

    def settled(self, tx: UnitOfWork, record: PaymentRecord, actor: str) -> list[str]:
        """Move the items ``record`` covers (and is the newest record of its kind for) by
        the signal of its state; return the items that moved."""
        newest: dict[str, int] = {}
        for other, covered in tx.payment_items(record.order, record.kind):
            newest |= dict.fromkeys(covered, other)
        items = [item for item in record.items if newest.get(item) == record.id]
        event = signal_of(record.kind, record.state)
        return self.engine.signal(tx, record.order, event, items, actor)
