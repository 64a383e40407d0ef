"""``amzpay user``: the back office's staff accounts (add, list, passwd, disable, enable) and
the failed logins (failures).

Passwords are asked twice without echo, or read from standard input with
``--password-stdin`` (one line, for scripts); they never appear on the command line, where
``ps`` and the shell's history would show them. Changing a password or disabling a user ends
that user's sessions. ``list`` shows each user's failed logins of the last 24 hours and how long
the login throttle still refuses them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from amzpay.cli.failures import CommandFailed
from amzpay.cli.options import DatabaseOption, new_console, settings_for

if TYPE_CHECKING:
    from amzpay.services.access import AccessService

app = typer.Typer(help="Back-office staff: add, list, change passwords, disable; failed logins.")

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
    with _access(database) as access:  # a database that cannot be used is said first
        password = _password(password_stdin)
        _done(lambda: access.add_user(username, password, name), f"user {username} added")


@app.command("list")
def list_users(database: DatabaseOption = None) -> None:
    """The staff accounts, whether each may log in, and their recent failed logins."""
    from rich.table import Table

    from amzpay.services.login_limits import in_words

    with _access(database) as access:
        users = access.users()
        failures = access.recent_failures()
        locked = {user.username: access.locked_for(user.username) for user in users}
    table = Table("username", "name", "may log in", "failed logins (24 h)", "locked for", box=None)
    for user in users:
        wait = locked[user.username]
        table.add_row(
            user.username,
            user.display_name or "",
            "yes" if user.active else "no",
            str(failures.get(user.username, 0)),
            f"[red]{in_words(wait)}[/red]" if wait else "",
        )
    new_console().print(table if users else "no users yet: amzpay user add USERNAME")


@app.command()
def failures(
    username: Annotated[
        str | None, typer.Argument(help="Only the logins as this username.", show_default=False)
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many to show.")] = 50,
    database: DatabaseOption = None,
) -> None:
    """The failed logins to the back office, newest first."""
    from rich.table import Table

    with _access(database) as access:
        rows, total = access.login_failures(limit, username=username)
    table = Table("when (UTC)", "username", "address", "what happened", box=None)
    for row in rows:
        table.add_row(row.at.strftime("%Y-%m-%d %H:%M:%S"), row.username, row.address, row.outcome)
    console = new_console()
    console.print(table if rows else "no failed login")
    if total > len(rows):
        console.print(f"[dim]the newest {len(rows)} of {total}[/dim]")


@app.command()
def passwd(
    username: Username, password_stdin: PasswordStdin = False, database: DatabaseOption = None
) -> None:
    """Set a new password; the user's sessions end."""
    with _access(database) as access:
        password = _password(password_stdin)
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
    from amzpay.bootstrap import utc_now
    from amzpay.cli.wiring import open_database, ready
    from amzpay.services.access import AccessService

    db = open_database(settings_for(database))
    try:
        ready(db)
        yield AccessService(db, utc_now)
    finally:
        db.dispose()


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


def _done(act: Callable[[], None], message: str) -> None:
    from amzpay.ports.errors import DuplicateName
    from amzpay.services.access import InvalidCredentials

    try:
        act()
    except InvalidCredentials as invalid:
        raise CommandFailed(f"{invalid.field}: {invalid.reason}", exit_code=2) from None
    except DuplicateName as taken:
        raise CommandFailed(str(taken), exit_code=1) from None
    console = new_console()
    console.print(f"[green]✓[/green] {message}")
