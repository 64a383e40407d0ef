"""Commits and CPU time of whole order lifecycles on SQLite with the in-process simulator.

    .venv/bin/python bench/bench_lifecycle.py [--orders 40] [--runs 3] [--before TREE]

One lifecycle: an order is imported (checkout confirmed at Amazon, authorization asked),
Amazon opens the authorization (IPN), staff capture every item and the order closes, then two
refunds, each completed by Amazon's IPN and booked. After every step the worker runs rounds
until one finds nothing to do, as a running worker would.

Reported, per run:
- commits per lifecycle, and how many of them wrote anything (an INSERT, UPDATE or DELETE);
- commits of an idle worker round (nothing due);
- lifecycles per CPU second of this process (amzpay and the simulator together), and per
  second of wall time;
- the SQLAlchemy single-row commit rate on the same engine settings (an INSERT of one row per
  transaction, in a table of the same database file), measured in the same run, and the ratio
  of the lifecycle rate to what that commit rate allows for this many commits per lifecycle;
- where a lifecycle's CPU goes: Amazon's side (the simulator answering requests, in the helper
  thread the in-process transport runs it on, and its clock's work: settling, signing and
  sending IPNs, opening a buyer's order reference), the in-process transport's own plumbing
  (the rest of that helper thread), and amzpay (everything else: its services, worker, store,
  client, IPN receipt), with the rate and ratio amzpay alone would reach on CPU time;
- statements per lifecycle and the CPU time inside the driver's ``execute`` (SQLite's own
  work), beside the time per lifecycle the goal's 40 % allows.

``--ipn-apply at-receipt`` applies each IPN in the request that brings it instead of leaving
it to the worker (the default), one commit fewer per IPN.

``--before TREE`` runs the same measurement on another source tree (say the one before a
change, ``git archive COMMIT src | tar -x -C TREE``) in a child process, alternating with this
tree's runs so both see the same machine load.

The ratio is taken on wall time: what a commit costs is mostly the flush to disk that
SQLite's WAL does at every commit, which CPU time does not see. On CPU time alone (also
printed) a commit costs a fraction of a statement's build, and the ratio says more about
SQLAlchemy's statement overhead than about commits. Results go to docs/performance.md by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, event, insert

from amzpay.bootstrap import App, build
from amzpay.cli.local_amazon import LocalAmazon
from amzpay.config import Settings
from amzpay.simulator import InProcessTransport, Seller

SELLER = Seller(seller_id="A1BENCHSHOP", access_key_id="AKIABENCH", secret_key="bench-secret")
HOST = "simulator.bench"
SETTLES = 60  # seconds of Amazon's time: a sandbox refund or capture settles within it


def order_spec(reference: str, amazon_order_reference_id: str) -> dict[str, Any]:
    return {
        "reference": reference,
        "amazon_order_reference_id": amazon_order_reference_id,
        "currency": "EUR",
        "customer": {"email": "buyer@example.com", "locale": "en_GB"},
        "shipments": [{"id": "S1", "method": "standard"}],
        "lines": [
            {"id": "mug", "sku": "mug", "name": "Mug", "quantity": 2, "unit_price": "19.99",
             "tax_rate": "19", "shipment": "S1"},
            {"id": "pot", "sku": "pot", "name": "Teapot", "quantity": 1, "unit_price": "30.00",
             "tax_rate": "19", "shipment": "S1"},
        ],
        "expenses": [
            {"id": "shipping", "name": "Standard delivery", "price": "4.90", "tax_rate": "19",
             "shipment": "S1"},
        ],
    }  # fmt: skip


class CommitCounter:
    """Counts an engine's commits, and those whose transaction wrote anything; and its
    statements, with the CPU time spent inside the driver's ``execute`` (SQLite's own work:
    binding, planning, running, the first step of the result), which no change to amzpay's
    Python can take away short of running fewer statements."""

    def __init__(self, engine: Engine) -> None:
        self.commits = self.writes = self.statements = 0
        self.driver = 0.0
        self._dirty: set[int] = set()
        self._started: dict[int, float] = {}  # per thread: thread CPU time is per thread
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "after_cursor_execute", self._executed)
        event.listen(engine, "commit", self._commit)
        event.listen(engine, "rollback", self._rollback)

    def _statement(self, conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            self._dirty.add(id(conn))
        self._started[threading.get_ident()] = time.thread_time()

    def _executed(self, *_: Any) -> None:
        self.driver += time.thread_time() - self._started.pop(threading.get_ident())
        self.statements += 1

    def _commit(self, conn: Any) -> None:
        self.commits += 1
        if id(conn) in self._dirty:
            self.writes += 1
            self._dirty.discard(id(conn))

    def _rollback(self, conn: Any) -> None:
        self._dirty.discard(id(conn))

    def snapshot(self) -> tuple[int, int]:
        return self.commits, self.writes


class TimedApp:
    """The simulator's ASGI app, with the CPU its requests take in the thread they run on."""

    def __init__(self, app: Any) -> None:
        self.app, self.cpu = app, 0.0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        start = time.thread_time()
        try:
            await self.app(scope, receive, send)
        finally:
            self.cpu += time.thread_time() - start


