"""A shop's back end in a test: database, engine, fake Amazon and a clock, wired together."""

from __future__ import annotations

from collections.abc import Iterable

from amzpay.amazonpay.gateway import ObjectKind
from amzpay.domain.order import Order
from amzpay.domain.payment import PaymentKind
from amzpay.oms.runner import run_due_jobs
from amzpay.ports import Storage
from amzpay.processes.call_log import StoreCallLog
from amzpay.processes.catalog import ASYNC, build_engine
from amzpay.processes.observations import apply_observation
from amzpay.processes.settlement import Settlement
from amzpay.worker import Worker
from fakes.clock import FakeClock
from fakes.gateway import FakeGateway

_DETAILS = {
    PaymentKind.AUTHORIZATION: ObjectKind.AUTHORIZATION,
    PaymentKind.CAPTURE: ObjectKind.CAPTURE,
    PaymentKind.REFUND: ObjectKind.REFUND,
}


class World:
    def __init__(self, database: Storage) -> None:
        self.database = database
        self.clock = FakeClock()
        self.amazon = FakeGateway(self.clock, call_log=StoreCallLog(database))
        self.engine = build_engine(self.amazon, self.clock)
        self.settlement = Settlement(self.engine)
        self.worker = Worker(database, self.engine, "test-worker")

    def place(self, order: Order, process: str = ASYNC, *, run: bool = True) -> str:
        """Store the order, start its process and (unless ``run`` is False) run its jobs."""
        assert order.amazon_order_reference_id is not None
        self.amazon.open_order_reference(order.amazon_order_reference_id)
        with self.database.transaction() as tx:
            tx.add_order(order, process=process, at=self.clock())
            self.engine.start(tx, order.reference)
        if run:
            self.run_jobs()
        return order.reference

    def fire(
        self, order: str, event: str, items: Iterable[str] | None = None, *, run: bool = True
    ) -> None:
        """Staff fire ``event`` on ``items`` (default: every item of the order)."""
        with self.database.transaction() as tx:
            chosen = list(items) if items is not None else list(tx.item_states(order))
            self.engine.fire(tx, order, event, chosen, actor="staff")
        if run:
            self.run_jobs()

    def run_jobs(self) -> int:
        return run_due_jobs(self.engine, self.database.transaction, "test")

    def notify(self, order: str) -> None:
        """Amazon's IPNs arrive for every object of the order whose state changed."""
        with self.database.transaction() as tx:
            records = [r for kind in PaymentKind for r in tx.payments(order, kind) if r.amazon_id]
        for record in records:
            assert record.amazon_id is not None
            found = self.amazon.objects.get(record.amazon_id)
            if found is None:
                continue
            with self.database.transaction() as tx:
                tx.lock_order(order)
                apply_observation(tx, found.seen(), self.clock(), self.settlement, "ipn")

    def states(self, order: str) -> dict[str, str | None]:
        with self.database.transaction() as tx:
            return tx.item_states(order)

    def history(self, order: str) -> list[tuple[str, str | None, str, str | None]]:
        with self.database.transaction() as tx:
            return tx.history(order)

    def amazon_id(self, order: str, kind: PaymentKind, index: int = -1) -> str:
        with self.database.transaction() as tx:
            found = tx.payments(order, kind)[index].amazon_id
        assert found is not None
        return found
