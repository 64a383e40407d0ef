"""A worker killed between the commit and Amazon's answer (ARCHITECTURE.md, the refund, steps
3 and 4): the refund record and its RefundReferenceId were committed before the call, so the
worker that runs the job after the dead one's lease has run out sends the same id, and Amazon
makes one refund.

The workers are separate OS processes (``crashworker.py``: ``bootstrap.build`` from
``AMZPAY_*``, ``App.worker(...).run``) on the test's database file or PostgreSQL database,
talking over HTTP to the simulator served on a loopback port; they are stopped with SIGKILL.
The test process plays the shop's other parts: it takes the order, asks for the refund and
receives the simulator's IPNs into the inbox the worker processes apply.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import anyio
import pytest

from amzpay.mail.sink import SmtpSink
from amzpay.oms.runner import LEASE
from amzpay.services.refunds import RefundView
from shop import (
    REFUND_SETTLES,
    SELLER,
    SIMULATOR_HOST,
    STAFF,
    Shop,
    SimulatedAmazon,
    assert_books_equal_amazons,
    shop_on,
)

WORKER = Path(__file__).with_name("crashworker.py")


def wait_for(what: str, check: Callable[[], bool], seconds: float = 90.0) -> None:
    """Poll ``check`` until it holds; fail naming ``what`` after ``seconds`` (a bound on
    waiting for another process, not a timed assertion)."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


class BlackHole:
    """A loopback TCP listener that accepts connections, reads what is sent and never
    answers: a call to it hangs as one whose request has not reached Amazon yet."""

    def __init__(self) -> None:
        self.received = b""
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._open: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        port = self._listener.getsockname()[1]
        return f"http://127.0.0.1:{port}/OffAmazonPayments_Sandbox/2013-01-01"

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return  # closed
            self._open.append(connection)
            threading.Thread(target=self._read, args=(connection,), daemon=True).start()

    def _read(self, connection: socket.socket) -> None:
        while chunk := _recv(connection):
            self.received += chunk

    def close(self) -> None:
        self._listener.close()
        for connection in self._open:
            connection.close()


def _recv(connection: socket.socket) -> bytes:
    try:
        return connection.recv(65536)
    except OSError:
        return b""


