"""Two worker processes share one PostgreSQL database while staff fire bursts of events.

Afterwards: every command ran exactly once (one Amazon write call per reference id, every
job done at its first attempt), no timer fired twice (an item's polls are at least the
timer's minute apart on the workers' clock), and no transition was lost (each item's
history is an unbroken chain that ends where the process does).
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from amzpay.oms.errors import TransitionRefused
from amzpay.processes.catalog import build_engine
from amzpay.store import tables as t
from amzpay.store.database import Database
from fakes.gateway import FakeGateway
from fakes.orders import make_order

ORDERS = 8
POLL_EVERY = timedelta(minutes=1)  # the processes' "update ... status" timeouts
WRITES = ("Authorize", "Capture", "Refund")


@pytest.fixture
def database(postgres_url):
    database = Database(postgres_url)
    yield database
    database.dispose()


@pytest.fixture
def workers(postgres_url, tmp_path):
    stop = tmp_path / "stop"
    start = datetime.now(UTC).isoformat()
    tests = Path(__file__).resolve().parents[2]  # on the path, as pytest's pythonpath puts it
    env = {**os.environ, "PYTHONPATH": str(tests)}
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "integration.worker.run_worker",
                postgres_url,
                start,
                str(stop),
                f"w{number}",
            ],
            cwd=tests,
            env=env,
        )
        for number in (1, 2)
    ]
    yield processes
    stop.touch()
    for process in processes:
        process.wait(timeout=30)


class Staff:
    """The back office, firing events from threads of the test process (real time)."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.engine = build_engine(FakeGateway(self.now), self.now)

    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC)

    def place(self) -> str:
        order = make_order()
        with self.database.transaction() as tx:
            tx.add_order(order, process="amazon-pay-async", at=self.now())
            self.engine.start(tx, order.reference)
        return order.reference

    def fire(self, order: str, event: str, items: list[str]) -> bool:
        try:
            with self.database.transaction() as tx:
                self.engine.fire(tx, order, event, items, actor="staff")
        except TransitionRefused:
            return False
        return True

    def burst(self, calls: list[tuple[str, str, list[str]]]) -> list[bool]:
        with ThreadPoolExecutor(max_workers=8) as pool:
            return list(pool.map(lambda call: self.fire(*call), calls))

    def wait_until_all(self, states: set[str], orders: list[str], deadline: float = 90) -> None:
        """Wait for the workers (a generous deadline guards against a hang, nothing more)."""
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            with self.database.transaction() as tx:
                reached = {s for o in orders for s in tx.item_states(o).values()}
            if reached <= states:
                return
            time.sleep(0.1)
        pytest.fail(f"items did not all reach {states}: {reached}")


def test_two_workers_and_bursts_of_events_run_each_command_once(database, workers):
    staff = Staff(database)
    orders = [staff.place() for _ in range(ORDERS)]
    staff.wait_until_all({"auth open"}, orders)

    captured = staff.burst([(o, "capture", ["L1-1", "L1-2"]) for o in orders for _ in (1, 2)])
    staff.wait_until_all({"closed"}, orders)
    refunds = [(o, "refund", ["L1-1"]) for o in orders for _ in (1, 2)]
    refunded = staff.burst(refunds + [(o, "refund", ["L1-2"]) for o in orders])
    staff.wait_until_all({"refund completed"}, orders)

    assert captured.count(True) == ORDERS
    assert refunded.count(True) == 2 * ORDERS
    assert_each_command_ran_once(database)
    assert_no_timer_fired_twice(database)
    assert_no_transition_was_lost(database, orders)


def assert_each_command_ran_once(database: Database) -> None:
    with database.engine.connect() as connection:
        jobs = connection.execute(select(t.jobs.c.status, t.jobs.c.attempts)).all()
        calls = connection.execute(
            select(t.api_calls.c.operation, t.api_calls.c.reference_id).where(
                t.api_calls.c.operation.in_(WRITES)
            )
        ).all()
        bookings = connection.execute(select(t.refund_bookings.c.refund_id)).all()
        refunds = connection.execute(select(t.refunds.c.id, t.refunds.c.state)).all()
    assert {(status, attempts) for status, attempts in jobs} == {("done", 1)}
    assert [call for call, count in Counter(calls).items() if count > 1] == []
    assert Counter(operation for operation, _ in calls) == {
        "Authorize": ORDERS,
        "Capture": ORDERS,
        "Refund": 2 * ORDERS,
    }
    assert {state for _, state in refunds} == {"completed"}
    assert sorted(b for (b,) in bookings) == sorted(r for r, _ in refunds)


def assert_no_timer_fired_twice(database: Database) -> None:
    with database.engine.connect() as connection:
        polls = connection.execute(
            select(t.state_history.c.order_id, t.state_history.c.item_id, t.state_history.c.at)
            .where(t.state_history.c.event.like("update % status"))
            .order_by(t.state_history.c.id)
        ).all()
    by_item = defaultdict(list)
    for order_id, item, at in polls:
        by_item[order_id, item].append(at)
    assert polls, "the timers never fired: the test proves nothing"
    for times in by_item.values():
        gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
        assert all(gap >= POLL_EVERY for gap in gaps), times


def assert_no_transition_was_lost(database: Database, orders: list[str]) -> None:
    for order in orders:
        with database.transaction() as tx:
            history = tx.history(order)
        chains = defaultdict(list)
        for item, source, target, _ in history:
            chains[item].append((source, target))
        for moves in chains.values():
            assert all(a[1] == b[0] for a, b in itertools.pairwise(moves)), moves
            assert moves[-1][1] == "refund completed"
