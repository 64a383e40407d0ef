"""Use cases on orders: import one a shop placed, fire an event on its items, read it.

Each runs in one short transaction; the calls to Amazon that events ask for are planned in
it and made by the worker after the commit (``oms.runner``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from amzpay.oms.engine import Engine
from amzpay.services.order_spec import read_order
from amzpay.store.database import Database
from amzpay.store.errors import DuplicateOrder, OrderNotFound
from amzpay.store.transaction import Transaction

Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class ItemView:
    id: str
    name: str
    state: str | None
    manual_events: tuple[str, ...]


class OrderService:
    def __init__(
        self, database: Database, engine: Engine[Transaction], clock: Clock, process: str
    ) -> None:
        self.database, self.engine, self.clock, self.process = database, engine, clock, process

    def import_order(self, spec: object, *, process: str | None = None) -> str:
        """Store the order ``spec`` describes and start its process; return its reference.

        Raises:
            InvalidOrderSpec: the spec is malformed (the field is named).
            DuplicateOrder: an order with this reference is stored already.
            UnknownProcess: no such process.
        """
        order = read_order(spec)
        name = process or self.process
        self.engine.process(name)  # an unknown process fails before anything is stored
        with self.database.transaction() as tx:
            if _is_stored(tx, order.reference):
                raise DuplicateOrder(order.reference)
            tx.add_order(order, process=name, at=self.clock())
            self.engine.start(tx, order.reference, actor="import")
        return order.reference

    def fire(self, order: str, event: str, items: Iterable[str] | None, actor: str) -> None:
        """Fire the manual ``event`` on ``items`` (None: every item of the order).

        Raises:
            OrderNotFound, and the OMS's EventNotAllowed, NotAManualEvent, OrderClosed,
            ConditionNotMet: nothing changed.
        """
        with self.database.transaction() as tx:
            chosen = list(tx.item_states(order)) if items is None else list(items)
            self.engine.fire(tx, order, event, chosen, actor=actor)

    def items(self, order: str) -> list[ItemView]:
        """The order's items with their states and the events staff may fire on each."""
        with self.database.transaction() as tx:
            head = tx.lock_order(order)
            states = tx.item_states(order)
            names: dict[str, str] = {i.id: i.name for i in tx.order(order).items}
        process = self.engine.process(head.process)
        return [
            ItemView(item, names[item], state, process.manual_events(state) if state else ())
            for item, state in states.items()
        ]


def _is_stored(tx: Transaction, reference: str) -> bool:
    try:
        tx.order_id(reference)
    except OrderNotFound:
        return False
    return True
