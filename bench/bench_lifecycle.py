"""Commits and CPU time of whole order lifecycles on SQLite with the in-process simulator.

    .venv/bin/python bench/bench_lifecycle.py [--orders 40] [--runs 3]

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
  of the lifecycle rate to what that commit rate allows for this many commits per lifecycle.

The ratio is taken on wall time: what a commit costs is mostly the flush to disk that
SQLite's WAL does at every commit, which CPU time does not see. On CPU time alone (also
printed) a commit costs a fraction of a statement's build, and the ratio says more about
SQLAlchemy's statement overhead than about commits. Results go to docs/performance.md by hand.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, event, insert

from amzpay.bootstrap import App, build
from amzpay.cli.local_amazon import LocalAmazon
from amzpay.config import Settings
from amzpay.simulator import Seller

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
    """Counts an engine's commits, and those whose transaction wrote anything."""

    def __init__(self, engine: Engine) -> None:
        self.commits = self.writes = 0
        self._dirty: set[int] = set()
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)
        event.listen(engine, "rollback", self._rollback)

    def _statement(self, conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            self._dirty.add(id(conn))

    def _commit(self, conn: Any) -> None:
        self.commits += 1
        if id(conn) in self._dirty:
            self.writes += 1
            self._dirty.discard(id(conn))

    def _rollback(self, conn: Any) -> None:
        self._dirty.discard(id(conn))

    def snapshot(self) -> tuple[int, int]:
        return self.commits, self.writes


@dataclass
class Shop:
    app: App
    amazon: LocalAmazon

    def work(self) -> None:
        worker = self.app.worker("bench")
        while worker.run_once().busy:
            pass

    def later(self, seconds: float) -> None:
        self.amazon.advance(seconds)
        self.work()

    def lifecycle(self, reference: str) -> None:
        app = self.app
        buyer = self.amazon.sim.create_order_reference(payment_method="visa")
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


def open_shop(folder: Path) -> Shop:
    amazon = LocalAmazon(SELLER, HOST)
    settings = Settings.load(
        {
            "AMZPAY_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
            "AMZPAY_AMAZON__SELLER_ID": SELLER.seller_id,
            "AMZPAY_AMAZON__SIMULATOR_HOST": HOST,
            "AMZPAY_SHOP__STAFF": "staff@shop.example",
        }
    )
    app = build(
        settings,
        gateway_factory=lambda _, call_log: amazon.gateway(call_log),
        clock=amazon.clock.now,
        certificates=amazon.certificates,
    )
    amazon.receiver = app.ipn
    return Shop(app, amazon)


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

    def ratio(self, on: str = "wall") -> float:
        """The lifecycle rate over what the commit rate allows for ``commits`` each."""
        allowed = getattr(self.single_commits, on) / self.commits
        return float(getattr(self.lifecycles, on)) / allowed


def measure(orders: int, commit_seconds: float) -> Result:
    with tempfile.TemporaryDirectory(prefix="amzpay-bench-") as name:
        shop = open_shop(Path(name))
        try:
            shop.lifecycle("WARM-UP")  # statement caches, first-use imports
            counter = CommitCounter(shop.app.database.engine)
            cpu, wall = time.process_time(), time.perf_counter()
            for number in range(orders):
                shop.lifecycle(f"BENCH-{number:05d}")
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            commits, writes = counter.snapshot()
            before = counter.commits
            shop.app.worker("bench").run_once()
            idle = counter.commits - before
            rate = commit_rate(shop.app.database.engine, commit_seconds)
        finally:
            shop.app.close()
            shop.amazon.close()
    return Result(commits / orders, writes / orders, idle, Rate(orders / cpu, orders / wall), rate)


def report(results: list[Result], show: Callable[[str], None] = print) -> None:
    for number, result in enumerate(results, 1):
        lifecycles, commits = result.lifecycles, result.single_commits
        show(
            f"run {number}: {result.commits:.1f} commits per lifecycle "
            f"({result.writes:.1f} wrote), idle round {result.idle_commits} commits; "
            f"{lifecycles.wall:.1f} lifecycles/s against {commits.wall:.0f} single-row "
            f"commits/s: ratio {result.ratio():.0%}; per CPU second {lifecycles.cpu:.1f} "
            f"against {commits.cpu:.0f}: ratio {result.ratio('cpu'):.0%}"
        )
    for on in ("wall", "cpu"):
        show(f"median ratio ({on}): {statistics.median(r.ratio(on) for r in results):.0%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--commit-seconds", type=float, default=2.0)
    args = parser.parse_args()
    report([measure(args.orders, args.commit_seconds) for _ in range(args.runs)])


if __name__ == "__main__":
    main()
