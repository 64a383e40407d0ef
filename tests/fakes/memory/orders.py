"""Orders and the state machine's rows in memory: what ``OrderRows`` and ``OmsRows`` do.

One writer at a time (``MemoryStorage``) makes every lock trivially held: ``lock_order`` and
``try_lock_order`` find the order, ``claim_job`` has no other worker to skip.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from amzpay.domain import ledger
from amzpay.domain.buyer import OrderBuyer
from amzpay.domain.order import CaptureId, Order
from amzpay.domain.payment import OrderReferenceState, PaymentKind, RefundState
from amzpay.ports.errors import DuplicateOrder, OrderNotFound
from amzpay.ports.flow import Addressee
from amzpay.ports.process import Job, OrderHead, Timer
from fakes.memory.base import ConstraintViolation, MemoryRows, utc
from fakes.memory.tables import HistoryRow, JobRow, OrderReferenceRow, OrderRow, TimerRow


class MemoryOrderRows(MemoryRows):
    def add_order(self, order: Order, *, process: str, at: datetime) -> int:
        """Store a new order; its items get no state until its process starts."""
        tables = self._writes("add_order")
        if order.reference in tables.references:
            raise DuplicateOrder(order.reference)
        order_id = tables.new_id("orders")
        tables.orders[order_id] = OrderRow(
            id=order_id,
            order=replace(order, refunds={}),
            process=process,
            created_at=utc(at),
            closed_at=None,
            states=dict.fromkeys((item.id for item in order.items), None),
        )
        tables.references[order.reference] = order_id
        if order.amazon_order_reference_id is not None:
            # Amazon's order reference is confirmed (Open) before the shop receives the order.
            tables.order_references[order_id] = OrderReferenceRow(
                order.amazon_order_reference_id, OrderReferenceState.OPEN.value, None, utc(at)
            )
        return order_id

    def order(self, reference: str) -> Order:
        """The order with what refunds hold of its lines. Raises OrderNotFound."""
        row = self.tables.orders[self.order_id(reference)]
        refunds = sorted(
            (
                r.record
                for r in self.tables.payments[PaymentKind.REFUND].values()
                if r.order_id == row.id
            ),
            key=lambda record: record.id,
        )
        asked = [(RefundState(r.state), (*r.item_lines, *r.expense_lines)) for r in refunds]
        return replace(row.order, refunds=ledger.line_refunds(row.order.currency, asked))

    def addressee(self, reference: str, lines: Sequence[str]) -> Addressee:
        """The buyer's address and locale, and the names of those of ``lines`` that are the
        order's items. Raises OrderNotFound."""
        order = self.tables.orders[self.order_id(reference)].order
        wanted = set(lines)
        names = {str(item.id): item.name for item in order.items if item.id in wanted}
        return Addressee(reference, order.customer_email, order.locale, names)

    def set_capture(self, reference: str, lines: Sequence[str], capture_id: str) -> None:
        """Note which capture took the money of these items and expenses."""
        tables = self._writes("set_capture")
        row = tables.orders[self.order_id(reference)]
        taken, capture = set(lines), CaptureId(capture_id)
        order = replace(
            row.order,
            items=tuple(
                replace(i, capture_id=capture) if i.id in taken else i for i in row.order.items
            ),
            expenses=tuple(
                replace(e, capture_id=capture) if e.id in taken else e for e in row.order.expenses
            ),
        )
        tables.orders[row.id] = replace(row, order=order)

    def set_order_buyer(self, order: str, buyer: OrderBuyer) -> None:
        """Keep who bought the order and where it ships (replacing what was kept)."""
        order_id = self.order_id(order)
        self._writes("set_order_buyer").buyers[order_id] = buyer

    def order_buyer(self, order: str) -> OrderBuyer:
        """Who bought the order and where it ships. Raises OrderNotFound."""
        return self.tables.buyers.get(self.order_id(order), OrderBuyer())


