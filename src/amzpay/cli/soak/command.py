"""``amzpay soak``: a fault campaign anyone can run (docs/operations.md, "Fault campaign").

The command imports only typer: the campaign (``running.py``) is imported when it runs, so
``amzpay --help`` stays fast."""

from __future__ import annotations

from typing import Annotated

import typer


def soak(
    orders: Annotated[int, typer.Option(min=1, help="How many orders to run.")] = 300,
    seed: Annotated[
        int, typer.Option(help="Seeds every random choice: a seed replays its campaign.")
    ] = 1,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help="An empty database to run on, e.g. PostgreSQL (default: a temporary SQLite file).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Run orders through checkout, capture, close and refunds against the local simulator
    while it injects faults and the worker dies; then check that no refund was made twice,
    lost or left stuck, and that the books equal Amazon's. Exits 1 when a check fails."""
    from amzpay.cli.soak.running import run_soak  # the whole application: imported when it runs

    raise typer.Exit(run_soak(orders, seed, database_url))