class TimedTransport(httpx.BaseTransport):
    """The in-process transport, with the CPU its calls take in the caller's thread."""

    def __init__(self, transport: httpx.BaseTransport) -> None:
        self.transport, self.cpu = transport, 0.0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        start = time.thread_time()
        try:
            return self.transport.handle_request(request)
        finally:
            self.cpu += time.thread_time() - start

    def close(self) -> None:
        self.transport.close()


class Split:
    """Where the CPU goes: Amazon's side, the in-process transport, amzpay.

    The simulator's requests run in the caller's thread or in the transport's helper threads
    (``TimedApp`` times them wherever they run); its clock's work (``advance``: its pending
    work, IPNs signed and sent) and a buyer's checkout run in this thread, timed here less the
    time amzpay's IPN receiver takes inside them. The transport's plumbing is what its calls
    take in this thread (``TimedTransport``) and in helper threads, less the app's own time.
    """

    def __init__(self, app: TimedApp, transport: TimedTransport) -> None:
        self.app, self.transport = app, transport
        self.amazon_here = 0.0  # this thread's CPU inside the simulator
        self._process = self._thread = 0.0

    def start(self) -> None:
        self.app.cpu = self.transport.cpu = self.amazon_here = 0.0
        self._process, self._thread = time.process_time(), time.thread_time()

    def stop(self) -> dict[str, float]:
        process = time.process_time() - self._process
        helpers = process - (time.thread_time() - self._thread)
        amazon = self.app.cpu + self.amazon_here
        transport = max(self.transport.cpu + helpers - self.app.cpu, 0.0)
        return {"simulator": amazon, "transport": transport, "amzpay": process - amazon - transport}

    def amazon(self, work: Callable[..., Any]) -> Callable[..., Any]:
        """``work`` (the simulator's) timed as Amazon's side in this thread."""

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.thread_time()
            try:
                return work(*args, **kwargs)
            finally:
                self.amazon_here += time.thread_time() - start

        return timed

    def amzpay(self, work: Callable[..., Any]) -> Callable[..., Any]:
        """``work`` (amzpay's, called by the simulator) taken back out of Amazon's side."""

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.thread_time()
            try:
                return work(*args, **kwargs)
            finally:
                self.amazon_here -= time.thread_time() - start

        return timed


class Receiver:
    """amzpay's IPN receiver, its time counted as amzpay's when the simulator calls it."""

    def __init__(self, receiver: Any, split: Split) -> None:
        self.receive = split.amzpay(receiver.receive)


