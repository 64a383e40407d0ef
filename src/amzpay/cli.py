"""The ``amzpay`` command line.

Commands arrive with the issues that build them (``demo``, ``serve``, ``worker``, ``simulator``,
``db``, ``process``, ``refund``, ``user``); for now it reports its version. Nothing is created
at import time: ``main`` builds what a command needs when it runs.
"""

from __future__ import annotations

from collections.abc import Sequence

import typer
from rich.console import Console

from amzpay import __version__

app = typer.Typer(
    name="amzpay",
    help="The Amazon Pay payment module of a shop's order back end, built around refunds.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _root() -> None:
    """The Amazon Pay payment module of a shop's order back end, built around refunds."""


@app.command()
def version() -> None:
    """Print amzpay's version."""
    Console().print(f"amzpay [bold]{__version__}[/bold]")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: the process's arguments); return the
    exit code."""
    try:
        app(args=None if argv is None else list(argv), prog_name="amzpay")
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    return 0
