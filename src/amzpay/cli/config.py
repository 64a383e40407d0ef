"""``amzpay config``: the settings (``AMZPAY_*`` and ``$AMZPAY_SETTINGS_FILE``), checked.

``amzpay config check`` says what is missing or wrong, one line per finding, and exits 1 when
something must be fixed (errors), 0 when amzpay can run (warnings are said, not fatal). It
never prints a secret.
"""

from __future__ import annotations

import os

import typer
from pydantic import ValidationError
from rich.console import Console

from amzpay.cli.checks import Finding, Level, check_all
from amzpay.config import FILE_VARIABLE, Settings

app = typer.Typer(help="The settings: check them.", no_args_is_help=True)

_MARKS = {
    Level.OK: "[green]✓[/green]",
    Level.WARNING: "[yellow]![/yellow]",
    Level.ERROR: "[red]✗[/red]",
}


@app.callback()
def _group() -> None:
    """The settings (AMZPAY_* variables and the optional file in $AMZPAY_SETTINGS_FILE)."""


@app.command()
def check() -> None:
    """Say what is missing or wrong in the settings; exit 1 when something must be fixed."""
    console = Console(highlight=False)
    source = os.environ.get(FILE_VARIABLE)
    console.print(f"settings from the environment{f' and {source}' if source else ''}")
    try:
        settings = Settings.load(os.environ)
    except (FileNotFoundError, ValidationError) as failure:
        for problem in problems(failure):
            console.print(f"{_MARKS[Level.ERROR]} settings: {problem}", soft_wrap=True)
        raise typer.Exit(1) from None
    findings = check_all(settings)
    for finding in findings:
        _show(console, finding)
    errors = sum(1 for f in findings if f.level is Level.ERROR)
    warnings = sum(1 for f in findings if f.level is Level.WARNING)
    if errors:
        console.print(f"[red]{errors} error(s)[/red], {warnings} warning(s): fix the errors")
        raise typer.Exit(1)
    console.print(f"[green]ready[/green], {warnings} warning(s)")


def problems(failure: FileNotFoundError | ValidationError) -> list[str]:
    """What is wrong with the settings, one line per field: the variable and the problem,
    never the value given (it may be a secret)."""
    if isinstance(failure, FileNotFoundError):
        return [str(failure)]
    return [
        "AMZPAY_" + "__".join(str(part) for part in problem["loc"]).upper() + ": " + problem["msg"]
        for problem in failure.errors()
    ]


def _show(console: Console, finding: Finding) -> None:
    console.print(f"{_MARKS[finding.level]} {finding.area}: {finding.message}", soft_wrap=True)
