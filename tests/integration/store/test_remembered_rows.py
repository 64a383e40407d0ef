"""What a unit of work remembers of the orders it touches: an order's row id, and, once it
holds the order's lock, the order's head, its items' states and its payment records (a
refund's lines always: they never change). It asks the database once, follows its own
writes, and forgets what a savepoint undid."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import event

from amzpay.domain.money import Money
from amzpay.domain.payment import PaymentKind, RefundState
from amzpay.ports.payments import NewPayment
from amzpay.store.database import Database
from fakes.orders import make_order
from integration.store.contract.kit import paid

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PROCESS = "amazon-pay-async"


def stored_order(database: Database) -> tuple[str, list[str]]:
    order = make_order()
    with database.transaction() as tx:
        tx.add_order(order, process=PROCESS, at=NOW)
        items = list(tx.item_states(order.reference))
        tx.move_items(order.reference, items, (None, "new", None), "test", NOW)
    return order.reference, items


@contextmanager
def statements(database: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(database.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", note)


def selects_from(seen: list[str], table: str) -> list[str]:
    return [s for s in seen if s.startswith("SELECT") and f"FROM {table} " in f"{s} "]


def undone(tx: object, work: Callable[[], object]) -> None:
    """Do ``work`` in a savepoint of ``tx`` and undo it."""
    with tx.savepoint():  # type: ignore[attr-defined]
        work()
        raise RuntimeError("undo")


def test_a_unit_of_work_locks_an_order_and_reads_its_items_states_once(database):
    order, _ = stored_order(database)

    with statements(database) as seen, database.transaction() as tx:
        first = tx.lock_order(order)
        again = tx.lock_order(order)
        tx.order_id(order)
        states = tx.item_states(order)
        states_again = tx.item_states(order)

    assert first == again
    assert states == states_again
    assert len(selects_from(seen, "orders")) == 1  # the lock also learnt the row id
    assert len(selects_from(seen, "order_items")) == 1


def test_the_remembered_states_follow_the_moves_of_the_unit_of_work(database):
    order, items = stored_order(database)

    with database.transaction() as tx:
        tx.lock_order(order)
        tx.item_states(order)
        tx.move_items(order, items[:1], ("new", "captured", "capture"), "test", NOW)
        inside = tx.item_states(order)
        inside["not an item"] = "changed by the caller"  # the caller's copy, not the store's
        kept = tx.item_states(order)

    with database.read() as tx:
        stored = tx.item_states(order)

    assert inside[items[0]] == "captured"
    assert "not an item" not in kept
    assert kept == stored
    assert stored[items[0]] == "captured"
    assert {stored[item] for item in items[1:]} == {"new"}


def test_a_closed_order_is_seen_closed_by_the_unit_of_work_that_closed_it(database):
    order, _ = stored_order(database)

    with database.transaction() as tx:
        assert not tx.lock_order(order).closed
        tx.close_order(order, NOW)
        assert tx.lock_order(order).closed
        assert tx.order_head(order).closed


def test_what_a_savepoint_undid_is_read_again(database):
    order, items = stored_order(database)

    with database.transaction() as tx:
        tx.lock_order(order)
        tx.item_states(order)

        def capture_and_close() -> None:
            tx.move_items(order, items, ("new", "captured", "capture"), "test", NOW)
            tx.close_order(order, NOW)

        with pytest.raises(RuntimeError):
            undone(tx, capture_and_close)
        states = tx.item_states(order)
        head = tx.lock_order(order)

    assert set(states.values()) == {"new"}
    assert not head.closed


def test_an_order_added_in_an_undone_savepoint_is_looked_up_again(database):
    order = make_order()

    with database.transaction() as tx:

        def add_and_look_up() -> None:
            tx.add_order(order, process=PROCESS, at=NOW)
            tx.order_id(order.reference)

        with pytest.raises(RuntimeError):
            undone(tx, add_and_look_up)
        tx.add_order(order, process=PROCESS, at=NOW)
        tx.add_job(order.reference, "capture", "capture", ["L1-1"], NOW)

    with database.read() as tx:
        assert tx.jobs(order.reference) == [("capture", "due", 0)]


def test_a_unit_of_work_reads_the_payment_records_of_an_order_it_locked_once(database):
    order, _ = stored_order(database)
    _, _, refund = paid(database, order)

    with statements(database) as seen, database.transaction() as tx:
        tx.lock_order(order)
        listed = tx.payments(order, PaymentKind.REFUND)
        again = tx.payments(order, PaymentKind.REFUND)
        by_id = tx.payment(PaymentKind.REFUND, refund.id)
        by_reference = tx.find_payment(PaymentKind.REFUND, reference_id=refund.reference_id)

    assert listed == again == [refund]
    assert by_id == by_reference == refund
    assert len(selects_from(seen, "amazon_refunds")) == 1
    assert len(selects_from(seen, "amazon_refund_lines")) == 1


def test_payment_records_of_an_order_not_locked_are_read_each_time(database):
    order, _ = stored_order(database)
    _, _, refund = paid(database, order)

    with statements(database) as seen, database.transaction() as tx:
        first = tx.payment(PaymentKind.REFUND, refund.id)
        second = tx.payment(PaymentKind.REFUND, refund.id)

    assert first == second == refund
    assert len(selects_from(seen, "amazon_refunds")) == 2
    assert len(selects_from(seen, "amazon_refund_lines")) == 1  # a refund's lines never change


def test_the_remembered_payment_records_follow_the_unit_of_works_own_writes(database):
    order, _ = stored_order(database)
    _, capture, refund = paid(database, order)
    later = NOW.replace(minute=5)

    with database.transaction() as tx:
        tx.lock_order(order)
        tx.payments(order, PaymentKind.REFUND)
        tx.update_payment(refund, later, state=RefundState.PENDING, amazon_id="S01-R1")
        tx.set_seller_note(refund, "Sorry about the mug")
        tx.schedule_poll(PaymentKind.REFUND, refund.id, 1, later)
        second = tx.add_payment(
            order,
            NewPayment(PaymentKind.REFUND, "R-2", Money(500, "EUR"), parent_id=capture.id),
            later,
        )
        inside = tx.payments(order, PaymentKind.REFUND)
        found = tx.find_payment(PaymentKind.REFUND, amazon_id="S01-R1")

    with database.read() as tx:
        stored_records = tx.payments(order, PaymentKind.REFUND)

    assert inside == stored_records
    assert [record.id for record in inside] == [refund.id, second.id]
    assert found == inside[0]
    assert inside[0].state is RefundState.PENDING
    assert inside[0].seller_note == "Sorry about the mug"
    assert inside[0].polls == 1


def test_payment_records_a_savepoint_undid_are_read_again(database):
    order, _ = stored_order(database)
    _, _, refund = paid(database, order)

    with database.transaction() as tx:
        tx.lock_order(order)
        tx.payments(order, PaymentKind.REFUND)

        def settle() -> None:
            tx.update_payment(refund, NOW, state=RefundState.PENDING, amazon_id="S01-R1")

        with pytest.raises(RuntimeError):
            undone(tx, settle)
        after = tx.payment(PaymentKind.REFUND, refund.id)
        found = tx.find_payment(PaymentKind.REFUND, amazon_id="S01-R1")

    assert after.state is RefundState.REQUESTED
    assert found is None
