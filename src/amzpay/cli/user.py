"""``amzpay user``: the back office's staff accounts (add, list, passwd, disable, enable).

Passwords are asked twice without echo, or read from standard input with
``--password-stdin`` (one line, for scripts); they never appear on the command line, where
``ps`` and the shell's history would show them. Changing a password or disabling a user ends
that user's sessions.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from amzpay.bootstrap import utc_now
from amzpay.cli.options import DatabaseOption, resolve_database
from amzpay.services.access import AccessService, InvalidCredentials
from amzpay.store.database import Database
from amzpay.store.errors import DuplicateName

app = typer.Typer(help="Back-office staff: add, list, change passwords, disable.")

Username = Annotated[str, typer.Argument(help="The login name (a-z, 0-9 and . _ - @).")]
PasswordStdin = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from standard input (one line)."),
]


@app.command()
def add(
    username: Username,
    name: Annotated[str | None, typer.Option("--name", help="The name shown to staff.")] = None,
    password_stdin: PasswordStdin = False,
    database: DatabaseOption = None,
) -> None:
    """Add a member of staff who may log in to the back office."""
    password = _password(password_stdin)
    with _access(database) as access:
        _done(lambda: access.add_user(username, password, name), f"user {username} added")


@app.command("list")
def list_users(database: DatabaseOption = None) -> None:
    """The staff accounts, and whether each may log in."""
    with _access(database) as access:
        users = access.users()
    table = Table("username", "name", "may log in", box=None)
    for user in users:
        table.add_row(user.username, user.display_name or "", "yes" if user.active else "no")
    Console().print(table if users else "no users yet: amzpay user add USERNAME")


@app.command()
def passwd(
    username: Username, password_stdin: PasswordStdin = False, database: DatabaseOption = None
) -> None:
    """Set a new password; the user's sessions end."""
    password = _password(password_stdin)
    with _access(database) as access:
        _done(lambda: access.set_password(username, password), f"password of {username} set")


@app.command()
def disable(username: Username, database: DatabaseOption = None) -> None:
    """Stop a user from logging in; their sessions end at once."""
    with _access(database) as access:
        _done(lambda: access.set_active(username, False), f"user {username} disabled")


@app.command()
def enable(username: Username, database: DatabaseOption = None) -> None:
    """Let a disabled user log in again."""
    with _access(database) as access:
        _done(lambda: access.set_active(username, True), f"user {username} enabled")


@contextmanager
def _access(database: str | None) -> Iterator[AccessService]:
    db = Database(resolve_database(database))
    try:
        yield AccessService(db, utc_now)
    finally:
        db.dispose()


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


def _done(act: Callable[[], None], message: str) -> None:
    console = Console()
    try:
        act()
    except InvalidCredentials as invalid:
        console.print(f"[red]{invalid.field}: {invalid.reason}[/red]")
        raise typer.Exit(2) from invalid
    except DuplicateName as taken:
        console.print(f"[red]{taken}[/red]")
        raise typer.Exit(1) from taken
    console.print(f"[green]✓[/green] {message}")
