from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from amzpay.store.database import Database
from amzpay.store.migrate import downgrade, head_revision, upgrade
from amzpay.store.tables import metadata


def test_the_migrations_create_exactly_the_tables_the_code_uses(database):
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)

    assert differences == []


def test_the_sqlite_default_migrates_itself_on_first_use_in_wal_mode(sqlite_url):
    database = Database(sqlite_url)

    with database.engine.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        journal = connection.execute(text("PRAGMA journal_mode")).scalar()
    database.dispose()

    assert (version, journal) == (head_revision(), "wal")


def test_the_migrations_can_be_undone_and_redone(database):
    with database.engine.begin() as connection:
        downgrade(connection, "base")
    with database.engine.begin() as connection:
        upgrade(connection)

    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []
