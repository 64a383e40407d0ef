"""``amzpay process``: the order state machine's process files."""

from __future__ import annotations

import enum
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from amzpay.cli.options import DatabaseOption, resolve_database
from amzpay.oms.diagram import render_svg, to_dot
from amzpay.oms.errors import OmsError
from amzpay.processes.catalog import load_processes
from amzpay.store.database import Database
from amzpay.store.errors import OrderNotFound

app = typer.Typer(help="The order state machine's processes.", no_args_is_help=True)


class Format(enum.StrEnum):
    SVG = "svg"
    DOT = "dot"


@app.command("list")
def list_processes() -> None:
    """The processes, with their states and transitions counted (loading checks them)."""
    console = Console()
    for name, process in load_processes().items():
        console.print(
            f"[bold]{name}[/bold]: {len(process.states)} states, "
            f"{len(process.transitions)} transitions, from {', '.join(process.files)}"
        )


@app.command()
def diagram(
    name: Annotated[str, typer.Argument(help="The process, e.g. amazon-pay-async.")],
    order: Annotated[
        str | None, typer.Option("--order", help="Highlight this order's item states.")
    ] = None,
    output_format: Annotated[Format, typer.Option("--format", help="svg or dot.")] = Format.SVG,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here (default: stdout).")
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Draw a process with Graphviz, the states of an order's items highlighted."""
    console = Console(stderr=True)
    processes = load_processes()
    if name not in processes:
        console.print(f"[red]no process {name!r}[/red]; known: {', '.join(sorted(processes))}")
        raise typer.Exit(2)
    counts = _item_states(order, database, console) if order else {}
    dot = to_dot(processes[name], counts)
    try:
        data = render_svg(dot) if output_format is Format.SVG else dot.encode()
    except OmsError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from error
    if output is None:
        typer.echo(data.decode(), nl=False)
    else:
        output.write_bytes(data)
        console.print(f"[green]✓[/green] {output}")


def _item_states(order: str, url: str | None, console: Console) -> dict[str, int]:
    db = Database(resolve_database(url))
    try:
        with db.transaction() as tx:
            states = tx.item_states(order)
    except OrderNotFound as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from error
    finally:
        db.dispose()
    return dict(Counter(state for state in states.values() if state is not None))
