"""``amzpay serve``'s worker gives way to the IPN endpoint: it shares the process (one
interpreter lock) with the requests, so while IPNs keep arriving it holds back their
application, before its round and before each transaction of stored IPNs, and applies them
once the burst is over.

The clock the arrivals are timed by is the test's: it moves only when the test says so, and
it counts how often the worker's thread looked at it (what a worker that gives way does while
it waits). No assertion here is about how fast anything runs."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from test_flow_ipn import mirror_at_amazon, pending_refund
from test_flow_ipn_by_worker import LEFT_TO_THE_WORKER, LONG_PAUSE, unprocessed, within

from amzpay.cli.serve import BackgroundWorker
from amzpay.mail.sink import SmtpSink
from amzpay.ports.unit import Storage
from amzpay.services.inbox import BATCH
from amzpay.worker import Arrivals
from shop import FakeShop, SimulatedAmazon, make_shop

LOOKS = 3  # the worker's looks at the clock that show it waiting for a quiet moment


class Burst:
    """The arrivals' clock, moved by the test; counts the worker thread's looks at it."""

    def __init__(self, arrivals: Arrivals) -> None:
        self.now, self.looks = 0.0, 0
        arrivals.monotonic, arrivals.last = self, -math.inf

    def __call__(self) -> float:
        if threading.current_thread().name == "worker":  # BackgroundWorker's thread
            self.looks += 1
        return self.now

    def worker_waits(self) -> bool:
        """Whether the worker keeps looking at the clock (waiting) from now on."""
        seen = self.looks
        return within(10.0, lambda: self.looks >= seen + LOOKS)


class ArrivesBeforeFirstTransaction:
    """The inbox's storage, running ``meanwhile`` once, as the worker opens its first
    transaction of stored IPNs (outside it: the endpoint's own commit must not wait for it)."""

    def __init__(self, storage: Storage, meanwhile: Callable[[], None]) -> None:
        self.storage, self.meanwhile = storage, meanwhile
        self.arrived = False

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        if not self.arrived:
            self.arrived = True
            self.meanwhile()
        with self.storage.transaction() as tx:
            yield tx

    def read(self) -> Any:
        return self.storage.read()


@pytest.fixture
def serving(database_url: str, sink: SmtpSink, simulated: SimulatedAmazon) -> Iterator[FakeShop]:
    """A shop whose IPNs are left to the worker; Amazon's deliveries are answered 503 and
    kept (``simulated.answers``), for the test to post to the endpoint when it chooses."""
    made = make_shop(database_url, sink, LEFT_TO_THE_WORKER, simulated.certificates)
    simulated.receiver = None
    try:
        yield made
    finally:
        made.app.close()


def refund_ipns(shop: FakeShop, simulated: SimulatedAmazon, count: int) -> list[tuple[str, Any]]:
    """``count`` orders each with a refund pending, and the IPN completing each (not posted)."""
    made = []
    for _ in range(count):
        order, refund = pending_refund(shop, ["L1-1"])
        before = len(simulated.answers)
        mirror_at_amazon(simulated, refund)
        delivered = [ipn for ipn, _ in simulated.answers[before:]]
        made.append((order, next(i for i in delivered if i.notification_type == "PaymentRefund")))
    return made


def test_serves_worker_applies_no_ipn_while_they_keep_arriving_and_all_of_them_after(
    serving, simulated
):
    ipns = refund_ipns(serving, simulated, 3)
    burst = Burst(serving.app.ipn_waiting)
    background = BackgroundWorker(serving.app, "serve", idle_seconds=LONG_PAUSE)
    background.start()
    try:
        held_back = []
        for posted, (_, ipn) in enumerate(ipns, start=1):
            burst.now += 0.01  # the IPNs of a burst, 10 ms apart
            answer = serving.http.post("/amazonpay/ipn", content=ipn.body, headers=ipn.headers)
            assert (answer.status_code, answer.text) == (200, "stored")
            waits = burst.worker_waits()
            held_back.append((waits, len(unprocessed(serving)) == posted))
        burst.now += 1.0  # a quiet second: the burst is over
        applied = within(10.0, lambda: unprocessed(serving) == [])
    finally:
        background.stop()

    assert held_back == [(True, True)] * len(ipns), "the worker did not give way"
    assert applied, "the worker did not apply the IPNs after the burst"
    assert {serving.item_states(order)["L1-1"] for order, _ in ipns} == {"refund completed"}


def test_an_ipn_arriving_while_serves_worker_applies_stored_ipns_holds_back_their_next_batch(
    serving, simulated, monkeypatch
):
    *stored, (_, arriving) = refund_ipns(serving, simulated, BATCH + 2)
    burst = Burst(serving.app.ipn_waiting)
    for _, ipn in stored:
        serving.app.ipn.receive(ipn.body, ipn.headers)  # waiting for the worker: two batches
    burst.now = 1.0  # a quiet moment: the worker's round begins at once
    called = threading.Event()

    def arrives() -> None:  # while the worker applies its first batch
        serving.app.ipn.receive(arriving.body, arriving.headers)
        called.set()

    inbox = serving.app.inbox
    monkeypatch.setattr(inbox, "database", ArrivesBeforeFirstTransaction(inbox.database, arrives))
    background = BackgroundWorker(serving.app, "serve", idle_seconds=LONG_PAUSE)
    background.start()
    try:
        in_round = called.wait(10.0)
        waits = burst.worker_waits()
        held_back = len(unprocessed(serving))
        burst.now += 1.0  # the burst is over
        applied = within(10.0, lambda: unprocessed(serving) == [])
    finally:
        background.stop()

    assert in_round, "the worker did not apply its first batch"
    assert (waits, held_back) == (True, 2)  # the second batch, and the IPN that arrived
    assert applied, "the worker did not apply the IPNs after the burst"
    assert {serving.item_states(order)["L1-1"] for order, _ in stored} == {"refund completed"}
