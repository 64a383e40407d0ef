"""The migration that gives each order its Amazon API: the orders stored before it are the
legacy API's, and orders stored after say their own."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from amzpay.domain.order import AmazonApi
from amzpay.store.migrate import downgrade, upgrade

_OLD_ORDER = text(
    "INSERT INTO orders (reference, currency, customer_email, locale,"
    " amazon_order_reference_id, process, created_at)"
    " VALUES ('old-1', 'EUR', 'a@example.com', 'en', 'S02-1111111-1111111',"
    " 'amazon-pay-async', :at)"
)


def test_orders_stored_before_the_api_column_are_legacy_orders_after_it(database):
    with database.engine.begin() as connection:
        downgrade(connection, "0009")
        connection.execute(_OLD_ORDER, {"at": datetime(2026, 1, 1, tzinfo=UTC)})
    with database.engine.begin() as connection:
        upgrade(connection)

    with database.read() as tx:
        head = tx.order_head("old-1")
    assert head.api is AmazonApi.LEGACY


def test_undoing_the_api_migration_drops_the_column(database):
    with database.engine.begin() as connection:
        downgrade(connection, "0009")
        columns = connection.execute(text("SELECT * FROM orders WHERE 1 = 0")).keys()

    assert "amazon_api" not in list(columns)
