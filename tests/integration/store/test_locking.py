"""The order-level lock: what two transactions see of each other."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from amzpay.store.database import Database
from fakes.orders import make_order

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def postgres(postgres_url):
    database = Database(postgres_url)
    yield database
    database.dispose()


def store(database, count=1):
    references = []
    for _ in range(count):
        order = make_order()
        with database.transaction() as tx:
            tx.add_order(order, process="amazon-pay-async", at=NOW)
            tx.add_job(order.reference, "capture", "capture", ["L1-1"], NOW)
        references.append(order.reference)
    return references


def test_a_locked_order_is_skipped_by_others_on_postgresql(postgres):
    [order] = store(postgres)

    with postgres.transaction() as holder:
        holder.lock_order(order)
        with postgres.transaction() as other:
            skipped = other.try_lock_order(order)

    assert skipped is None


def test_a_second_locker_waits_until_the_first_commits_on_postgresql(postgres):
    [order] = store(postgres)
    order_of_events = []
    locked = threading.Event()

    def hold():
        with postgres.transaction() as tx:
            tx.lock_order(order)
            locked.set()
            time.sleep(0.3)  # not a timed assertion: just long enough to be waited for
            order_of_events.append("first commits")

    holder = threading.Thread(target=hold)
    holder.start()
    locked.wait()
    with postgres.transaction() as tx:
        tx.lock_order(order)
        order_of_events.append("second holds the lock")
    holder.join()

    assert order_of_events == ["first commits", "second holds the lock"]


def test_a_job_is_claimed_by_one_worker_only(database):
    [order] = store(database)

    with database.transaction() as tx:
        first = tx.claim_job(NOW, NOW + timedelta(minutes=5), "w1")
    with database.transaction() as tx:
        second = tx.claim_job(NOW, NOW + timedelta(minutes=5), "w2")

    assert first is not None
    assert (first.order, first.attempts, second) == (order, 1, None)


def test_a_job_whose_lease_expired_is_claimed_again(database):
    store(database)
    with database.transaction() as tx:
        tx.claim_job(NOW, NOW + timedelta(minutes=5), "w1")

    later = NOW + timedelta(minutes=6)
    with database.transaction() as tx:
        again = tx.claim_job(later, later + timedelta(minutes=5), "w2")

    assert again is not None
    assert again.attempts == 2


def test_while_a_job_of_an_order_runs_no_other_job_of_it_is_claimed(database):
    [order] = store(database)
    with database.transaction() as tx:
        tx.add_job(order, "refund", "refund", ["L1-2"], NOW)
        tx.claim_job(NOW, NOW + timedelta(minutes=5), "w1")

    with database.transaction() as tx:
        second = tx.claim_job(NOW, NOW + timedelta(minutes=5), "w2")

    assert second is None


def test_a_job_held_by_a_postgresql_transaction_is_skipped_not_waited_for(postgres):
    orders = store(postgres, count=2)

    with postgres.transaction() as first:
        mine = first.claim_job(NOW, NOW + timedelta(minutes=5), "w1")
        with postgres.transaction() as second:
            theirs = second.claim_job(NOW, NOW + timedelta(minutes=5), "w2")

    assert mine is not None
    assert theirs is not None
    assert {mine.order, theirs.order} == set(orders)


def test_two_deliveries_of_one_notification_at_once_enter_the_inbox_once(postgres):
    results = []
    first_inserted = threading.Event()

    def deliver_second():
        first_inserted.wait()
        with postgres.transaction() as tx:
            results.append(("second", tx.receive_ipn("m-7", "PaymentRefund", "{}", NOW)))

    second = threading.Thread(target=deliver_second)
    second.start()
    with postgres.transaction() as tx:
        results.append(("first", tx.receive_ipn("m-7", "PaymentRefund", "{}", NOW)))
        first_inserted.set()
        time.sleep(0.2)  # not timed: gives the second delivery the time to wait on this one
    second.join()

    assert sorted(results) == [("first", True), ("second", False)]