@dataclass
class Shop:
    app: App
    amazon: LocalAmazon
    split: Split

    def work(self) -> None:
        worker = self.app.worker("bench")
        while worker.run_once().busy:
            pass

    def later(self, seconds: float) -> None:
        self.split.amazon(self.amazon.advance)(seconds)
        self.work()

    def lifecycle(self, reference: str) -> None:
        app = self.app
        buyer = self.split.amazon(self.amazon.sim.create_order_reference)(payment_method="visa")
        app.orders.import_order(order_spec(reference, buyer), confirm=True)
        self.work()
        self.later(31)  # the authorization opens
        app.orders.fire(reference, "capture", None, actor="staff")
        self.work()
        self.later(SETTLES)  # captured, closed
        app.refunds.request(reference, ["mug-1"], actor="staff")
        self.work()
        self.later(SETTLES)  # completed by IPN, booked
        app.refunds.request(reference, ["pot-1"], actor="staff")
        self.work()
        self.later(SETTLES)
        states = {state for _, _, state in app.ledger.books(reference).items}
        assert "refund pending" not in states, f"{reference}: a refund did not settle: {states}"


def open_shop(folder: Path, ipn_apply: str) -> Shop:
    amazon = LocalAmazon(SELLER, HOST)
    timed = TimedApp(amazon.app)
    transport = TimedTransport(InProcessTransport(timed))
    split = Split(timed, transport)
    http = httpx.Client(transport=transport)
    settings = Settings.load(
        {
            "AMZPAY_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
            "AMZPAY_AMAZON__SELLER_ID": SELLER.seller_id,
            "AMZPAY_AMAZON__SIMULATOR_HOST": HOST,
            "AMZPAY_SHOP__STAFF": "staff@shop.example",
            "AMZPAY_AMAZON__IPN_APPLY": ipn_apply,
        }
    )
    app = build(
        settings,
        gateway_factory=lambda _, call_log: amazon.gateway(call_log, http=http),
        clock=amazon.clock.now,
        certificates=amazon.certificates,
    )
    amazon.receiver = Receiver(app.ipn, split)
    return Shop(app, amazon, split)


@dataclass(frozen=True)
class Rate:
    """Things done per second of CPU time and of wall time."""

    cpu: float
    wall: float


def commit_rate(engine: Engine, seconds: float) -> Rate:
    """Single-row commits per second on ``engine`` (same settings as the store's)."""
    table = Table(
        "bench_commit", MetaData(), Column("id", Integer, primary_key=True), Column("v", String)
    )
    table.create(engine, checkfirst=True)
    statement = insert(table).values(v="x")
    done, cpu, wall = 0, time.process_time(), time.perf_counter()
    while time.perf_counter() - wall < seconds:
        for _ in range(20):
            with engine.begin() as connection:
                connection.execute(statement)
        done += 20
    return Rate(done / (time.process_time() - cpu), done / (time.perf_counter() - wall))


@dataclass(frozen=True)
class Result:
    commits: float
    writes: float
    idle_commits: int
    lifecycles: Rate
    single_commits: Rate
    split: dict[str, float]  # CPU seconds per lifecycle: simulator, transport, amzpay
    statements: float  # per lifecycle, with the BEGINs and pragmas
    driver: float  # CPU seconds per lifecycle inside the driver's execute

    def ratio(self, on: str = "wall") -> float:
        """The lifecycle rate over what the commit rate allows for ``commits`` each."""
        allowed = getattr(self.single_commits, on) / self.commits
        return float(getattr(self.lifecycles, on)) / allowed

    def amzpay_ratio(self) -> float:
        """The CPU ratio were amzpay's own CPU all a lifecycle took (no simulator, no
        in-process transport): what amzpay's side of the goal would read against Amazon."""
        return (1 / self.split["amzpay"]) / (self.single_commits.cpu / self.commits)


def measure(orders: int, commit_seconds: float, ipn_apply: str) -> Result:
    with tempfile.TemporaryDirectory(prefix="amzpay-bench-") as name:
        shop = open_shop(Path(name), ipn_apply)
        try:
            shop.lifecycle("WARM-UP")  # statement caches, first-use imports
            counter = CommitCounter(shop.app.database.engine)
            shop.split.start()
            cpu, wall = time.process_time(), time.perf_counter()
            for number in range(orders):
                shop.lifecycle(f"BENCH-{number:05d}")
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            split = {name: seconds / orders for name, seconds in shop.split.stop().items()}
            commits, writes = counter.snapshot()
            statements, driver = counter.statements / orders, counter.driver / orders
            before = counter.commits
            shop.app.worker("bench").run_once()
            idle = counter.commits - before
            rate = commit_rate(shop.app.database.engine, commit_seconds)
        finally:
            shop.app.close()
            shop.amazon.close()
            shop.split.transport.close()
    lifecycles = Rate(orders / cpu, orders / wall)
    return Result(
        commits / orders, writes / orders, idle, lifecycles, rate, split, statements, driver
    )