class MemoryOmsRows(MemoryRows):
    def lock_order(self, order: str) -> OrderHead:
        """The order's head; a lock is a write (a read refuses it, as PostgreSQL does)."""
        self._writes("lock_order")
        return self.order_head(order)

    def order_head(self, order: str) -> OrderHead:
        """The order's process and whether it is closed, read without a lock."""
        head = self._head(order)
        if head is None:
            raise OrderNotFound(order)
        return head

    def try_lock_order(self, order: str) -> OrderHead | None:
        self._writes("try_lock_order")
        return self._head(order)

    def _head(self, order: str) -> OrderHead | None:
        order_id = self.tables.references.get(order)
        if order_id is None:
            return None
        row = self.tables.orders[order_id]
        return OrderHead(order, row.process, row.closed_at is not None, row.order.api)

    def item_states(self, order: str) -> dict[str, str | None]:
        order_id = self.tables.references.get(order)
        return {} if order_id is None else dict(self.tables.orders[order_id].states)

    def move_items(
        self,
        order: str,
        items: Sequence[str],
        transition: tuple[str | None, str, str | None],
        actor: str,
        at: datetime,
    ) -> None:
        source, target, event = transition
        tables = self._writes("move_items")
        row = tables.orders[self.order_id(order)]
        moved = {item: target for item in items if item in row.states}
        tables.orders[row.id] = replace(row, states={**row.states, **moved})
        for item in items:
            history_id = tables.new_id("history")
            tables.history[history_id] = HistoryRow(
                history_id, row.id, item, source, target, event, actor, utc(at)
            )

    def close_order(self, order: str, at: datetime) -> None:
        tables = self._writes("close_order")
        order_id = tables.references.get(order)
        if order_id is not None and tables.orders[order_id].closed_at is None:
            tables.orders[order_id] = replace(tables.orders[order_id], closed_at=utc(at))

    def history(self, order: str) -> list[tuple[str, str | None, str, str | None]]:
        """(item, from, to, event) of every move of the order's items, oldest first."""
        return [(r.item, r.source, r.target, r.event) for r in self._moves(order)]

    def timeline(self, order: str) -> list[tuple[datetime, str, str | None, str, str | None, str]]:
        """(at, item, from, to, event, actor) of every move of the order's items, oldest first."""
        return [(r.at, r.item, r.source, r.target, r.event, r.actor) for r in self._moves(order)]

    def _moves(self, order: str) -> list[HistoryRow]:
        order_id = self.order_id(order)
        return [row for row in self.tables.history.values() if row.order_id == order_id]

    # -- timers ---------------------------------------------------------------------------------

    def set_timer(self, order: str, item: str, state: str, event: str, due_at: datetime) -> None:
        tables = self._writes("set_timer")
        order_id = self.order_id(order)
        if any(
            (t.order_id, t.item, t.event) == (order_id, item, event) for t in tables.timers.values()
        ):
            raise ConstraintViolation("oms_timers", f"{order}/{item} has a timer for {event}")
        timer_id = tables.new_id("timers")
        tables.timers[timer_id] = TimerRow(timer_id, order_id, item, state, event, utc(due_at))

    def drop_timers(self, order: str, items: Sequence[str]) -> None:
        tables = self._writes("drop_timers")
        order_id, dropped = self.order_id(order), set(items)
        for timer in list(tables.timers.values()):
            if timer.order_id == order_id and timer.item in dropped:
                del tables.timers[timer.id]

    def due_timers(self, order: str, now: datetime) -> list[Timer]:
        order_id = self.order_id(order)
        due = [t for t in self.tables.timers.values() if t.order_id == order_id and t.due_at <= now]
        due.sort(key=lambda t: (t.due_at, t.id))
        return [Timer(t.id, order, t.item, t.state, t.event, t.due_at) for t in due]

    def delete_timers(self, timers: Sequence[Timer]) -> None:
        if timers:
            tables = self._writes("delete_timers")
            for timer in timers:
                tables.timers.pop(timer.id, None)

    def orders_with_due_timers(self, now: datetime, limit: int) -> list[str]:
        due = sorted({t.order_id for t in self.tables.timers.values() if t.due_at <= now})
        return [self.tables.orders[order_id].order.reference for order_id in due[:limit]]

    # -- jobs -----------------------------------------------------------------------------------

    def add_job(
        self, order: str, command: str, event: str, items: Sequence[str], at: datetime
    ) -> Job:
        tables = self._writes("add_job")
        order_id = self.order_id(order)
        job_id = tables.new_id("jobs")
        tables.jobs[job_id] = JobRow(
            job_id, order_id, command, event, tuple(items), "due", 0, utc(at), utc(at)
        )
        return Job(job_id, order, command, event, tuple(items))

    def has_due_job(self, now: datetime) -> bool:
        return any(_runnable(job, now) for job in self.tables.jobs.values())

    def claim_job(self, now: datetime, lease_until: datetime, worker: str) -> Job | None:
        tables = self._writes("claim_job")
        busy = {j.order_id for j in tables.jobs.values() if _holds(j, now)}
        runnable = [j for j in tables.jobs.values() if _runnable(j, now) and j.order_id not in busy]
        if not runnable:
            return None
        first_order = min(j.order_id for j in runnable)
        job = min((j for j in runnable if j.order_id == first_order), key=lambda j: j.id)
        claimed = replace(
            job,
            status="running",
            claimed_by=worker,
            claimed_until=utc(lease_until),
            attempts=job.attempts + 1,
        )
        tables.jobs[job.id] = claimed
        reference = tables.orders[job.order_id].order.reference
        return Job(job.id, reference, job.command, job.event, job.items, claimed.attempts)

    def finish_job(self, job: Job, at: datetime) -> None:
        self._end_job("finish_job", job, status="done", finished_at=utc(at), claimed_until=None)

    def retry_job(self, job: Job, not_before: datetime, reason: str) -> None:
        self._end_job(
            "retry_job",
            job,
            status="due",
            not_before=utc(not_before),
            last_error=reason,
            claimed_until=None,
        )

    def fail_job(self, job: Job, at: datetime, reason: str) -> None:
        self._end_job(
            "fail_job",
            job,
            status="failed",
            finished_at=utc(at),
            last_error=reason,
            claimed_until=None,
        )

    def jobs(self, order: str) -> list[tuple[str, str, int]]:
        """(command, status, attempts) of the order's jobs, oldest first."""
        order_id = self.order_id(order)
        return [
            (j.command, j.status, j.attempts)
            for j in self.tables.jobs.values()
            if j.order_id == order_id
        ]

    def _end_job(
        self,
        method: str,
        job: Job,
        *,
        status: str,
        claimed_until: None,
        finished_at: datetime | None = None,
        not_before: datetime | None = None,
        last_error: str | None = None,
    ) -> None:
        tables = self._writes(method)
        row = tables.jobs.get(job.id)
        if row is None:
            return
        tables.jobs[job.id] = replace(
            row,
            status=status,
            claimed_until=claimed_until,
            finished_at=finished_at if finished_at is not None else row.finished_at,
            not_before=not_before if not_before is not None else row.not_before,
            last_error=last_error if last_error is not None else row.last_error,
        )


def _runnable(job: JobRow, now: datetime) -> bool:
    """A job that is due, or whose worker's lease expired."""
    if job.status == "due":
        return job.not_before <= now
    return job.status == "running" and job.claimed_until is not None and job.claimed_until < now


def _holds(job: JobRow, now: datetime) -> bool:
    """A job a worker runs under a lease that has not expired."""
    return job.status == "running" and job.claimed_until is not None and job.claimed_until >= now
