"""An in-memory OmsTransaction: the engine's storage without a database, for unit tests."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import count

from amzpay.oms.ports import Job, OrderHead, Timer


@dataclass
class Data:
    orders: dict[str, OrderHead] = field(default_factory=dict)
    states: dict[str, dict[str, str | None]] = field(default_factory=dict)
    history: list[tuple[str, str, str | None, str, str | None, str]] = field(default_factory=list)
    timers: dict[int, Timer] = field(default_factory=dict)
    jobs: dict[int, tuple[Job, str]] = field(default_factory=dict)  # job, status
    ids: count[int] = field(default_factory=lambda: count(1))


class MemoryTransaction:
    def __init__(self, data: Data) -> None:
        self.data = data

    def lock_order(self, order: str) -> OrderHead:
        return self.data.orders[order]

    def try_lock_order(self, order: str) -> OrderHead | None:
        return self.data.orders.get(order)

    def item_states(self, order: str) -> dict[str, str | None]:
        return dict(self.data.states[order])

    def move_items(
        self,
        order: str,
        items: Sequence[str],
        transition: tuple[str | None, str, str | None],
        actor: str,
        at: datetime,
    ) -> None:
        source, target, event = transition
        for item in items:
            self.data.states[order][item] = target
            self.data.history.append((order, item, source, target, event, actor))

    def close_order(self, order: str, at: datetime) -> None:
        head = self.data.orders[order]
        self.data.orders[order] = OrderHead(head.reference, head.process, True)

    def set_timer(self, order: str, item: str, state: str, event: str, due_at: datetime) -> None:
        timer_id = next(self.data.ids)
        self.data.timers[timer_id] = Timer(timer_id, order, item, state, event, due_at)

    def drop_timers(self, order: str, items: Sequence[str]) -> None:
        for timer in list(self.data.timers.values()):
            if timer.order == order and timer.item in items:
                del self.data.timers[timer.id]

    def due_timers(self, order: str, now: datetime) -> list[Timer]:
        return [t for t in self.data.timers.values() if t.order == order and t.due_at <= now]

    def delete_timers(self, timers: Sequence[Timer]) -> None:
        for timer in timers:
            self.data.timers.pop(timer.id, None)

    def orders_with_due_timers(self, now: datetime, limit: int) -> list[str]:
        return sorted({t.order for t in self.data.timers.values() if t.due_at <= now})[:limit]

    def add_job(
        self, order: str, command: str, event: str, items: Sequence[str], at: datetime
    ) -> Job:
        job = Job(next(self.data.ids), order, command, event, tuple(items))
        self.data.jobs[job.id] = (job, "due")
        return job

    def claim_job(self, now: datetime, lease_until: datetime, worker: str) -> Job | None:
        for job, status in self.data.jobs.values():
            if status == "due":
                claimed = replace(job, attempts=job.attempts + 1)
                self.data.jobs[job.id] = (claimed, "running")
                return claimed
        return None

    def finish_job(self, job: Job, at: datetime) -> None:
        self.data.jobs[job.id] = (job, "done")

    def retry_job(self, job: Job, not_before: datetime, reason: str) -> None:
        self.data.jobs[job.id] = (job, "retry")

    def fail_job(self, job: Job, at: datetime, reason: str) -> None:
        self.data.jobs[job.id] = (job, "failed")


class MemoryDatabase:
    def __init__(self) -> None:
        self.data = Data()

    @contextmanager
    def transaction(self) -> Iterator[MemoryTransaction]:
        """Works on a copy; the copy replaces the data only when the block ends cleanly."""
        working = copy.deepcopy(self.data)
        yield MemoryTransaction(working)
        self.data = working

    def add_order(self, reference: str, process: str, items: Sequence[str]) -> None:
        self.data.orders[reference] = OrderHead(reference, process, False)
        self.data.states[reference] = dict.fromkeys(items)
