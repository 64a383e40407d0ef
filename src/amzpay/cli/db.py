"""``amzpay db``: the database's schema."""

from __future__ import annotations

import typer
from rich.console import Console

from amzpay.cli.options import DatabaseOption, resolve_database, shown
from amzpay.store.database import Database

app = typer.Typer(help="The database: migrations.", no_args_is_help=True)


@app.command()
def upgrade(database: DatabaseOption = None) -> None:
    """Apply every migration not yet applied (SQLite files also migrate on first use)."""
    url = resolve_database(database)
    db = Database(url, migrate=False)
    try:
        db.upgrade()
        revision = db.revision()
    finally:
        db.dispose()
    Console().print(f"[green]✓[/green] {shown(url)} is at revision [bold]{revision}[/bold]")
