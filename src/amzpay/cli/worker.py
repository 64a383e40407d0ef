"""``amzpay worker``: fire due timers, run queued commands, check waiting conditions."""

from __future__ import annotations

import signal
import socket
import threading
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console

from amzpay.amazonpay.unavailable import UnavailableGateway
from amzpay.cli.options import DatabaseOption, resolve_database, shown
from amzpay.processes.catalog import build_engine
from amzpay.store.database import Database
from amzpay.worker import Worker

app = typer.Typer(help="The background worker.")


def _now() -> datetime:
    return datetime.now(UTC)


@app.callback(invoke_without_command=True)
def work(
    once: Annotated[bool, typer.Option("--once", help="Do what is due now, then exit.")] = False,
    name: Annotated[str | None, typer.Option(help="This worker's name in the job leases.")] = None,
    database: DatabaseOption = None,
) -> None:
    """Work until stopped (Ctrl-C); several workers may share one PostgreSQL database."""
    console = Console()
    url = resolve_database(database)
    db = Database(url)
    # Until the Amazon Pay client is wired in (bootstrap), commands wait and are retried.
    worker = Worker(db, build_engine(UnavailableGateway(), _now), name or socket.gethostname())
    try:
        if once:
            done = worker.run_once()
            console.print(
                f"{done.timers} timer(s) fired, {done.jobs} command(s) run, "
                f"{done.orders_checked} order(s) checked"
            )
            return
        console.print(f"worker [bold]{worker.name}[/bold] on {shown(url)}; Ctrl-C stops it")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            worker.run(stop)
        except KeyboardInterrupt:
            stop.set()
        console.print("stopped")
    finally:
        db.dispose()
