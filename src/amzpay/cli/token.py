"""``amzpay token``: API tokens for the REST API's machine clients (``Authorization: Bearer``).

The secret is printed once, when it is made; the database keeps only its SHA-256.
"""

from __future__ import annotations

from typing import Annotated

import typer

from amzpay.cli.failures import CommandFailed
from amzpay.cli.options import DatabaseOption, new_console, settings_for

app = typer.Typer(help="API tokens for the REST API's clients.", no_args_is_help=True)

NameArgument = Annotated[
    str, typer.Argument(help="The client's name (a-z, 0-9 and . _ - @), e.g. erp.")
]


@app.command()
def add(name: NameArgument, database: DatabaseOption = None) -> None:
    """Make a token for the client NAME and print its secret (shown this once only)."""
    from amzpay.cli.wiring import open_app
    from amzpay.ports.errors import DuplicateName
    from amzpay.services.access import InvalidCredentials

    console = new_console()
    running = open_app(settings_for(database))
    try:
        secret = running.access.add_api_token(name)
    except (InvalidCredentials, DuplicateName) as error:
        raise CommandFailed(str(error), exit_code=1) from None
    finally:
        running.close()
    console.print(f"API token for [bold]{name}[/bold] (shown once, keep it safe):")
    console.print(secret, soft_wrap=True, highlight=False)


@app.command(name="list")
def list_tokens(database: DatabaseOption = None) -> None:
    """Every token's client name, when it was made and last used, and whether it is revoked."""
    from amzpay.cli.wiring import open_app

    console = new_console()
    running = open_app(settings_for(database))
    try:
        tokens = running.access.api_tokens()
    finally:
        running.close()
    if not tokens:
        console.print("no API tokens")
        return
    for token in tokens:
        used = token.last_used_at.isoformat(timespec="seconds") if token.last_used_at else "never"
        status = "[red]revoked[/red]" if token.revoked else "[green]live[/green]"
        console.print(
            f"[bold]{token.name}[/bold]  {status}  "
            f"made {token.created_at.isoformat(timespec='seconds')}  last used {used}",
            soft_wrap=True,
        )


@app.command()
def revoke(name: NameArgument, database: DatabaseOption = None) -> None:
    """Revoke the client NAME's token: the API refuses it from now on."""
    from amzpay.cli.wiring import open_app

    console = new_console()
    running = open_app(settings_for(database))
    try:
        revoked = running.access.revoke_api_token(name)
    finally:
        running.close()
    if not revoked:
        raise CommandFailed(f"no live API token named {name!r}", exit_code=1)
    console.print(f"revoked the API token of [bold]{name}[/bold]")
