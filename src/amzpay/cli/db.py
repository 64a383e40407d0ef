"""``amzpay db``: the database's schema."""

from __future__ import annotations

import typer

from amzpay.cli.options import DatabaseOption, settings_for, shown

app = typer.Typer(help="The database: migrations.", no_args_is_help=True)


@app.command()
def upgrade(database: DatabaseOption = None) -> None:
    """Apply every migration not yet applied (SQLite files also migrate on first use)."""
    from rich.console import Console
    from sqlalchemy.exc import SQLAlchemyError

    from amzpay.cli.failures import CommandFailed
    from amzpay.cli.wiring import open_database, reason

    settings = settings_for(database)
    url = settings.database_url
    db = open_database(settings, migrate=False)
    where = f"database {shown(url)}"
    try:
        db.revision()
    except SQLAlchemyError as failure:
        db.dispose()
        raise CommandFailed(f"{where}: cannot connect ({reason(failure)})") from None
    try:
        db.upgrade()
        revision = db.revision()
    except SQLAlchemyError as failure:
        raise CommandFailed(f"{where}: could not be migrated ({reason(failure)})") from None
    finally:
        db.dispose()
    Console().print(f"[green]✓[/green] {shown(url)} is at revision [bold]{revision}[/bold]")
