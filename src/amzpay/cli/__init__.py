"""The ``amzpay`` command line.

Each area adds its commands in a module of its own here (``cli/simulator.py``, ``cli/db.py``,
...) as a ``typer.Typer`` sub-app registered in ``_register``, one line each. Nothing is created
at import time: a command builds what it needs when it runs.
"""

from __future__ import annotations

from collections.abc import Sequence

import typer
from rich.console import Console

from amzpay import __version__
from amzpay.cli import (
    config,
    db,
    demo,
    process,
    refund,
    serve,
    simulator,
    soak,
    token,
    user,
    worker,
)


def build_app() -> typer.Typer:
    """The command line app with every area's commands."""
    app = typer.Typer(
        name="amzpay",
        help="The Amazon Pay payment module of a shop's order back end, built around refunds.",
        no_args_is_help=True,
        add_completion=False,
    )
    app.callback()(_root)  # keeps ``amzpay`` a group even while it has one command
    app.command()(version)
    _register(app)
    return app


def _register(app: typer.Typer) -> None:
    """Add the areas' sub-apps (``app.add_typer(area.app, name="area")``)."""
    app.command(name="simulator")(simulator.serve)
    app.command(name="demo")(demo.demo)
    app.add_typer(db.app, name="db")
    app.add_typer(process.app, name="process")
    app.add_typer(worker.app, name="worker")
    app.add_typer(refund.app, name="refund")
    app.add_typer(user.app, name="user")
    app.command(name="serve")(serve.serve)
    app.add_typer(config.app, name="config")
    app.add_typer(token.app, name="token")
    app.command(name="soak")(soak.soak)


def _root() -> None:
    """The Amazon Pay payment module of a shop's order back end, built around refunds."""


def version() -> None:
    """Print amzpay's version."""
    Console().print(f"amzpay [bold]{__version__}[/bold]")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: the process's arguments); return the
    exit code."""
    try:
        build_app()(args=None if argv is None else list(argv), prog_name="amzpay")
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    return 0
