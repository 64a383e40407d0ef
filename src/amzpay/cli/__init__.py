"""The ``amzpay`` command line.

Each area adds its commands in a module of its own here (``cli/simulator.py``, ``cli/db.py``,
...) as a ``typer.Typer`` sub-app registered in ``_register``, one line each. Nothing is created
at import time: a command builds what it needs when it runs.

``amzpay --help`` must start at once: the area modules import only typer and the standard
library at the top, and everything heavy (SQLAlchemy, FastAPI, httpx, pydantic, the
simulator, ...) inside the command that uses it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import typer

from amzpay import __version__
from amzpay.cli import config, db, process, refund, serve, simulator, soak, token, user, worker
from amzpay.cli.failures import EXIT_CODE, CommandFailed


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
    app.command(name="demo")(_demo)
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
    from rich.console import Console

    Console().print(f"amzpay [bold]{__version__}[/bold]")


def _demo(
    api: str = typer.Option("legacy", "--api", help="The Amazon Pay API: legacy or v2."),
) -> None:
    """Run amzpay end to end against the local Amazon Pay simulator (no configuration)."""
    from amzpay.cli.demo import demo  # the whole application: imported when it runs

    demo(api)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: the process's arguments); return the
    exit code. What stops a command (``CommandFailed``, a database that stops answering)
    is said in plain lines on stderr, with exit code 2."""
    try:
        build_app()(args=None if argv is None else list(argv), prog_name="amzpay")
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except CommandFailed as failure:
        return _fail(failure.lines, failure.exit_code)
    except Exception as error:
        lines = _database_gone(error)
        if lines is None:
            raise
        return _fail(lines)
    return 0


def _database_gone(error: Exception) -> tuple[str, ...] | None:
    """A database that stopped answering while the command ran: its reason, or None for any
    other error (a bug, whose traceback is worth seeing)."""
    if "sqlalchemy" not in sys.modules:
        return None
    from sqlalchemy.exc import InterfaceError, OperationalError

    from amzpay.cli.wiring import reason
    from amzpay.ports.errors import StorageFailed

    cause = error.__cause__ if isinstance(error, StorageFailed) else error
    if isinstance(cause, OperationalError | InterfaceError):
        return (f"the database stopped answering ({reason(cause)})",)
    return None


def _fail(lines: Sequence[str], exit_code: int = EXIT_CODE) -> int:
    from rich.console import Console
    from rich.text import Text

    console = Console(stderr=True, highlight=False)
    for line in lines:
        console.print(Text.assemble(("amzpay: ", "bold red"), line), soft_wrap=True)
    return exit_code
