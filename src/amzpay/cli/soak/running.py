"""What ``amzpay soak`` runs: the campaign on a prepared database, then its checks and summary."""

from __future__ import annotations

import tempfile
import time
from contextlib import ExitStack
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.exc import ArgumentError, OperationalError

from amzpay.cli.options import shown
from amzpay.cli.soak.campaign import Campaign, Phase, open_shop
from amzpay.cli.soak.checks import read_books, run_checks
from amzpay.cli.soak.summary import LogTally, Summary, show
from amzpay.services.queries import QueryService
from amzpay.store.database import Database


def run_soak(orders: int, seed: int, database_url: str | None) -> int:
    """Run the campaign on ``database_url`` (None: a temporary SQLite file); the exit code."""
    console = Console()
    with ExitStack() as stack:
        url, where = database_url, "a temporary SQLite file"
        if url is None:
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="amzpay-soak-"))
            url = f"sqlite:///{Path(folder) / 'soak.db'}"
        _prepare(console, url)
        where = where if database_url is None else shown(url)
        summary = _run(console, url, where, orders, seed)
    return show(console, summary)


def _prepare(console: Console, url: str) -> None:
    """Migrate the database; refuse one that holds orders (the simulator's ids would meet
    the ones of an earlier run)."""
    try:
        database = Database(url, migrate=True)
    except (ArgumentError, OperationalError) as error:
        console.print(f"[red]cannot use the database {url!r}: {type(error).__name__}[/red]")
        raise typer.Exit(2) from None
    try:
        held = QueryService(database, lambda: datetime.now(UTC)).orders(limit=1).total
    finally:
        database.dispose()
    if held:
        console.print(
            f"[red]the soak needs an empty database; this one holds {held} order(s)[/red]"
        )
        raise typer.Exit(2)


def _run(console: Console, url: str, where: str, orders: int, seed: int) -> Summary:
    started = time.monotonic()
    with open_shop(url, seed) as shop, _bar(console) as bar, LogTally.on("amzpay") as logs:
        task = bar.add_task(Phase.STORM.value, total=orders)
        campaign = Campaign(shop, orders, seed)
        amazon = shop.amazon

        def report(phase: Phase, done: int) -> None:
            hours = (amazon.clock.now() - amazon.started).total_seconds() / 3600
            bar.update(task, completed=done, description=f"{phase} (Amazon's time +{hours:.1f} h)")

        campaign.run(report)
        bar.update(task, description="checking the books")
        books = read_books(shop.app, shop.amazon.sim, campaign.shoppers)
        checks = run_checks(books, campaign.shoppers, campaign.forged_accepted)
        summary = Summary.of(campaign, books, checks, where, time.monotonic() - started)
        return replace(summary, logs=logs.levels)


def _bar(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("orders done"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
