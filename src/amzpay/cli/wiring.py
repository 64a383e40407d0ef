"""What a command opens before its work: the application its settings describe, or just the
database, checked to be usable. A database that cannot be opened, reached or used, or is not
migrated, stops the command with one line naming it (``CommandFailed``), never a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from amzpay.bootstrap import App, amazon_configured, build
from amzpay.cli.failures import CommandFailed
from amzpay.cli.options import shown
from amzpay.cli.sandbox import wired_like_serve
from amzpay.config import Settings, SettingsError
from amzpay.ports.errors import StorageFailed
from amzpay.store.database import Database
from amzpay.store.instance_rows import SIMULATOR_URL
from amzpay.store.migrate import head_revision

_Opened = TypeVar("_Opened")


def open_app(settings: Settings, *, talks_to_amazon: bool = False) -> App:
    """The application ``settings`` describe, on a database ready for it, wired as ``amzpay
    serve`` is (its sandbox-simulator mode included, ``sandbox.wired_like_serve``).

    Raises:
        CommandFailed: the database cannot be used; or the command ``talks_to_amazon`` and
            no Amazon Pay client is configured.
    """
    database = open_database(settings)
    try:
        ready(database)
        with database.transaction() as tx:
            served_at = tx.instance_setting(SIMULATOR_URL)
        settings = wired_like_serve(settings, served_at)
        if talks_to_amazon and not amazon_configured(settings):
            raise CommandFailed(
                "no Amazon Pay client is configured: set AMZPAY_AMAZON__SELLER_ID, "
                "AMZPAY_AMAZON__ACCESS_KEY_ID and AMZPAY_AMAZON__SECRET_KEY, or run "
                "amzpay serve --simulator on this database"
            )
        return _opening(settings.database_url, lambda: build(settings, database=database))
    except BaseException:
        database.dispose()
        raise


def recorded_simulator(settings: Settings) -> str | None:
    """Where ``amzpay serve --simulator`` recorded its simulator on the settings' database;
    None when it did not, or the database cannot say (nothing is created or migrated)."""
    try:
        problem = sqlite_folder_problem(settings.database_url)
        parsed = make_url(settings.database_url)
        if problem is not None or (
            parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file()
        ):
            return None
        database = Database(settings.database_url, migrate=False)
        try:
            with database.transaction() as tx:
                return tx.instance_setting(SIMULATOR_URL)
        finally:
            database.dispose()
    except (SQLAlchemyError, StorageFailed):
        return None


def record_simulator(running: App, served_at: str | None) -> None:
    """Record on the database that ``amzpay serve`` serves the simulator at ``served_at``
    (None: no simulator), for the other commands; a database that does not answer yet is
    left as it is (``serve`` says so at start)."""
    try:
        with running.database.transaction() as tx:
            tx.set_instance_setting(SIMULATOR_URL, served_at, running.clock())
    except StorageFailed:
        pass


def built_app(settings: Settings) -> App:
    """The application ``settings`` describe; its database opened, not yet asked anything
    (``serve`` starts beside a database that is down, and says so)."""
    return _opening(settings.database_url, lambda: build(settings))


def open_database(settings: Settings, *, migrate: bool | None = None) -> Database:
    """The database ``settings`` name (SQLite migrates itself unless ``migrate`` is False)."""
    return _opening(settings.database_url, lambda: Database(settings.database_url, migrate=migrate))


def ready(database: Database) -> None:
    """Raises ``CommandFailed`` unless ``database`` answers and is at this amzpay's revision."""
    where = f"database {shown(database.url)}"
    try:
        revision = database.revision()
    except SQLAlchemyError as failure:
        raise CommandFailed(f"{where}: cannot connect ({reason(failure)})") from None
    head = head_revision()
    if revision != head:
        at = "not migrated" if revision is None else f"at revision {revision}"
        raise CommandFailed(f"{where}: {at}, this amzpay needs {head} (run: amzpay db upgrade)")


def sqlite_folder_problem(url: str) -> str | None:
    """What keeps SQLite from making its file in its folder, if anything (SQLite creates the
    file, never its folder)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    file = Path(parsed.database or "")
    folder = file.parent
    if not folder.is_dir():
        return f"the folder {folder} does not exist"
    if not file.exists() and not os.access(folder, os.W_OK | os.X_OK):
        return f"the folder {folder} is not writable"
    return None


def reason(failure: Exception) -> str:
    """The error's kind and first line, which names what failed without the URL."""
    if isinstance(failure, StorageFailed) and isinstance(failure.__cause__, Exception):
        failure = failure.__cause__  # the driver's error the store wrapped
    origin = getattr(failure, "orig", None) or failure
    first = str(origin).strip().splitlines()[0] if str(origin).strip() else ""
    return f"{type(origin).__name__}: {first}" if first else type(origin).__name__


def _opening(url: str, opening: Callable[[], _Opened]) -> _Opened:
    where = f"database {shown(url)}"
    try:
        problem = sqlite_folder_problem(url)
        if problem is not None:
            raise CommandFailed(f"{where}: {problem}")
        return opening()
    except SettingsError as error:
        raise CommandFailed(*error.problems) from None
    except (SQLAlchemyError, StorageFailed) as failure:
        raise CommandFailed(f"{where}: cannot be opened ({reason(failure)})") from None
