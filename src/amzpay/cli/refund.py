"""``amzpay refund``: a refund's status (asking Amazon at once on request), stuck refunds,
refunds made outside amzpay (listed, acknowledged)."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer
from rich.console import Console

from amzpay.bootstrap import App, build
from amzpay.cli.options import DatabaseOption, settings_for
from amzpay.services.external_refunds import ExternalRefundView, InvalidActor
from amzpay.services.refunds import RefundView
from amzpay.store.errors import RecordNotFound

app = typer.Typer(
    help="Refunds: their status, the poll, stuck ones, those made outside amzpay.",
    no_args_is_help=True,
)


@app.command()
def status(
    reference: Annotated[str, typer.Argument(help="Our RefundReferenceId or Amazon's id.")],
    check_now: Annotated[
        bool, typer.Option("--check-now", help="Ask Amazon now (GetRefundDetails).")
    ] = False,
    database: DatabaseOption = None,
) -> None:
    """Show one refund; with --check-now ask Amazon first and apply its answer."""
    console = Console()
    running = build(settings_for(database))
    try:
        if check_now:
            _check(running, reference, console)
        view = running.refunds.find(reference)
    finally:
        running.close()
    if view is None:
        console.print(f"[red]no refund {reference!r}[/red]")
        raise typer.Exit(1)
    _show(console, [view])


@app.command()
def stuck(database: DatabaseOption = None) -> None:
    """Refunds still unsettled after the configured age (AMZPAY_POLLING__STUCK_AFTER)."""
    console = Console()
    running = build(settings_for(database))
    try:
        found = running.poller.stuck_refunds()
        views = [running.refunds.find(record.reference_id) for record in found]
    finally:
        running.close()
    if not views:
        console.print("[green]✓[/green] no stuck refunds")
        return
    _show(console, [view for view in views if view is not None])
    raise typer.Exit(3)  # something for staff to look at: scripts and cron can tell


@app.command()
def external(
    ack: Annotated[
        str | None,
        typer.Option("--ack", help="Acknowledge the refund with this Amazon refund id."),
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Who acknowledges (default: your user name).")
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Refunds made outside amzpay (Seller Central), unacknowledged first; exit 3 while any
    is unacknowledged. With --ack, record that you have checked one."""
    console = Console()
    running = build(settings_for(database))
    try:
        if ack is not None:
            _acknowledge(running, ack, by or getpass.getuser(), console)
            return
        views = running.external_refunds.list_all()
    finally:
        running.close()
    if not views:
        console.print("[green]✓[/green] no refunds made outside amzpay")
        return
    for view in views:
        _show_external(console, view)
    if not views[0].acknowledged:
        raise typer.Exit(3)  # something for staff to look at: scripts and cron can tell


def _acknowledge(running: App, amazon_refund_id: str, by: str, console: Console) -> None:
    try:
        view = running.external_refunds.acknowledge(amazon_refund_id, by)
    except (RecordNotFound, InvalidActor) as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from error
    _show_external(console, view)


def _show_external(console: Console, view: ExternalRefundView) -> None:
    seen = "-" if view.first_seen_at is None else f"{view.first_seen_at:%Y-%m-%d %H:%M}"
    acknowledged = (
        f"acknowledged by {view.acknowledged_by} at {view.acknowledged_at:%Y-%m-%d %H:%M}"
        if view.acknowledged_at is not None
        else "[bold yellow]not acknowledged[/bold yellow]"
    )
    console.print(
        f"[bold]{view.amazon_refund_id}[/bold]  order {view.order or '-'}  "
        f"{view.amount or '-'}  {view.state}  seen {seen}  {acknowledged}",
        soft_wrap=True,
    )


def _check(running: App, reference: str, console: Console) -> None:
    try:
        result = running.poller.check_now(reference)
    except RecordNotFound as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from error
    if result.error is not None:
        console.print(f"[yellow]Amazon could not be asked:[/yellow] {result.error}")


def _show(console: Console, views: list[RefundView]) -> None:
    """One line per refund, never wrapped: ids are copied from here."""
    for view in views:
        reason = view.reason_code or view.error_code
        console.print(
            f"[bold]{view.reference_id}[/bold]  Amazon {view.amazon_id or '-'}  "
            f"[bold]{view.state}[/bold]  {view.amount}"
            + (f"  reason {reason}" if reason else "")
            + f"  booked: {'yes' if view.booked else 'no'}",
            soft_wrap=True,
        )
