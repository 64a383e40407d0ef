"""Alembic's environment: migrate the connection ``migrate.py`` hands over."""

from __future__ import annotations

from alembic import context

from amzpay.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through amzpay (amzpay db upgrade), not alembic's CLI")
# render_as_batch: SQLite alters tables by copying them; Alembic's batch mode does that.
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
