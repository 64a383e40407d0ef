"""The worker: applies stored IPNs (Amazon's news first), fires due timers, runs queued
commands and the extra tasks bootstrap gives it (polls, mails). It asks no payment record
whether it changed: a record's change moves its items in the transaction that records it
(``processes/settlement.py``).

A round that finds nothing to do commits nothing and takes no write lock: every look for work
is a read (``Storage.read()``); a write transaction begins only for work that is due.

Safe to run in several copies against one PostgreSQL database: each order is taken with
``SKIP LOCKED`` (a worker never waits for another, and never works on an order another
holds), each job is leased to one worker, and a timer is deleted in the transaction that
fires it, so it fires once. ``run_once`` does what is due now; ``run`` repeats it until told
to stop, and while the database does not answer it pauses longer and longer (1 s doubling
up to 30 s), saying once that the database went and once that it is back. Given a ``wake``
event, ``run``'s pause after an idle round ends the moment it is set (``amzpay serve`` sets
it when an IPN is stored for the worker to apply), so that work arriving in this process is
taken up at once rather than after the pause; in the server's own process it gives way to the
endpoint while a burst of IPNs arrives (``GiveWay``).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from amzpay.oms.engine import Engine
from amzpay.oms.errors import OmsError
from amzpay.oms.runner import run_next_job
from amzpay.ports.errors import StorageUnavailable
from amzpay.ports.outage import Outage
from amzpay.ports.unit import Storage, UnitOfWork

log = logging.getLogger(__name__)

BATCH = 100  # orders looked at per round and kind of work, by default
Task = Callable[[], int]
"""Extra work for each round; returns how much it did (0: nothing was due)."""


@dataclass(frozen=True, slots=True)
class Round:
    """What one round did."""

    timers: int
    jobs: int
    tasks: int = 0  # what the extra tasks did (IPNs applied, polls, mails)

    @property
    def busy(self) -> bool:
        return bool(self.timers or self.jobs or self.tasks)


class Stop(Protocol):
    """What ``run`` is told to stop by (a ``threading.Event``); its ``wait`` is the pause."""

    def is_set(self) -> bool: ...

    def wait(self, timeout: float | None = None) -> bool: ...


class Wake(Protocol):
    """What ends a worker's pause early (a ``threading.Event``): set when work arrives, and
    by whoever stops the worker."""

    def clear(self) -> None: ...

    def wait(self, timeout: float | None = None) -> bool: ...


class Arrivals(threading.Event):
    """Set when work is stored for the worker (an IPN left to it, by ``IpnReceiver``'s
    ``on_waiting``), as a ``threading.Event``; it also keeps when it was last set, for a worker
    that shares the process with the endpoint to give way to it (``GiveWay``)."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.monotonic = monotonic
        self.last = -math.inf

    def set(self) -> None:
        self.last = self.monotonic()
        super().set()


@dataclass
class GiveWay:
    """What a worker in the web server's process does before each round (and before each
    transaction of stored IPNs, ``InboxProcessor.apply_due``'s ``pause``): while IPNs keep
    arriving (one stored less than ``quiet`` seconds ago), it waits, so that the endpoint has
    the process (one interpreter lock) to itself during a burst; it never waits once it has
    been behind for ``longest`` seconds (since the last round that found nothing to do), so
    under a load that lasts it takes its share as before, and no IPN waits longer for it."""

    arrivals: Arrivals
    quiet: float = 0.05
    longest: float = 2.0
    _behind_since: float = -math.inf

    def __call__(self, stop: Stop, caught_up: bool) -> None:
        clock = self.arrivals.monotonic
        if caught_up:
            self._behind_since = clock()
        deadline = self._behind_since + self.longest
        while (now := clock()) < deadline:
            since = now - self.arrivals.last
            if since >= self.quiet or stop.wait(min(self.quiet - since, deadline - now)):
                return


class Worker:
    def __init__(
        self,
        database: Storage,
        engine: Engine[UnitOfWork],
        name: str,
        batch: int = BATCH,
        tasks: Sequence[Task] = (),
        news: Sequence[Task] = (),
    ) -> None:
        self.database, self.engine, self.name, self.batch = database, engine, name, batch
        self.tasks, self.news = tuple(tasks), tuple(news)
        self.outage = Outage(f"worker {name}")

    def run_once(self) -> Round:
        """Take in the news (apply stored IPNs), fire the timers due now, run the jobs due
        now, then run each extra task (poll, send mails): bootstrap wires the tasks. News
        comes first because it answers what a due timer would ask Amazon: a refund whose IPN
        waits in the inbox is settled by it, not polled, when the worker was behind."""
        news = sum(task() for task in self.news)
        timers = self._fire_timers(self.engine.clock())
        jobs = self._run_jobs()  # also those the news queued
        done = sum(task() for task in self.tasks)
        # What the tasks changed may have queued jobs (a refund declined, released...).
        jobs += self._run_jobs() if done else 0
        return Round(timers, jobs, news + done)

    def run(
        self,
        stop: Stop,
        idle_seconds: float = 1.0,
        wake: Wake | None = None,
        give_way: Callable[[Stop, bool], None] | None = None,
    ) -> None:
        """Work until ``stop`` is set; sleep ``idle_seconds`` after a round with nothing to do
        (or until ``wake`` is set: whoever sets ``stop`` must then set ``wake`` too), and back
        off while the database does not answer. ``give_way`` is called before each round, told
        whether the last one found nothing to do (``GiveWay``)."""
        caught_up = True
        while not stop.is_set():
            if give_way is not None:
                give_way(stop, caught_up)
            if wake is not None:
                wake.clear()  # set from here on: the round may not have seen what came
            try:
                done = self.run_once()
            except Exception as error:
                if isinstance(error, StorageUnavailable):  # transient: no traceback, a longer pause
                    stop.wait(self.outage.failed(error))
                    continue
                # A worker outlives one bad order; the error is logged.
                log.exception("worker %s: round failed", self.name)
                done = Round(0, 0)
            else:
                self.outage.answered()
            caught_up = not done.busy
            if caught_up:
                (stop if wake is None else wake).wait(idle_seconds)

    def _fire_timers(self, now: datetime) -> int:
        with self.database.read() as tx:
            orders = tx.orders_with_due_timers(now, self.batch)
        fired = 0
        for order in orders:
            fired += self._on_order(order, lambda tx, o: self.engine.fire_due_timers(tx, o, now))
        return fired

    def _run_jobs(self) -> int:
        count = 0
        database = self.database
        while count < self.batch and run_next_job(
            self.engine, database.transaction, self.name, database.read
        ):
            count += 1
        return count

    def _on_order(self, order: str, work: Callable[[UnitOfWork, str], int]) -> int:
        """One order's work in its own transaction; a refused transition is logged and the
        order left as it was."""
        try:
            with self.database.transaction() as tx:
                return work(tx, order)
        except OmsError as error:
            log.error("worker %s: %s", self.name, error)
            return 0
