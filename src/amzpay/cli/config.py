"""``amzpay config``: the settings (``AMZPAY_*`` and ``$AMZPAY_SETTINGS_FILE``), checked.

``amzpay config check`` says what is missing or wrong, one line per finding, and exits 1 when
something must be fixed (errors), 0 when amzpay can run (warnings are said, not fatal).
Settings that cannot be read at all (a value that does not fit, an unknown key, a settings
file that is missing or not TOML) stop it as they stop every command: one line each on
stderr, exit code 2. It never prints a secret.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import typer

from amzpay.cli.options import settings_for

if TYPE_CHECKING:
    from rich.console import Console

    from amzpay.cli.checks import Finding

app = typer.Typer(help="The settings: check them.", no_args_is_help=True)

_MARKS = {  # by the findings' levels (``checks.Level``)
    "ok": "[green]✓[/green]",
    "warning": "[yellow]![/yellow]",
    "error": "[red]✗[/red]",
}


@app.callback()
def _group() -> None:
    """The settings (AMZPAY_* variables and the optional file in $AMZPAY_SETTINGS_FILE)."""


@app.command()
def check() -> None:
    """Say what is missing or wrong in the settings; exit 1 when something must be fixed."""
    from rich.console import Console

    from amzpay.cli.checks import Level, check_all
    from amzpay.cli.sandbox import wired_like_serve
    from amzpay.cli.wiring import recorded_simulator
    from amzpay.config import FILE_VARIABLE

    settings = settings_for(None)  # settings it cannot read stop it here, as every command
    console = Console(highlight=False)
    source = os.environ.get(FILE_VARIABLE)
    console.print(f"settings from the environment{f' and {source}' if source else ''}")
    findings = check_all(wired_like_serve(settings, recorded_simulator(settings)))
    for finding in findings:
        _show(console, finding)
    errors = sum(1 for f in findings if f.level is Level.ERROR)
    warnings = sum(1 for f in findings if f.level is Level.WARNING)
    if errors:
        console.print(f"[red]{errors} error(s)[/red], {warnings} warning(s): fix the errors")
        raise typer.Exit(1)
    console.print(f"[green]ready[/green], {warnings} warning(s)")


def _show(console: Console, finding: Finding) -> None:
    console.print(f"{_MARKS[finding.level]} {finding.area}: {finding.message}", soft_wrap=True)
