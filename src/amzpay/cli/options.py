"""Options the areas' commands share."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from sqlalchemy.engine import make_url

from amzpay.config import Settings
from amzpay.store.database import URL_VARIABLE, database_url

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        help=f"Database URL (default: ${URL_VARIABLE}, else sqlite:///amzpay.db).",
        show_default=False,
    ),
]


def resolve_database(url: str | None) -> str:
    return url or database_url(os.environ)


def shown(url: str) -> str:
    """The URL without its password, fit to print."""
    return make_url(url).render_as_string(hide_password=True)


def settings_for(database: str | None) -> Settings:
    """The settings of this process (``AMZPAY_*`` and the settings file), with the database
    the command line names, if any."""
    settings = Settings.load(os.environ)
    if database is None:
        return settings
    return settings.model_copy(update={"database_url": database})
