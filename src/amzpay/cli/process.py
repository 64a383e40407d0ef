"""``amzpay process``: the order state machine's process files."""

from __future__ import annotations

import enum
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from amzpay.cli.failures import CommandFailed
from amzpay.cli.options import DatabaseOption, new_console, settings_for

app = typer.Typer(help="The order state machine's processes.", no_args_is_help=True)


class Format(enum.StrEnum):
    SVG = "svg"
    DOT = "dot"


@app.command("list")
def list_processes() -> None:
    """The processes, each with the API whose orders it runs and its states and transitions
    counted (loading checks them)."""
    from amzpay.processes.catalog import api_of, load_processes

    console = new_console()
    for name, process in load_processes().items():
        console.print(
            f"[bold]{name}[/bold] ({api_of(name)} orders): {len(process.states)} states, "
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
    from rich.console import Console

    from amzpay.oms.diagram import render_svg, to_dot
    from amzpay.oms.errors import OmsError
    from amzpay.processes.catalog import load_processes

    processes = load_processes()
    if name not in processes:
        known = ", ".join(sorted(processes))
        raise CommandFailed(f"no process {name!r}; known: {known}", exit_code=2)
    counts = _item_states(order, database) if order else {}
    dot = to_dot(processes[name], counts)
    try:
        data = render_svg(dot) if output_format is Format.SVG else dot.encode()
    except OmsError as error:
        raise CommandFailed(str(error), exit_code=1) from None
    if output is None:
        typer.echo(data.decode(), nl=False)
    else:
        output.write_bytes(data)
        Console(stderr=True).print(f"[green]✓[/green] {output}")  # stdout may hold the SVG


def _item_states(order: str, url: str | None) -> dict[str, int]:
    from amzpay.cli.wiring import open_database, ready
    from amzpay.ports.errors import OrderNotFound

    db = open_database(settings_for(url))
    try:
        ready(db)
        with db.transaction() as tx:
            states = tx.item_states(order)
    except OrderNotFound as error:
        raise CommandFailed(str(error), exit_code=1) from None
    finally:
        db.dispose()
    return dict(Counter(state for state in states.values() if state is not None))
