"""Reads on a database: a read-only unit of work commits nothing, and the read-only mode of a
pooled connection ends with its read (what every backend's reads do is in contract/)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import event

from amzpay.store.database import Database
from fakes.orders import make_order

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def stored_order(database: Database) -> str:
    order = make_order()
    with database.transaction() as tx:
        tx.add_order(order, process="amazon-pay-async", at=NOW)
    return order.reference


def test_a_read_commits_nothing(database):
    stored_order(database)
    commits: list[object] = []
    event.listen(database.engine, "commit", commits.append)

    with database.read() as tx:
        tx.has_due_job(NOW)

    assert commits == []


def test_a_write_after_a_read_on_the_same_connection_may_write(database):
    """The read-only mode of a pooled connection does not outlive its read."""
    order = stored_order(database)
    with database.read() as tx:
        tx.order_head(order)

    with database.transaction() as tx:
        tx.close_order(order, NOW)

    with database.read() as tx:
        assert tx.order_head(order).closed
