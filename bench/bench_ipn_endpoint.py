"""``amzpay serve``'s IPN endpoint against a bare Starlette endpoint, over loopback HTTP.

    .venv/bin/python bench/bench_ipn_endpoint.py [--requests 1500] [--concurrency 16] [--rounds 3]

Both servers run at once, each in a process of its own, on uvicorn with the same settings
(httptools and uvloop: ``uvicorn[standard]``), each on a fresh SQLite file in a temporary
directory:

- **amzpay**: the whole web app ``amzpay serve`` builds (``create_app(build(settings))``, no
  worker thread), ``POST /amazonpay/ipn``: verify the SNS signature and the notification,
  store it in the inbox in one transaction, answer 200.
- **bare**: one Starlette route doing the same verification (the same ``IpnVerifier``) and one
  ``INSERT`` into a one-table SQLite database (WAL, ``BEGIN IMMEDIATE``, commit; its writer
  threads queue on a lock, as amzpay's do), answer 200.

The bodies are real IPNs (a PaymentRefund notification), each with its own MessageId, signed
in advance with a key whose certificate both servers are handed (no network). The load
generator is the same for both: N keep-alive connections on loopback, asyncio, plain
HTTP/1.1, each sending its next request when the last answer came; the rounds alternate
between the servers so that both see the same load of the (shared) machine. Reported: each
round's rate (requests per wall-clock second), p50/p99 latency and the server process's CPU
time per request (read from /proc: what a request costs whatever else ran), and the median
ratios. Results go to docs/performance.md by hand.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

SELLER = "A1BENCHSELLER00"
CERT_URL = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem"
REFUND_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<RefundNotification xmlns="https://mws.amazonservices.com/ipn/OffAmazonPayments/2013-01-01">'
    "<RefundDetails><AmazonRefundId>S02-0000000-0000000-R000001</AmazonRefundId>"
    "<RefundReferenceId>bench-refund-1</RefundReferenceId><RefundType>SellerInitiated</RefundType>"
    "<RefundAmount><Amount>10.00</Amount><CurrencyCode>EUR</CurrencyCode></RefundAmount>"
    "<FeeRefunded><Amount>0.00</Amount><CurrencyCode>EUR</CurrencyCode></FeeRefunded>"
    "<CreationTimestamp>2026-03-02T09:00:00.000Z</CreationTimestamp>"
    "<RefundStatus><State>Completed</State>"
    "<LastUpdateTimestamp>2026-03-02T09:05:00.000Z</LastUpdateTimestamp></RefundStatus>"
    "<SoftDescriptor>AMZ*shop</SoftDescriptor></RefundDetails></RefundNotification>"
)


# -- the bodies --------------------------------------------------------------------------------


def signed_bodies(count: int, folder: Path) -> list[bytes]:
    """``count`` IPNs with distinct MessageIds, signed; the certificate is left in ``folder``."""
    from amzpay.simulator.certs import make_signing_key
    from amzpay.simulator.notifications import signed_envelope

    now = datetime.now(UTC)
    key = make_signing_key(now)
    (folder / "cert.pem").write_bytes(key.certificate_pem)
    topic = f"arn:aws:sns:eu-west-1:291180941288:A1BENCHMARKET{SELLER}"
    bodies = []
    for number in range(count):
        message = json.dumps(
            {
                "NotificationReferenceId": f"bench-{number}",
                "MarketplaceID": "A1BENCHMARKET",
                "NotificationType": "PaymentRefund",
                "SellerId": SELLER,
                "ReleaseEnvironment": "Sandbox",
                "Version": "2013-01-01",
                "NotificationData": REFUND_XML,
                "Timestamp": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        )
        envelope = signed_envelope(key, message, f"bench-{number:08d}", topic, now, "")
        envelope["SigningCertURL"] = CERT_URL  # Amazon's form; the servers are handed the PEM
        bodies.append(json.dumps(envelope).encode())
    return bodies


# -- the servers (each run as ``--serve amzpay|bare`` in a process of its own) ------------------


def certificate_of(folder: Path) -> object:
    pem = (folder / "cert.pem").read_bytes()

    def fetch(url: str) -> bytes:
        assert url == CERT_URL, url
        return pem

    return fetch


def amzpay_app(folder: Path) -> object:
    from amzpay.bootstrap import build
    from amzpay.config import Settings
    from amzpay.web.app import create_app

    settings = Settings.load(
        {
            "AMZPAY_DATABASE_URL": f"sqlite:///{folder / 'amzpay.db'}",
            "AMZPAY_AMAZON__SELLER_ID": SELLER,
            "AMZPAY_AMAZON__SANDBOX": "true",
        }
    )
    return create_app(build(settings, certificates=certificate_of(folder)))  # type: ignore[arg-type]


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

    app = amzpay_app(folder) if kind == "amzpay" else bare_app(folder)
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


def load(pid: int, port: int, bodies: list[bytes], concurrency: int) -> Result:
    before = _cpu_seconds(pid)
    result = asyncio.run(_load(port, bodies, concurrency))
    result.cpu_per_request = (_cpu_seconds(pid) - before) / len(bodies)
    return result


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
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve", kind, "--folder", str(folder), "--port", str(port),
         "--loop", arguments.loop, "--http", arguments.http]
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
    parser.add_argument("--requests", type=int, default=1500, help="requests per round")
    parser.add_argument("--concurrency", type=int, default=16, help="connections at once")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per server")
    parser.add_argument("--loop", default="auto", help="uvicorn's loop (auto: uvloop)")
    parser.add_argument("--http", default="auto", help="uvicorn's HTTP (auto: httptools)")
    parser.add_argument("--serve", choices=["amzpay", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.serve:
        serve(arguments.serve, arguments.folder, arguments.port, arguments.loop, arguments.http)
        return

    with tempfile.TemporaryDirectory(prefix="amzpay-bench-") as name:
        folder = Path(name)
        total = arguments.requests * (arguments.rounds + 1)  # +1: a warm-up round each
        bodies = signed_bodies(total, folder)
        servers = {kind: _started(kind, folder, arguments) for kind in ("bare", "amzpay")}
        try:
            results: dict[str, list[Result]] = {"bare": [], "amzpay": []}
            for number in range(arguments.rounds + 1):
                for kind, (process, port) in servers.items():
                    batch = bodies[number * arguments.requests : (number + 1) * arguments.requests]
                    result = load(process.pid, port, batch, arguments.concurrency)
                    if result.failures:
                        raise SystemExit(f"{kind}: {result.failures} answers were not 200")
                    if number:  # the first round warms caches, connections and the JIT-less VM
                        results[kind].append(result)
        finally:
            for process, _ in servers.values():
                process.terminate()
                process.wait(timeout=30)
    report(results, arguments, os.cpu_count())


def report(
    results: dict[str, list[Result]], arguments: argparse.Namespace, cpus: int | None
) -> None:
    print(
        f"{arguments.rounds} rounds of {arguments.requests} requests per server, "
        f"{arguments.concurrency} connections, uvicorn loop={arguments.loop} "
        f"http={arguments.http}, {cpus} CPUs (shared)"
    )
    for kind, rounds in results.items():
        for result in rounds:
            print(
                f"  {kind:7} {result.rate:8.0f} req/s   p50 {result.percentile(0.5):6.1f} ms"
                f"   p99 {result.percentile(0.99):6.1f} ms"
                f"   server CPU {result.cpu_per_request * 1e6:5.0f} us/request"
            )
    pairs = list(zip(results["amzpay"], results["bare"], strict=True))
    rates = statistics.median(a.rate / b.rate for a, b in pairs)
    cpu = statistics.median(b.cpu_per_request / a.cpu_per_request for a, b in pairs)
    print(f"amzpay / bare, median of the rounds: rate {rates:.0%} (goal: >= 50 %)")
    print(f"  rate at the same CPU per request (bare CPU / amzpay CPU): {cpu:.0%}")


if __name__ == "__main__":
    main()
