"""The state machine's rows: item states and their history, timers, jobs, the order lock.

Implements ``amzpay.oms.ports.OmsTransaction`` (structurally: the store does not import the
engine). On PostgreSQL the order lock is ``SELECT ... FOR UPDATE`` on the order's row and the
workers' queries add ``SKIP LOCKED``; SQLite ignores both clauses, and needs neither: its
transactions are write transactions that never overlap (``database.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, Final

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    delete,
    exists,
    insert,
    or_,
    select,
    update,
)

from amzpay.domain.order import AmazonApi
from amzpay.ports.errors import OrderNotFound
from amzpay.ports.process import Job, OrderHead, Timer
from amzpay.store import tables as t
from amzpay.store.base import Rows


class OmsRows(Rows):
    """Once a unit of work holds an order's lock, nobody else changes the order's head or its
    items' states until it ends: it locks the order once, and reads the items' states once
    (what it changes itself, ``move_items`` and ``close_order`` note as they write)."""

    def lock_order(self, order: str) -> OrderHead:
        head = self._locked.get(order) or self._head(_LOCK_HEAD, order, lock=True)
        if head is None:
            raise OrderNotFound(order)
        return head

    def order_head(self, order: str) -> OrderHead:
        """The order's process and whether it is closed, read without a lock."""
        head = self._locked.get(order) or self._head(_HEAD, order, lock=False)
        if head is None:
            raise OrderNotFound(order)
        return head

    def try_lock_order(self, order: str) -> OrderHead | None:
        return self._locked.get(order) or self._head(_TRY_LOCK_HEAD, order, lock=True)

    def _head(self, query: Select[Any], order: str, *, lock: bool) -> OrderHead | None:
        row = self.conn.execute(query, {"reference": order}).first()
        if row is None:
            return None
        head = OrderHead(
            row.reference, row.process, row.closed_at is not None, AmazonApi(row.amazon_api)
        )
        self._order_ids[order] = int(row.id)
        if lock:
            self._locked[order] = head
        return head

    def item_states(self, order: str) -> dict[str, str | None]:
        known = self._states.get(order)
        if known is None:
            rows = self.conn.execute(_ITEM_STATES, {"reference": order})
            known = {row.item_id: row.state for row in rows}
            if order in self._locked and known:
                self._states[order] = known
        return dict(known)

    def move_items(
        self,
        order: str,
        items: Sequence[str],
        transition: tuple[str | None, str, str | None],
        actor: str,
        at: datetime,
    ) -> None:
        source, target, event = transition
        order_id = self.order_id(order)
        known = self._states.get(order)
        if known is not None:
            known.update((item, target) for item in items if item in known)
        self.conn.execute(
            _MOVE_ITEMS,
            {
                "b_order_id": order_id,
                "b_items": list(items),
                "state": target,
                "state_entered_at": at,
            },
        )
        self.conn.execute(
            _HISTORY,
            [
                {
                    "order_id": order_id,
                    "item_id": item,
                    "from_state": source,
                    "to_state": target,
                    "event": event,
                    "actor": actor,
                    "at": at,
                }
                for item in items
            ],
        )

    def close_order(self, order: str, at: datetime) -> None:
        self.conn.execute(
            update(t.orders)
            .where(t.orders.c.reference == order, t.orders.c.closed_at.is_(None))
            .values(closed_at=at)
        )
        head = self._locked.get(order)
        if head is not None:
            self._locked[order] = replace(head, closed=True)

    def history(self, order: str) -> list[tuple[str, str | None, str, str | None]]:
        """(item, from, to, event) of every move of the order's items, oldest first."""
        rows = self.conn.execute(
            select(t.state_history)
            .where(t.state_history.c.order_id == self.order_id(order))
            .order_by(t.state_history.c.id)
        )
        return [(r.item_id, r.from_state, r.to_state, r.event) for r in rows]

    def timeline(self, order: str) -> list[tuple[datetime, str, str | None, str, str | None, str]]:
        """(at, item, from, to, event, actor) of every move of the order's items, oldest first."""
        rows = self.conn.execute(
            select(t.state_history)
            .where(t.state_history.c.order_id == self.order_id(order))
            .order_by(t.state_history.c.id)
        )
        return [(r.at, r.item_id, r.from_state, r.to_state, r.event, r.actor) for r in rows]

    # -- timers ---------------------------------------------------------------------------------

    def set_timer(self, order: str, item: str, state: str, event: str, due_at: datetime) -> None:
        self.conn.execute(
            _TIMER,
            {
                "order_id": self.order_id(order),
                "item_id": item,
                "state": state,
                "event": event,
                "due_at": due_at,
            },
        )

    def drop_timers(self, order: str, items: Sequence[str]) -> None:
        self.conn.execute(_DROP_TIMERS, {"order_id": self.order_id(order), "items": list(items)})

    def due_timers(self, order: str, now: datetime) -> list[Timer]:
        rows = self.conn.execute(_DUE_TIMERS, {"order_id": self.order_id(order), "now": now})
        return [Timer(r.id, order, r.item_id, r.state, r.event, r.due_at) for r in rows]

    def delete_timers(self, timers: Sequence[Timer]) -> None:
        if timers:
            self.conn.execute(delete(t.timers).where(t.timers.c.id.in_([x.id for x in timers])))

    def orders_with_due_timers(self, now: datetime, limit: int) -> list[str]:
        rows = self.conn.execute(_ORDERS_WITH_DUE_TIMERS, {"now": now, "limit": limit})
        return list(rows.scalars())

    # -- jobs -----------------------------------------------------------------------------------

    def add_job(
        self, order: str, command: str, event: str, items: Sequence[str], at: datetime
    ) -> Job:
        values = {
            "order_id": self.order_id(order),
            "command": command,
            "event": event,
            "items": list(items),
            "status": "due",
            "not_before": at,
            "created_at": at,
        }
        job_id = self.inserted_id(self.conn.execute(_JOB, values))
        return Job(job_id, order, command, event, tuple(items))

    def has_due_job(self, now: datetime) -> bool:
        found = self.conn.scalar(_HAS_DUE_JOB, {"now": now})
        return found is not None

    def claim_job(self, now: datetime, lease_until: datetime, worker: str) -> Job | None:
        # Lock the order row first, as every other writer does, and skip orders others hold.
        order = self.conn.execute(_CLAIM_ORDER, {"now": now}).first()
        if order is None:
            return None
        # A fresh statement sees what a worker that held the lock a moment ago committed.
        still_busy = self.conn.scalar(_STILL_BUSY, {"order_id": order.id, "now": now})
        if still_busy is not None:
            return None
        row = self.conn.execute(_ORDER_JOB, {"order_id": order.id, "now": now}).first()
        if row is None:  # another worker took it between the two statements
            return None
        self.conn.execute(_CLAIM, {"job_id": row.id, "worker": worker, "lease_until": lease_until})
        return Job(
            row.id, order.reference, row.command, row.event, tuple(row.items), row.attempts + 1
        )

    def finish_job(self, job: Job, at: datetime) -> None:
        self._end_job(job, status="done", finished_at=at, claimed_until=None)

    def retry_job(self, job: Job, not_before: datetime, reason: str) -> None:
        self._end_job(
            job, status="due", not_before=not_before, last_error=reason, claimed_until=None
        )

    def fail_job(self, job: Job, at: datetime, reason: str) -> None:
        self._end_job(job, status="failed", finished_at=at, last_error=reason, claimed_until=None)

    def jobs(self, order: str) -> list[tuple[str, str, int]]:
        """(command, status, attempts) of the order's jobs, oldest first."""
        rows = self.conn.execute(
            select(t.jobs).where(t.jobs.c.order_id == self.order_id(order)).order_by(t.jobs.c.id)
        )
        return [(r.command, r.status, r.attempts) for r in rows]

    def _end_job(self, job: Job, **values: object) -> None:
        self.conn.execute(_END_JOB, {"job_id": job.id, **values})


