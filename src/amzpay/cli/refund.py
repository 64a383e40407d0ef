"""``amzpay refund``: a refund's status (asking Amazon at once on request), stuck refunds,
refunds made outside amzpay (listed, acknowledged)."""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING, Annotated

import typer

from amzpay.cli.failures import CommandFailed
from amzpay.cli.options import DatabaseOption, new_console, settings_for

if TYPE_CHECKING:
    from rich.console import Console

    from amzpay.bootstrap import App
    from amzpay.services.external_refunds import ExternalRefundView
    from amzpay.services.refunds import RefundView

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
    """Show one refund; with --check-now ask Amazon first and apply its answer (exit 1 when
    Amazon could not be asked, 2 when no Amazon Pay client is configured)."""
    from amzpay.cli.wiring import open_app

    running = open_app(settings_for(database), talks_to_amazon=check_now)
    try:
        unasked = _check(running, reference) if check_now else None
        view = running.refunds.find(reference)
    finally:
        running.close()
    if view is None:
        raise CommandFailed(f"no refund {reference!r}", exit_code=1)
    _show(new_console(), [view])
    if unasked is not None:
        raise CommandFailed(f"Amazon could not be asked: {unasked}", exit_code=1)


@app.command()
def stuck(database: DatabaseOption = None) -> None:
    """Refunds still unsettled after the configured age (AMZPAY_POLLING__STUCK_AFTER)."""
    from amzpay.cli.wiring import open_app

    console = new_console()
    running = open_app(settings_for(database))
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
    from amzpay.cli.wiring import open_app

    console = new_console()
    running = open_app(settings_for(database))
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
    from amzpay.ports.errors import RecordNotFound
    from amzpay.services.external_refunds import InvalidActor

    try:
        view = running.external_refunds.acknowledge(amazon_refund_id, by)
    except (RecordNotFound, InvalidActor) as error:
        raise CommandFailed(str(error), exit_code=1) from None
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


def _check(running: App, reference: str) -> str | None:
    """Ask Amazon about the refund now; what kept Amazon from answering, if anything."""
    from amzpay.ports.errors import RecordNotFound

    try:
        result = running.poller.check_now(reference)
    except RecordNotFound as error:
        raise CommandFailed(str(error), exit_code=1) from None
    return None if result.error is None else str(result.error)


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
