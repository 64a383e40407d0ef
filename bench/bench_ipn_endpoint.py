"""``amzpay serve``'s IPN endpoint against a bare Starlette endpoint, over loopback HTTP.

    .venv/bin/python bench/bench_ipn_endpoint.py [--requests 400] [--concurrency 16] [--rounds 3]
        [--before TREE]

Four servers run at once, each in a process of its own, on uvicorn with the same settings
(httptools and uvloop: ``uvicorn[standard]``), each on a SQLite file of its own in a temporary
directory:

- **amzpay**: what ``amzpay serve`` runs by default: its web app (``create_app(build(settings))``,
  ``AMZPAY_AMAZON__IPN_APPLY`` left unset: ``worker``) and its worker thread. ``POST
  /amazonpay/ipn`` verifies the SNS signature and the notification, stores it in the inbox
  and answers 200; the worker, woken by the messages stored, applies them in the same
  process, giving way to the endpoint while a burst arrives (for up to 2 s), ten to a
  transaction (its CPU is counted, until the process is quiet again: the jobs the applied
  IPNs queued included).
- **amzpay-at-receipt**: the same app with ``AMZPAY_AMAZON__IPN_APPLY=at-receipt`` and no
  worker thread: each IPN is stored and applied in one transaction before the 200.
- **amzpay-worker-apart**: ``AMZPAY_AMAZON__IPN_APPLY=worker`` with no worker in the process
  (``amzpay serve --no-worker`` beside an ``amzpay worker`` elsewhere): the endpoint's own
  cost; the application is not in its figures, and nothing applies the IPNs during the run.
- **before** (with ``--before TREE``): ``amzpay serve`` of another source tree as it runs by
  default (its app and its worker thread), such as ``git archive <commit> src | tar -x -C
  TREE`` of an older commit, on its own copy of the shop: the same run's figures from before
  a change.
- **bare**: one Starlette route doing the same verification (the same ``IpnVerifier``) and one
  ``INSERT`` into a one-table SQLite database (WAL, ``BEGIN IMMEDIATE``, commit; its writer
  threads queue on a lock, as amzpay's do), answer 200.

Before the servers start, a shop is made with the local Amazon simulator: orders authorized,
captured, then every item refunded on its own, so that the shop has one refund pending at
Amazon for each IPN of the **pending** kind. Two kinds of real PaymentRefund IPNs are sent,
each with its own MessageId, signed in advance with a key whose certificate every server is
handed (no network):

- **pending**: the refund's completion, for a refund the shop asked for and waits on (the
  common case): the record completes, the item moves to ``refund completed``, the refund is
  booked and the buyer's e-mail queued;
- **unknown**: a refund no record of amzpay's asked for (made in Seller Central), on an order
  reference the shop does not know: recorded as an external refund and flagged for staff.

The load generator is the same for all: N keep-alive connections on loopback, asyncio, plain
HTTP/1.1, each sending its next request when the last answer came. A warm-up round each, then
each round sends one batch of each kind to every server in turn, the same bodies to each (each
server has its own database), so that all see the same load of the (shared) machine.
Reported: each round's rate (requests per wall-clock second), p50/p99 latency and the server
process's CPU time per request (read from /proc: what a request costs whatever else ran, the
worker thread's application included), and per kind each round's ratio to the bare endpoint
of the same round, their median and the lowest, with the p99 of each round. Results go to
docs/performance.md by hand.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

SELLER = "A1BENCHSELLER00"
CERT_URL = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem"
AT_RECEIPT = "amzpay-at-receipt"
SERVERS = ("bare", "amzpay", AT_RECEIPT, "amzpay-worker-apart")
BEFORE = "before"  # --before: amzpay serve of another source tree, as it runs by default
KINDS = ("pending", "unknown")
UNIT_PRICE = "5.00"  # each item's price: each pending refund is one item's
ITEMS_PER_ORDER = 10  # Amazon's limit of refunds per capture


@dataclass(frozen=True)
class Refund:
    """A refund an IPN reports: the ids Amazon and the shop gave it, and its amount."""

    amazon_id: str
    reference_id: str
    amount: str


# -- the shop: refunds pending at Amazon --------------------------------------------------------


def seed_shop(database: Path, count: int) -> tuple[list[Refund], datetime]:
    """A shop at ``database`` waiting on ``count`` refunds, one item each, made through
    amzpay's services against the local simulator; returns them and the simulator's time."""
    from amzpay.bootstrap import build
    from amzpay.cli.local_amazon import LocalAmazon
    from amzpay.config import Settings
    from amzpay.domain.payment import PaymentKind
    from amzpay.simulator import Seller

    host = "simulator.bench"
    seller = Seller(seller_id=SELLER, access_key_id="AKIABENCH", secret_key="s")
    amazon = LocalAmazon(seller, host, start=datetime.now(UTC) - timedelta(minutes=10))
    settings = Settings.load(
        {
            "AMZPAY_DATABASE_URL": f"sqlite:///{database}",
            "AMZPAY_AMAZON__SELLER_ID": SELLER,
            "AMZPAY_AMAZON__SIMULATOR_HOST": host,
        }
    )
    app = build(
        settings,
        gateway_factory=lambda _, call_log: amazon.gateway(call_log),
        clock=amazon.clock.now,
        certificates=amazon.certificates,
    )
    amazon.receiver = app.ipn
    worker = app.worker("seed")

    def work() -> None:
        while worker.run_once().busy:
            pass

    orders = [f"BENCH-{number}" for number in range(-(-count // ITEMS_PER_ORDER))]
    for reference in orders:  # authorized, then captured, all at once: Amazon's time moves
        buyer = amazon.sim.create_order_reference(payment_method="visa")
        app.orders.import_order(_order_spec(reference, buyer), confirm=True)
    work()
    amazon.advance(31)
    work()
    for reference in orders:
        app.orders.fire(reference, "capture", None, actor="staff")
    work()
    amazon.advance(60)
    work()
    refunds: list[Refund] = []
    for reference in orders:  # the refunds stay pending: Amazon's time stands still from here
        for item in range(1, ITEMS_PER_ORDER + 1):
            app.refunds.request(reference, [f"mug-{item}"], actor="staff")
        work()
        with app.database.read() as tx:
            records = tx.payments(reference, PaymentKind.REFUND)
        for record in records:
            if record.state.value != "pending" or record.amazon_id is None:
                raise SystemExit(f"the shop's refund is not pending at Amazon: {record}")
            refunds.append(Refund(record.amazon_id, record.reference_id, UNIT_PRICE))
    now = amazon.clock.now()
    app.close()
    return refunds[:count], now


def _order_spec(reference: str, buyer: str) -> dict[str, Any]:
    return {
        "reference": reference,
        "amazon_order_reference_id": buyer,
        "currency": "EUR",
        "customer": {"email": "buyer@example.com", "locale": "en_GB"},
        "shipments": [{"id": "S1", "method": "standard"}],
        "lines": [
            {"id": "mug", "sku": "mug", "name": "Mug", "quantity": ITEMS_PER_ORDER,
             "unit_price": UNIT_PRICE, "tax_rate": "19", "shipment": "S1"},
        ],
    }  # fmt: skip


def unknown_refunds(count: int, offset: int) -> list[Refund]:
    """Refunds made in Seller Central, on order references the shop does not know."""
    return [
        Refund(f"S02-9{n:06d}-{n:07d}-R000001", f"seller-central-{n}", "10.00")
        for n in range(offset, offset + count)
    ]


# -- the bodies --------------------------------------------------------------------------------


def refund_xml(refund: Refund, at: datetime) -> str:
    stamp = at.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<RefundNotification xmlns="https://mws.amazonservices.com/ipn/OffAmazonPayments/2013-01-01">'
        f"<RefundDetails><AmazonRefundId>{refund.amazon_id}</AmazonRefundId>"
        f"<RefundReferenceId>{refund.reference_id}</RefundReferenceId>"
        "<RefundType>SellerInitiated</RefundType>"
        f"<RefundAmount><Amount>{refund.amount}</Amount><CurrencyCode>EUR</CurrencyCode></RefundAmount>"
        "<FeeRefunded><Amount>0.00</Amount><CurrencyCode>EUR</CurrencyCode></FeeRefunded>"
        f"<CreationTimestamp>{stamp}</CreationTimestamp>"
        "<RefundStatus><State>Completed</State>"
        f"<LastUpdateTimestamp>{stamp}</LastUpdateTimestamp></RefundStatus>"
        "<SoftDescriptor>AMZ*shop</SoftDescriptor></RefundDetails></RefundNotification>"
    )  # fmt: skip


class Signer:
    """Signs IPNs with one key; its certificate is left in ``folder`` for the servers."""

    def __init__(self, folder: Path) -> None:
        from amzpay.simulator.certs import make_signing_key

        self.now = datetime.now(UTC)
        self.key = make_signing_key(self.now)
        (folder / "cert.pem").write_bytes(self.key.certificate_pem)
        self.count = 0

    def bodies(self, refunds: Sequence[Refund], at: datetime) -> list[bytes]:
        """One IPN per refund, each with its own MessageId: the refund completed ``at``."""
        from amzpay.simulator.notifications import signed_envelope

        topic = f"arn:aws:sns:eu-west-1:291180941288:A1BENCHMARKET{SELLER}"
        bodies = []
        for refund in refunds:
            self.count += 1
            message = json.dumps(
                {
                    "NotificationReferenceId": f"bench-{self.count}",
                    "MarketplaceID": "A1BENCHMARKET",
                    "NotificationType": "PaymentRefund",
                    "SellerId": SELLER,
                    "ReleaseEnvironment": "Sandbox",
                    "Version": "2013-01-01",
                    "NotificationData": refund_xml(refund, at),
                    "Timestamp": self.now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                }
            )
            envelope = signed_envelope(
                self.key, message, f"bench-{self.count:08d}", topic, self.now, ""
            )
            envelope["SigningCertURL"] = CERT_URL  # Amazon's form; the servers get the PEM
            bodies.append(json.dumps(envelope).encode())
        return bodies


# -- the servers (each run as ``--serve amzpay|bare`` in a process of its own) ------------------


def certificate_of(folder: Path) -> object:
    pem = (folder / "cert.pem").read_bytes()

    def fetch(url: str) -> bytes:
        assert url == CERT_URL, url
        return pem

    return fetch


def amzpay_app(folder: Path, kind: str) -> object:
    """The app ``amzpay serve`` builds on its own copy of the shop; for ``amzpay``, as
    ``serve`` runs it by default, with its worker thread; for ``amzpay-at-receipt``, each IPN
    applied in the request; for ``amzpay-worker-apart``, the IPNs left to a worker that runs
    elsewhere (none here)."""
    from amzpay.bootstrap import build
    from amzpay.cli.serve import BackgroundWorker
    from amzpay.config import Settings
    from amzpay.web.app import create_app

    database = folder / f"{kind}.db"
    shutil.copyfile(folder / "shop.db", database)
    environ = {
        "AMZPAY_DATABASE_URL": f"sqlite:///{database}",
        "AMZPAY_AMAZON__SELLER_ID": SELLER,
        "AMZPAY_AMAZON__SANDBOX": "true",
        # No call leaves the machine: the worker's jobs meet a closed port, and no poll falls
        # due during a run.
        "AMZPAY_AMAZON__ENDPOINT_URL": "http://127.0.0.1:9",
        "AMZPAY_POLLING__SCHEDULE": "86400",
    }
    if kind == AT_RECEIPT:
        environ["AMZPAY_AMAZON__IPN_APPLY"] = "at-receipt"
    elif kind == "amzpay-worker-apart":
        environ["AMZPAY_AMAZON__IPN_APPLY"] = "worker"
    settings = Settings.load(environ)
    app = build(settings, certificates=certificate_of(folder))  # type: ignore[arg-type]
    if kind in ("amzpay", BEFORE):
        BackgroundWorker(app, "bench").start()
    return create_app(app)


def bare_app(folder: Path) -> object:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from amzpay.amazonpay.ipn import IpnSettings, IpnVerifier

    verifier = IpnVerifier(IpnSettings(SELLER, "Sandbox"), certificate_of(folder))  # type: ignore[arg-type]
    path = folder / "bare.db"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE inbox (message_id TEXT PRIMARY KEY, body TEXT NOT NULL)")
    local = threading.local()
    writer = threading.Lock()  # writers queue here as amzpay's do (store/database.py)

    def connection() -> sqlite3.Connection:
        if not hasattr(local, "db"):
            local.db = sqlite3.connect(path, isolation_level=None, timeout=30)
        return local.db  # type: ignore[no-any-return]

    def store(body: bytes) -> None:
        verified = verifier.verify(body)
        db, row = connection(), (verified.envelope.message_id, body.decode())
        with writer:
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO inbox VALUES (?, ?)", row)
            db.execute("COMMIT")

    async def receive(request: Request) -> Response:
        from starlette.concurrency import run_in_threadpool

        await run_in_threadpool(store, await request.body())
        return Response("stored", status_code=200)

    return Starlette(routes=[Route("/amazonpay/ipn", receive, methods=["POST"])])


def serve(kind: str, folder: Path, port: int, loop: str, http: str) -> None:
    import uvicorn

    app = bare_app(folder) if kind == "bare" else amzpay_app(folder, kind)
    uvicorn.run(
        app,  # type: ignore[arg-type]
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        loop=loop,  # type: ignore[arg-type]
        http=http,  # type: ignore[arg-type]
    )


# -- the load generator ------------------------------------------------------------------------


@dataclass
class Result:
    rate: float
    latencies: list[float]
    failures: int
    cpu_per_request: float = 0.0  # the server process's CPU seconds (user + system)
    applied_after: float | None = None  # seconds from the round's start until all applied

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


async def _connection(port: int, bodies: list[bytes], latencies: list[float]) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    failures = 0
    try:
        while bodies:
            body = bodies.pop()
            head = (
                f"POST /amazonpay/ipn HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                f"Content-Type: text/plain; charset=UTF-8\r\nContent-Length: {len(body)}\r\n\r\n"
            )
            start = time.perf_counter()
            writer.write(head.encode() + body)
            status_line = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            failures += status_line.split()[1] != b"200"
    finally:
        writer.close()
    return failures


async def _load(port: int, bodies: list[bytes], concurrency: int) -> Result:
    queue, latencies = list(bodies), list[float]()
    start = time.perf_counter()
    failures = await asyncio.gather(
        *(_connection(port, queue, latencies) for _ in range(concurrency))
    )
    return Result(len(bodies) / (time.perf_counter() - start), latencies, sum(failures))


def _cpu_seconds(pid: int) -> float:
    """A process's CPU time so far (Linux): what it cost, whatever else ran on the machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- the run -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _started(
    kind: str, folder: Path, arguments: argparse.Namespace
) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    environ = dict(os.environ)
    if kind == BEFORE:  # that tree's amzpay is imported before the installed one
        environ["PYTHONPATH"] = str(arguments.before.resolve() / "src")
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve", kind, "--folder", str(folder), "--port", str(port),
         "--loop", arguments.loop, "--http", arguments.http],
        env=environ,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"the {kind} server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=400, help="requests per round and kind")
    parser.add_argument("--concurrency", type=int, default=16, help="connections at once")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per server")
    parser.add_argument("--loop", default="auto", help="uvicorn's loop (auto: uvloop)")
    parser.add_argument("--http", default="auto", help="uvicorn's HTTP (auto: httptools)")
    parser.add_argument(
        "--before",
        type=Path,
        help="also serve amzpay from this source tree (e.g. `git archive` of an older commit)",
    )
    parser.add_argument("--serve", choices=(*SERVERS, BEFORE), help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.serve:
        serve(arguments.serve, arguments.folder, arguments.port, arguments.loop, arguments.http)
        return

    with tempfile.TemporaryDirectory(prefix="amzpay-bench-") as name:
        folder = Path(name)
        requests, rounds = arguments.requests, arguments.rounds
        started = time.perf_counter()
        print(f"load average at the start: {os.getloadavg()[0]:.1f}")
        pending, at = seed_shop(folder / "shop.db", requests * rounds)
        print(f"shop made: {len(pending)} refunds pending ({time.perf_counter() - started:.0f} s)")
        signer = Signer(folder)
        later = at + timedelta(minutes=1)
        warm_up = signer.bodies(unknown_refunds(requests, 0), later)
        batches = [
            {
                "pending": signer.bodies(
                    pending[number * requests : (number + 1) * requests], later
                ),
                "unknown": signer.bodies(unknown_refunds(requests, (number + 1) * requests), later),
            }
            for number in range(rounds)
        ]
        kinds = (*SERVERS, BEFORE) if arguments.before else SERVERS
        servers = {kind: _started(kind, folder, arguments) for kind in kinds}
        try:
            for kind, (process, port) in servers.items():  # caches, connections, pools
                measured(kind, folder, process.pid, port, warm_up, arguments.concurrency)
            results: dict[tuple[str, str], list[Result]] = {}
            for batch in batches:
                for body_kind, bodies in batch.items():
                    for kind, (process, port) in servers.items():
                        result = measured(
                            kind, folder, process.pid, port, bodies, arguments.concurrency
                        )
                        results.setdefault((kind, body_kind), []).append(result)
        finally:
            for process, _ in servers.values():
                process.terminate()
                process.wait(timeout=30)
    report(results, arguments, os.cpu_count())


def measured(
    kind: str, folder: Path, pid: int, port: int, bodies: list[bytes], concurrency: int
) -> Result:
    """One round against one server; for amzpay, until its worker applied them all (the
    server's CPU counted until then)."""
    before = _cpu_seconds(pid)
    started = time.perf_counter()
    result = asyncio.run(_load(port, bodies, concurrency))
    if result.failures:
        raise SystemExit(f"{kind}: {result.failures} answers were not 200")
    if kind in ("amzpay", AT_RECEIPT, BEFORE):
        result.applied_after = _applied(folder / f"{kind}.db") - started
    if kind in ("amzpay", BEFORE):
        _quiet(pid)  # what the applied IPNs queued (jobs) is the worker's too
    result.cpu_per_request = (_cpu_seconds(pid) - before) / len(bodies)
    return result


def _quiet(pid: int, limit: float = 60.0) -> None:
    """Wait until the process spends no CPU for 100 ms (its worker has nothing left to do),
    so that its work is counted and does not run during the next server's round."""
    deadline = time.perf_counter() + limit
    spent = _cpu_seconds(pid)
    while time.perf_counter() < deadline:
        time.sleep(0.1)
        now = _cpu_seconds(pid)
        if now - spent < 0.005:
            return
        spent = now


def _applied(database: Path, limit: float = 120.0) -> float:
    """When the inbox of ``database`` holds no message left to apply (perf_counter)."""
    deadline = time.perf_counter() + limit
    with sqlite3.connect(database, timeout=30) as db:
        while time.perf_counter() < deadline:
            (waiting,) = db.execute(
                "SELECT count(*) FROM ipn_inbox WHERE processed_at IS NULL"
            ).fetchone()
            if not waiting:
                return time.perf_counter()
            time.sleep(0.005)
    raise SystemExit(f"{database.name}: IPNs still unapplied after {limit:.0f} s")


def report(
    results: dict[tuple[str, str], list[Result]],
    arguments: argparse.Namespace,
    cpus: int | None,
) -> None:
    print(
        f"{arguments.rounds} rounds of {arguments.requests} requests per server and kind, "
        f"{arguments.concurrency} connections, uvicorn loop={arguments.loop} "
        f"http={arguments.http}, {cpus} CPUs (shared), load average {os.getloadavg()[0]:.1f}"
    )
    for (kind, body_kind), rounds in results.items():
        for result in rounds:
            applied = (
                ""
                if result.applied_after is None
                else f"   all applied after {result.applied_after * 1000:6.0f} ms"
            )
            print(
                f"  {kind:13} {body_kind:8} {result.rate:6.0f} req/s"
                f"   p50 {result.percentile(0.5):6.1f} ms   p99 {result.percentile(0.99):6.1f} ms"
                f"   server CPU {result.cpu_per_request * 1e6:5.0f} us/request{applied}"
            )
    for kind in sorted({kind for kind, _ in results} - {"bare"}, key=len):
        for body_kind in KINDS:
            pairs = list(zip(results[kind, body_kind], results["bare", body_kind], strict=True))
            ratios = [a.rate / b.rate for a, b in pairs]
            cpu = statistics.median(b.cpu_per_request / a.cpu_per_request for a, b in pairs)
            each = " ".join(f"{ratio:.0%}" for ratio in ratios)
            p99 = " ".join(f"{a.percentile(0.99):.0f}" for a, _ in pairs)
            print(
                f"{kind} / bare, {body_kind} refunds: rate {each} (median"
                f" {statistics.median(ratios):.0%}, lowest {min(ratios):.0%}; goal: >= 50 %);"
                f" bare CPU / {kind} CPU per request {cpu:.0%}; {kind} p99 {p99} ms"
            )


if __name__ == "__main__":
    main()