# The worker's statements are built once and bound on each call: a statement built for one
# call costs more to build and key for the compiled cache than to run.


def _runnable() -> ColumnElement[bool]:
    """A job that is due, or whose worker's lease expired (as of the parameter ``now``)."""
    now = bindparam("now", type_=t.jobs.c.not_before.type)
    return or_(
        and_(t.jobs.c.status == "due", t.jobs.c.not_before <= now),
        and_(t.jobs.c.status == "running", t.jobs.c.claimed_until < now),
    )


_HEAD: Final = select(
    t.orders.c.id,
    t.orders.c.reference,
    t.orders.c.process,
    t.orders.c.closed_at,
    t.orders.c.amazon_api,
).where(t.orders.c.reference == bindparam("reference"))
"""The order's row id, reference, process, closing time and Amazon API."""
_LOCK_HEAD: Final = _HEAD.with_for_update()
_TRY_LOCK_HEAD: Final = _HEAD.with_for_update(skip_locked=True)
_ITEM_STATES: Final = (
    select(t.items.c.item_id, t.items.c.state)
    .join(t.orders, t.orders.c.id == t.items.c.order_id)
    .where(t.orders.c.reference == bindparam("reference"))
    .order_by(t.items.c.position)
)
_MOVE_ITEMS: Final = update(t.items).where(
    t.items.c.order_id == bindparam("b_order_id"),
    t.items.c.item_id.in_(bindparam("b_items", expanding=True)),
)
_HISTORY: Final = insert(t.state_history)
_TIMER: Final = insert(t.timers)
_DROP_TIMERS: Final = delete(t.timers).where(
    t.timers.c.order_id == bindparam("order_id"),
    t.timers.c.item_id.in_(bindparam("items", expanding=True)),
)
_DUE_TIMERS: Final = (
    select(t.timers)
    .where(t.timers.c.order_id == bindparam("order_id"), t.timers.c.due_at <= bindparam("now"))
    .order_by(t.timers.c.due_at, t.timers.c.id)
)
_ORDERS_WITH_DUE_TIMERS: Final = (
    select(t.orders.c.reference)
    .where(
        exists().where(t.timers.c.order_id == t.orders.c.id, t.timers.c.due_at <= bindparam("now"))
    )
    .order_by(t.orders.c.id)
    .limit(bindparam("limit"))
)
_JOB: Final = insert(t.jobs)
_HAS_DUE_JOB: Final = select(t.jobs.c.id).where(_runnable()).limit(1)
_BUSY_NOW: Final = and_(
    t.jobs.c.status == "running",
    t.jobs.c.claimed_until >= bindparam("now", type_=t.jobs.c.claimed_until.type),
)
_CLAIM_ORDER: Final = (
    select(t.orders.c.id, t.orders.c.reference)
    .where(
        exists().where(t.jobs.c.order_id == t.orders.c.id, _runnable()),
        ~select(t.jobs.c.id).where(t.jobs.c.order_id == t.orders.c.id, _BUSY_NOW).exists(),
    )
    .order_by(t.orders.c.id)
    .limit(1)
    .with_for_update(skip_locked=True, of=t.orders)
)
_STILL_BUSY: Final = select(t.jobs.c.id).where(
    t.jobs.c.order_id == bindparam("order_id"), _BUSY_NOW
)
_ORDER_JOB: Final = (
    select(t.jobs)
    .where(t.jobs.c.order_id == bindparam("order_id"), _runnable())
    .order_by(t.jobs.c.id)
)
_CLAIM: Final = (
    update(t.jobs)
    .where(t.jobs.c.id == bindparam("job_id"))
    .values(
        status="running",
        claimed_by=bindparam("worker"),
        claimed_until=bindparam("lease_until"),
        attempts=t.jobs.c.attempts + 1,
    )
)
_END_JOB: Final = update(t.jobs).where(t.jobs.c.id == bindparam("job_id"))
