"""A write unit of work is all-or-nothing; a read sees what was committed and refuses to
write; writers that lock an order never lose each other's updates."""

from __future__ import annotations

import threading

import pytest

from amzpay.ports.errors import OrderNotFound
from amzpay.ports.queries import OrderFilter
from amzpay.store.database import Database
from fakes.orders import make_order
from integration.store.contract.kit import NOW, READ_ONLY_REFUSAL, stored


class Boom(Exception):
    pass


def raise_after(unit_of_work, work):
    """Do ``work`` inside ``unit_of_work``, then raise inside it."""
    with unit_of_work as tx:
        work(tx)
        raise Boom


def test_what_a_transaction_wrote_is_there_after_its_block(storage):
    order = stored(storage)

    with storage.read() as tx:
        head = tx.order_head(order.reference)

    assert (head.reference, head.process, head.closed) == (
        order.reference,
        "amazon-pay-async",
        False,
    )


def test_a_transaction_that_raises_leaves_everything_as_before(storage):
    kept = stored(storage)
    lost = make_order()

    def writes(tx):
        tx.add_order(lost, process="amazon-pay-async", at=NOW)
        tx.close_order(kept.reference, NOW)
        tx.receive_ipn("m-1", "PaymentRefund", "{}", NOW)
        tx.set_instance_setting("simulator_url", "http://127.0.0.1:1", NOW)

    with pytest.raises(Boom):
        raise_after(storage.transaction(), writes)

    with storage.read() as tx:
        with pytest.raises(OrderNotFound):
            tx.order(lost.reference)
        assert not tx.order_head(kept.reference).closed
        assert tx.unprocessed_ipns(10) == []
        assert tx.instance_setting("simulator_url") is None


@pytest.mark.parametrize(
    "write",
    [
        lambda tx, order: tx.close_order(order, NOW),
        lambda tx, order: tx.add_order(make_order(), process="p", at=NOW),
        lambda tx, order: tx.add_job(order, "capture", "capture", ["L1-1"], NOW),
        lambda tx, order: tx.receive_ipn("m-1", "PaymentRefund", "{}", NOW),
        lambda tx, order: tx.queue_mail(order, "refund", "buyer", "{}", NOW),
        lambda tx, order: tx.set_instance_setting("name", "value", NOW),
    ],
    ids=["close_order", "add_order", "add_job", "receive_ipn", "queue_mail", "setting"],
)
def test_a_read_refuses_to_write_and_changes_nothing(storage, write):
    order = stored(storage).reference

    with pytest.raises(READ_ONLY_REFUSAL), storage.read() as tx:
        write(tx, order)

    with storage.read() as tx:
        assert not tx.order_head(order).closed
        assert tx.jobs(order) == []
        assert tx.unprocessed_ipns(10) == []
        assert tx.outbox() == []
        assert tx.instance_setting("name") is None
        assert tx.order_page(OrderFilter(), 10, 0)[1] == 1


@pytest.mark.parametrize(
    "lock",
    [
        lambda tx, order: tx.lock_order(order),
        lambda tx, order: tx.try_lock_order(order),
        lambda tx, order: tx.claim_ipn("m-1"),
        lambda tx, order: tx.claim_job(NOW, NOW, "worker"),
        lambda tx, order: tx.claim_mail(NOW, NOW),
    ],
    ids=["lock_order", "try_lock_order", "claim_ipn", "claim_job", "claim_mail"],
)
def test_a_read_refuses_to_take_a_lock(storage, lock):
    if isinstance(storage, Database) and storage.is_sqlite:
        pytest.skip("SQLite has no row locks: FOR UPDATE is left out, and a read may ask it")
    order = stored(storage).reference

    with pytest.raises(READ_ONLY_REFUSAL), storage.read() as tx:
        lock(tx, order)


def test_a_read_sees_the_last_commit_not_an_open_writers_changes(storage):
    order = stored(storage).reference

    with storage.transaction() as writer:
        writer.lock_order(order)
        writer.close_order(order, NOW)
        with storage.read() as reader:
            seen = reader.order_head(order)

    assert not seen.closed
    with storage.read() as reader:
        assert reader.order_head(order).closed


def test_a_read_keeps_seeing_one_snapshot_while_a_writer_commits(storage):
    order = stored(storage).reference

    def close():
        with storage.transaction() as writer:
            writer.close_order(order, NOW)
            writer.receive_ipn("m-1", "PaymentRefund", "{}", NOW)

    with storage.read() as reader:
        before = reader.order_head(order)
        closer = threading.Thread(target=close)
        closer.start()
        closer.join()
        after = reader.order_head(order), reader.unprocessed_ipns(10)

    assert not before.closed
    assert (after[0].closed, after[1]) == (False, [])
    with storage.read() as reader:
        assert reader.order_head(order).closed


def test_a_savepoint_that_raises_undoes_only_what_was_done_inside_it(storage):
    order = stored(storage).reference

    def undone(tx):
        tx.receive_ipn("m-2", "PaymentRefund", "{}", NOW)
        tx.close_order(order, NOW)

    with storage.transaction() as tx:
        tx.receive_ipn("m-1", "PaymentRefund", "{}", NOW)
        with pytest.raises(Boom):
            raise_after(tx.savepoint(), lambda _: undone(tx))
        with tx.savepoint():
            tx.receive_ipn("m-3", "PaymentRefund", "{}", NOW)

    with storage.read() as tx:
        assert [m.message_id for m in tx.unprocessed_ipns(10)] == ["m-1", "m-3"]
        assert not tx.order_head(order).closed


def test_writers_that_lock_the_order_never_lose_an_update(storage):
    order = stored(storage).reference
    with storage.transaction() as tx:
        tx.set_instance_setting("count", "0", NOW)
    rounds = 15

    def add_ones():
        for _ in range(rounds):
            with storage.transaction() as tx:
                tx.lock_order(order)
                count = int(tx.instance_setting("count") or "0")
                tx.set_instance_setting("count", str(count + 1), NOW)

    threads = [threading.Thread(target=add_ones) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    with storage.read() as tx:
        assert tx.instance_setting("count") == str(3 * rounds)