def report(results: list[Result], show: Callable[[str], None] = print, name: str = "") -> None:
    for number, result in enumerate(results, 1):
        lifecycles, commits, split = result.lifecycles, result.single_commits, result.split
        show(
            f"{name}run {number}: {result.commits:.1f} commits per lifecycle "
            f"({result.writes:.1f} wrote), idle round {result.idle_commits} commits; "
            f"{lifecycles.wall:.1f} lifecycles/s against {commits.wall:.0f} single-row "
            f"commits/s: ratio {result.ratio():.0%}; per CPU second {lifecycles.cpu:.1f} "
            f"against {commits.cpu:.0f}: ratio {result.ratio('cpu'):.0%}"
        )
        show(
            f"{name}run {number}: CPU per lifecycle {1000 / lifecycles.cpu:.1f} ms = simulator "
            f"{split['simulator'] * 1000:.1f} + in-process transport "
            f"{split['transport'] * 1000:.1f} + amzpay {split['amzpay'] * 1000:.1f} ms; "
            f"amzpay alone: {1 / split['amzpay']:.1f} lifecycles per CPU second, "
            f"ratio {result.amzpay_ratio():.0%}"
        )
        show(
            f"{name}run {number}: {result.statements:.0f} statements per lifecycle, "
            f"{result.driver * 1000:.1f} ms of CPU inside the driver's execute; the goal's 40 % "
            f"allows {1000 * result.commits / (0.4 * commits.wall):.1f} ms per lifecycle (wall) "
            f"and {1000 * result.commits / (0.4 * commits.cpu):.1f} ms (CPU)"
        )
    for on in ("wall", "cpu"):
        median = statistics.median(r.ratio(on) for r in results)
        show(f"{name}median ratio ({on}): {median:.0%}")
    show(f"{name}median ratio (amzpay's CPU alone): "
         f"{statistics.median(r.amzpay_ratio() for r in results):.0%}")  # fmt: skip


def measure_tree(tree: Path, orders: int, commit_seconds: float, ipn_apply: str) -> Result:
    """One run of this benchmark on the amzpay source tree ``tree``, in a child process."""
    environment = os.environ | {"PYTHONPATH": str(tree / "src")}
    command = [sys.executable, __file__, "--orders", str(orders), "--runs", "1"]
    command += ["--commit-seconds", str(commit_seconds), "--ipn-apply", ipn_apply, "--json"]
    out = subprocess.run(command, env=environment, check=True, capture_output=True, text=True)
    fields = json.loads(out.stdout.splitlines()[-1])
    return Result(
        fields["commits"],
        fields["writes"],
        fields["idle_commits"],
        Rate(**fields["lifecycles"]),
        Rate(**fields["single_commits"]),
        fields["split"],
        fields["statements"],
        fields["driver"],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--commit-seconds", type=float, default=2.0)
    parser.add_argument("--before", type=Path, help="a source tree to measure alternately")
    parser.add_argument(
        "--ipn-apply",
        choices=("worker", "at-receipt"),
        default="worker",
        help="where IPNs are applied (AMZPAY_AMAZON__IPN_APPLY; the worker is the default)",
    )
    parser.add_argument("--json", action="store_true", help="one run's result as JSON")
    args = parser.parse_args()
    if args.json:
        result = measure(args.orders, args.commit_seconds, args.ipn_apply)
        print(json.dumps(asdict(result)))
        return
    ours: list[Result] = []
    before: list[Result] = []
    for _ in range(args.runs):
        for tree, results in ((args.before, before), (Path(__file__).parents[1], ours)):
            if tree is not None:
                results.append(measure_tree(tree, args.orders, args.commit_seconds, args.ipn_apply))
    if before:
        report(before, name=f"before ({args.before}) ")
    report(ours)


if __name__ == "__main__":
    main()
