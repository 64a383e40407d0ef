"""The worker's behaviour while the database does not answer: pauses that double from 1 s up
to 30 s, one log line when the database goes and one when it is back, no traceback per round.
The pauses are taken on a fake clock (the ``stop`` event's ``wait`` advances it)."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError, TimeoutError

from amzpay.ports.errors import StorageUnavailable
from amzpay.ports.outage import Backoff, Outage
from amzpay.store.outage import database_unavailable
from amzpay.worker import Worker


def refused() -> OperationalError:
    return OperationalError("SELECT 1", {}, Exception("connection refused"))


class FakeTime:
    """A monotonic clock and a ``stop`` event in one: ``wait`` moves the clock, records the
    pause, and sets the event after ``rounds`` waits."""

    def __init__(self, rounds: int) -> None:
        self.now, self.rounds, self.pauses = 1000.0, rounds, list[float]()

    def __call__(self) -> float:
        return self.now

    def is_set(self) -> bool:
        return len(self.pauses) >= self.rounds

    def wait(self, timeout: float | None = None) -> bool:
        assert timeout is not None
        self.pauses.append(timeout)
        self.now += timeout
        return self.is_set()


class FlakyDatabase:
    """A storage that cannot be reached for its first ``down`` units of work (reads and writes
    alike), then has nothing to do."""

    def __init__(self, down: int, error: Exception | None = None) -> None:
        self.down, self.error, self.tries = down, error or StorageUnavailable("OperationalError"), 0

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        self.tries += 1
        if self.tries <= self.down:
            raise self.error
        yield Idle()

    read = transaction


class Idle:
    def orders_with_due_timers(self, *_: object) -> list[str]:
        return []

    def has_due_job(self, *_: object) -> bool:
        return False

    def claim_job(self, *_: object) -> None:
        return None


class Processes:
    processes: dict[str, Any] = {}  # noqa: RUF012 - an engine with no process: nothing waits

    @staticmethod
    def clock() -> datetime:
        return datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def worker_on(database: FlakyDatabase, time: FakeTime) -> Worker:
    worker = Worker(database, Processes(), "w1")  # type: ignore[arg-type]
    worker.outage.clock = time
    return worker


def test_the_pauses_double_from_one_second_up_to_thirty() -> None:
    backoff = Backoff()
    assert [backoff.next_pause() for _ in range(8)] == [1, 2, 4, 8, 16, 30, 30, 30]


def test_after_an_answer_the_pauses_start_again_at_one_second() -> None:
    backoff = Backoff()
    backoff.next_pause(), backoff.next_pause()
    backoff.reset()
    assert backoff.next_pause() == 1


@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        (refused(), True),
        (TimeoutError("QueuePool limit reached"), True),
        (OperationalError("x", {}, sqlite3.OperationalError("database is locked")), True),
        (OperationalError("x", {}, sqlite3.OperationalError("no such table: orders")), False),
        (
            OperationalError(
                "x", {}, sqlite3.OperationalError("attempt to write a readonly database")
            ),
            False,
        ),
        (IntegrityError("x", {}, Exception("duplicate key")), False),
        (ValueError("a bug"), False),
    ],
)
def test_only_a_database_that_cannot_be_reached_counts_as_an_outage(
    error: Exception, unavailable: bool
) -> None:
    assert database_unavailable(error) is unavailable


def test_the_worker_backs_off_while_the_database_is_down_then_works_at_its_pace(
    caplog: pytest.LogCaptureFixture,
) -> None:
    time = FakeTime(rounds=10)
    database = FlakyDatabase(down=7)
    with caplog.at_level(logging.DEBUG):
        worker_on(database, time).run(time, idle_seconds=0.5)
    assert time.pauses == [1, 2, 4, 8, 16, 30, 30, 0.5, 0.5, 0.5]
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in warnings] == [
        "worker w1: the database is unreachable (OperationalError); trying again in 1 s, "
        "then less and less often (at most every 30 s)",
        "worker w1: the database answers again, after 91 s",
    ]
    assert not any(r.exc_info for r in caplog.records)


def test_a_second_outage_is_reported_again_and_starts_at_one_second(
    caplog: pytest.LogCaptureFixture,
) -> None:
    time = FakeTime(rounds=6)
    outage = Outage("worker w1", clock=time)
    with caplog.at_level(logging.WARNING):
        pauses = [outage.failed(refused()), outage.failed(refused())]
        outage.answered()
        outage.answered()  # a normal round: nothing to say
        pauses.append(outage.failed(refused()))
    assert pauses == [1, 2, 1]
    assert len(caplog.records) == 3
    assert outage.ongoing


def test_an_error_that_is_not_an_outage_is_logged_with_its_traceback_and_not_backed_off(
    caplog: pytest.LogCaptureFixture,
) -> None:
    time = FakeTime(rounds=2)
    database = FlakyDatabase(down=1, error=ValueError("a bug"))
    with caplog.at_level(logging.WARNING):
        worker_on(database, time).run(time, idle_seconds=0.5)
    assert time.pauses == [0.5, 0.5]
    assert [r.getMessage() for r in caplog.records] == ["worker w1: round failed"]
    assert caplog.records[0].exc_info is not None
