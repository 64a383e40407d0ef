"""Reads: a read-only unit of work sees the committed data, refuses to write, commits nothing
and never waits for a writer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import event

from amzpay.ports.errors import StorageFailed, StorageUnavailable
from amzpay.store.database import Database
from fakes.orders import make_order

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def stored_order(database: Database) -> str:
    order = make_order()
    with database.transaction() as tx:
        tx.add_order(order, process="amazon-pay-async", at=NOW)
    return order.reference


def test_a_read_sees_what_was_committed(database):
    order = stored_order(database)

    with database.read() as tx:
        head = tx.order_head(order)

    assert (head.reference, head.process, head.closed) == (order, "amazon-pay-async", False)


def test_a_read_refuses_to_write_and_changes_nothing(database):
    order = stored_order(database)

    with pytest.raises(StorageFailed) as refused, database.read() as tx:
        tx.close_order(order, NOW)

    assert not isinstance(refused.value, StorageUnavailable)  # a bug, not an outage

    with database.read() as tx:
        assert not tx.order_head(order).closed


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


def test_a_read_does_not_wait_for_a_writer_holding_the_lock(database):
    order = stored_order(database)

    with database.transaction() as writer:
        writer.lock_order(order)  # on SQLite: BEGIN IMMEDIATE holds the database's write lock
        writer.close_order(order, NOW)
        with database.read() as reader:
            seen = reader.order_head(order)

    assert not seen.closed  # the writer had not committed: the reader saw the last commit