class Crash:
    """The shop (in the test process), the simulator served over HTTP, and the worker
    processes the test starts and kills."""

    def __init__(self, shop: Shop, endpoint: str, database_url: str, sink: SmtpSink) -> None:
        self.shop, self.endpoint = shop, endpoint
        self.database_url, self.sink = database_url, sink
        self.processes: list[subprocess.Popen[bytes]] = []

    def start_worker(self, name: str, endpoint: str) -> subprocess.Popen[bytes]:
        """``amzpay worker`` in its own process, calling Amazon at ``endpoint``, its clock
        starting at the simulator's time."""
        environ = {k: v for k, v in os.environ.items() if not k.startswith("AMZPAY_")}
        environ.update(
            {
                "AMZPAY_DATABASE_URL": self.database_url,
                "AMZPAY_AMAZON__SELLER_ID": SELLER.seller_id,
                "AMZPAY_AMAZON__ACCESS_KEY_ID": SELLER.access_key_id,
                "AMZPAY_AMAZON__SECRET_KEY": SELLER.secret_key,
                "AMZPAY_AMAZON__ENDPOINT_URL": endpoint,
                "AMZPAY_AMAZON__SIMULATOR_HOST": SIMULATOR_HOST,
                "AMZPAY_SMTP__HOST": self.sink.host,
                "AMZPAY_SMTP__PORT": str(self.sink.port),
                "AMZPAY_SHOP__STAFF": STAFF,
            }
        )
        start = self.shop.amazon.clock.now().isoformat()
        process = subprocess.Popen(
            [sys.executable, str(WORKER), name, start],
            env=environ,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL

    def refund(self, order: str) -> RefundView:
        [refund] = self.shop.app.refunds.refunds(order)
        return refund

    def refund_calls(self) -> list[tuple[int, str | None]]:
        """The Refund calls that reached the simulator: (HTTP status, RefundReferenceId)."""
        with self.shop.amazon.sim.lock:
            calls = list(self.shop.amazon.sim.calls)
        return [(c.status, c.reference_id) for c in calls if c.action == "Refund"]

    def refunds_at_amazon(self) -> list[str]:
        """The RefundReferenceId of every refund Amazon holds."""
        with self.shop.amazon.sim.lock:
            return [r.reference_id for r in self.shop.amazon.sim.ledger.refunds.values()]

    def logged_refund_calls(self, order: str) -> list[str | None]:
        """Our own API call log's Refund attempts: the reference id each carried."""
        with self.shop.app.database.transaction() as tx:
            calls = tx.api_calls(order)
        return [c.reference_id for c in calls if c.operation == "Refund"]

    def after_the_lease(self) -> None:
        """The dead worker's lease on the job runs out while no worker runs."""
        self.shop.amazon.advance((LEASE.total_seconds()) + 60)

    def settled(self, order: str) -> bool:
        refund = self.refund(order)
        return refund.state == "completed" and refund.booked

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


class Hang:
    """The simulator's wait for a lost response: it holds the answer until released."""

    def __init__(self) -> None:
        self.released = threading.Event()

    async def __call__(self, seconds: float) -> None:
        while not self.released.is_set():
            await anyio.sleep(0.02)


@pytest.fixture
def hang() -> Iterator[Hang]:
    held = Hang()
    yield held
    held.released.set()


@pytest.fixture
def crash(database_url: str, sink: SmtpSink, hang: Hang) -> Iterator[Crash]:
    amazon = SimulatedAmazon(start=datetime.now(UTC).replace(microsecond=0), sleep=hang)
    endpoint = amazon.serve()
    shop = shop_on(database_url, sink, amazon=amazon)
    running = Crash(shop, endpoint, database_url, sink)
    try:
        yield running
    finally:
        running.stop()
        hang.released.set()
        shop.app.close()
        amazon.close()


@pytest.fixture
def black_hole() -> Iterator[BlackHole]:
    hole = BlackHole()
    yield hole
    hole.close()


def test_a_worker_killed_before_its_refund_reached_amazon_is_followed_by_one_with_the_same_id(
    crash: Crash, black_hole: BlackHole
) -> None:
    order = crash.shop.closed_order()
    crash.shop.app.refunds.request(order, ["L1-1"], actor="staff")
    committed = crash.refund(order)

    first = crash.start_worker("first", black_hole.url)
    wait_for("the refund call to be under way", lambda: b"Action=Refund" in black_hole.received)
    crash.kill(first)
    left_behind = crash.refund(order)
    crash.after_the_lease()
    crash.start_worker("second", crash.endpoint)
    wait_for("Amazon's answer to be recorded", lambda: crash.refund(order).state == "pending")
    crash.shop.amazon.advance(REFUND_SETTLES)  # the IPN reaches the inbox the worker applies
    wait_for("the refund to be completed and booked", lambda: crash.settled(order))

    reference = committed.reference_id
    assert f"RefundReferenceId={reference}".encode() in black_hole.received
    assert (left_behind.state, left_behind.reference_id) == ("requested", reference)
    assert crash.refund_calls() == [(200, reference)]
    assert crash.refunds_at_amazon() == [reference]
    assert crash.logged_refund_calls(order) == [reference]
    assert_books_equal_amazons(crash.shop, order)


def test_a_worker_killed_after_amazon_refunded_but_before_the_answer_makes_no_second_refund(
    crash: Crash, hang: Hang
) -> None:
    order = crash.shop.closed_order()
    crash.shop.app.refunds.request(order, ["L1-1", "B1"], actor="staff")
    committed = crash.refund(order)
    crash.shop.amazon.sim.faults.update({"lose_responses": 1})

    first = crash.start_worker("first", crash.endpoint)
    wait_for("Amazon to have made the refund", lambda: len(crash.refund_calls()) == 1)
    crash.kill(first)
    hang.released.set()
    left_behind = crash.refund(order)
    # Its IPN is lost as well: only the restarted worker's call can learn what Amazon did (an
    # IPN that arrives is applied at once and leaves nothing to send).
    crash.shop.amazon.sim.faults.update({"drop_ipns": 1})
    crash.after_the_lease()  # meanwhile Amazon completes the refund
    crash.start_worker("second", crash.endpoint)
    wait_for("the refund to be completed and booked", lambda: crash.settled(order))

    reference = committed.reference_id
    assert (left_behind.state, left_behind.reference_id) == ("requested", reference)
    assert crash.refund_calls() == [(200, reference), (200, reference)]
    assert crash.refunds_at_amazon() == [reference]
    assert crash.logged_refund_calls(order) == [reference]  # the killed call left no entry
    assert crash.refund(order).amount == committed.amount
    assert_books_equal_amazons(crash.shop, order)
