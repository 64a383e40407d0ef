"""Options the areas' commands share, and the settings a command runs with.

``amzpay --help`` imports this: pydantic and SQLAlchemy are imported by the functions that
need them, when a command runs.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer

from amzpay.cli.failures import CommandFailed

if TYPE_CHECKING:
    from rich.console import Console

    from amzpay.config import Settings

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        help="Database URL (default: $AMZPAY_DATABASE_URL, else sqlite:///amzpay.db).",
        show_default=False,
    ),
]


def new_console() -> Console:
    """A console for a command's output (rich is imported when a command prints)."""
    from rich.console import Console

    return Console()


def shown(url: str) -> str:
    """The URL without its password, fit to print."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return url.split("://", 1)[0] + "://..."  # never the rest: it may hold a password


def settings_for(database: str | None) -> Settings:
    """The settings of this process (``AMZPAY_*`` and the settings file), with the database
    the command line names, if any.

    Raises:
        CommandFailed: naming each setting that does not fit.
    """
    from amzpay.config import SettingsError, database_url_of, load_settings

    try:
        settings = load_settings(os.environ)
    except SettingsError as error:
        raise CommandFailed(*error.problems) from None
    if database is None:
        return settings
    try:
        url = database_url_of(database)
    except ValueError as error:
        raise CommandFailed(f"--database: {error}") from None
    return settings.model_copy(update={"database_url": url})
