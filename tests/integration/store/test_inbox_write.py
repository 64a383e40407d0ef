"""The IPN endpoint's one-statement write on the driver's connection: what goes wrong there
reaches the layers above as the ports' errors, as in a unit of work, and leaves the pooled
connection usable."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from amzpay.ports.errors import StorageFailed, StorageUnavailable
from amzpay.store.database import Database

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_an_unreachable_database_is_an_outage():
    database = Database("postgresql+psycopg://amzpay@127.0.0.1:1/amzpay", migrate=False)
    try:
        with pytest.raises(StorageUnavailable):
            database.store_ipn("m-1", "PaymentRefund", "{}", NOW)
    finally:
        database.dispose()


def test_a_statement_the_database_refuses_is_a_failure_and_the_connection_stays_usable(
    sqlite_url,
):
    database = Database(sqlite_url)
    with database.transaction() as tx:
        tx.conn.execute(text("ALTER TABLE ipn_inbox RENAME TO ipn_inbox_away"))
    with pytest.raises(StorageFailed) as refused:
        database.store_ipn("m-1", "PaymentRefund", "{}", NOW)
    with database.transaction() as tx:
        tx.conn.execute(text("ALTER TABLE ipn_inbox_away RENAME TO ipn_inbox"))

    stored = database.store_ipn("m-1", "PaymentRefund", "{}", NOW)

    assert not isinstance(refused.value, StorageUnavailable)
    assert stored
    with database.read() as tx:
        assert [m.message_id for m in tx.unprocessed_ipns(10)] == ["m-1"]
    database.dispose()
