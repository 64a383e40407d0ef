"""The state machine's rows: heads and locks, item states and their history, timers, jobs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from amzpay.ports.errors import OrderNotFound
from amzpay.ports.process import Job
from fakes.orders import make_order
from integration.store.contract.kit import KEY_REFUSAL, MINUTE, NOW, PROCESS, stored


def test_an_orders_head_names_its_process_and_whether_it_is_closed(storage):
    order = stored(storage).reference

    with storage.transaction() as tx:
        heads = [tx.lock_order(order), tx.try_lock_order(order), tx.order_head(order)]
        tx.close_order(order, NOW)
        closed = tx.order_head(order)

    assert {(h.reference, h.process, h.closed) for h in heads} == {(order, PROCESS, False)}
    assert closed.closed


def test_trying_to_lock_an_unknown_order_finds_none(storage):
    with storage.transaction() as tx:
        assert tx.try_lock_order("nope") is None
        with pytest.raises(OrderNotFound):
            tx.lock_order("nope")


def test_items_have_no_state_until_moved_and_come_in_their_order(storage):
    order = stored(storage, make_order(quantity=3)).reference

    with storage.transaction() as tx:
        before = tx.item_states(order)
        tx.move_items(order, ["L1-2"], (None, "new", "start"), "import", NOW)
        after = tx.item_states(order)

    assert list(before.items()) == [("L1-1", None), ("L1-2", None), ("L1-3", None)]
    assert list(after.items()) == [("L1-1", None), ("L1-2", "new"), ("L1-3", None)]


def test_an_unknown_order_has_no_item_states(storage):
    with storage.read() as tx:
        assert tx.item_states("nope") == {}


def test_every_move_is_in_the_history_oldest_first_with_who_and_when(storage):
    order = stored(storage).reference
    later = NOW + MINUTE

    with storage.transaction() as tx:
        tx.move_items(order, ["L1-1", "L1-2"], (None, "new", None), "import", NOW)
        tx.move_items(order, ["L1-2"], ("new", "shipped", "ship"), "shop", later)

    with storage.read() as tx:
        history, timeline = tx.history(order), tx.timeline(order)
    assert history == [
        ("L1-1", None, "new", None),
        ("L1-2", None, "new", None),
        ("L1-2", "new", "shipped", "ship"),
    ]
    assert timeline == [
        (NOW, "L1-1", None, "new", None, "import"),
        (NOW, "L1-2", None, "new", None, "import"),
        (later, "L1-2", "new", "shipped", "ship", "shop"),
    ]


def test_history_of_an_unknown_order_is_an_error(storage):
    with storage.read() as tx:
        for read in (tx.history, tx.timeline, tx.jobs):
            with pytest.raises(OrderNotFound):
                read("nope")


def test_closing_keeps_the_first_closing_time(storage):
    order = stored(storage).reference

    with storage.transaction() as tx:
        tx.close_order(order, NOW)
        tx.close_order(order, NOW + MINUTE)
        tx.close_order("nope", NOW)  # closes nothing, raises nothing

    with storage.read() as tx:
        assert tx.order_facts(order).closed_at == NOW


# -- timers -------------------------------------------------------------------------------------


def test_due_timers_come_by_due_time_and_only_once_due(storage):
    order = stored(storage).reference
    with storage.transaction() as tx:
        tx.set_timer(order, "L1-1", "authorized", "expire", NOW + 2 * MINUTE)
        tx.set_timer(order, "L1-2", "authorized", "expire", NOW + MINUTE)
        tx.set_timer(order, "L1-1", "authorized", "remind", NOW + 5 * MINUTE)

    with storage.read() as tx:
        early = tx.due_timers(order, NOW)
        due = tx.due_timers(order, NOW + 2 * MINUTE)

    assert early == []
    assert [(t.order, t.item, t.state, t.event, t.due_at) for t in due] == [
        (order, "L1-2", "authorized", "expire", NOW + MINUTE),
        (order, "L1-1", "authorized", "expire", NOW + 2 * MINUTE),
    ]


def test_timers_are_dropped_by_item_and_deleted_by_id(storage):
    order = stored(storage).reference
    with storage.transaction() as tx:
        for item in ("L1-1", "L1-2"):
            tx.set_timer(order, item, "authorized", "expire", NOW)
            tx.set_timer(order, item, "authorized", "remind", NOW)

    with storage.transaction() as tx:
        tx.drop_timers(order, ["L1-1"])
        [first, _] = tx.due_timers(order, NOW)
        tx.delete_timers([first])
        tx.delete_timers([])

    with storage.read() as tx:
        assert [(t.item, t.event) for t in tx.due_timers(order, NOW)] == [("L1-2", "remind")]


def test_an_item_has_one_timer_per_event(storage):
    order = stored(storage).reference
    with storage.transaction() as tx:
        tx.set_timer(order, "L1-1", "authorized", "expire", NOW)

    with pytest.raises(KEY_REFUSAL), storage.transaction() as tx:
        tx.set_timer(order, "L1-1", "captured", "expire", NOW + MINUTE)


def test_orders_with_due_timers_come_oldest_order_first_up_to_the_limit(storage):
    first, second, third = (stored(storage).reference for _ in range(3))
    with storage.transaction() as tx:
        tx.set_timer(third, "L1-1", "s", "e", NOW)
        tx.set_timer(first, "L1-1", "s", "e", NOW)
        tx.set_timer(first, "L1-2", "s", "e", NOW)
        tx.set_timer(second, "L1-1", "s", "e", NOW + MINUTE)

    with storage.read() as tx:
        assert tx.orders_with_due_timers(NOW, 10) == [first, third]
        assert tx.orders_with_due_timers(NOW + MINUTE, 2) == [first, second]


# -- jobs ---------------------------------------------------------------------------------------


def test_a_job_is_due_from_when_it_was_added(storage):
    order = stored(storage).reference
    with storage.read() as tx:
        assert not tx.has_due_job(NOW)

    with storage.transaction() as tx:
        job = tx.add_job(order, "capture", "ship", ("L1-1", "L1-2"), NOW)

    assert (job.order, job.command, job.event, job.items, job.attempts) == (
        order,
        "capture",
        "ship",
        ("L1-1", "L1-2"),
        0,
    )
    with storage.read() as tx:
        assert not tx.has_due_job(NOW - MINUTE)
        assert tx.has_due_job(NOW)
        assert tx.jobs(order) == [("capture", "due", 0)]


def test_a_claim_takes_the_oldest_job_of_the_first_order_and_runs_it(storage):
    first, second = stored(storage).reference, stored(storage).reference
    with storage.transaction() as tx:
        tx.add_job(second, "refund", "refund", ["L1-1"], NOW)
        oldest = tx.add_job(first, "capture", "ship", ["L1-1"], NOW)
        tx.add_job(first, "close", "close", ["L1-1"], NOW)

    with storage.transaction() as tx:
        claimed = tx.claim_job(NOW, NOW + MINUTE, "worker-1")

    assert claimed == Job(oldest.id, first, "capture", "ship", ("L1-1",), 1)
    with storage.read() as tx:
        assert tx.jobs(first) == [("capture", "running", 1), ("close", "due", 0)]


def test_a_claim_skips_an_order_whose_job_is_running_under_a_lease(storage):
    first, second = stored(storage).reference, stored(storage).reference
    with storage.transaction() as tx:
        tx.add_job(first, "capture", "ship", ["L1-1"], NOW)
        tx.add_job(first, "close", "close", ["L1-1"], NOW)
        other = tx.add_job(second, "refund", "refund", ["L1-1"], NOW)
        tx.claim_job(NOW, NOW + MINUTE, "worker-1")

    with storage.transaction() as tx:
        claimed = tx.claim_job(NOW, NOW + MINUTE, "worker-2")
        nothing = tx.claim_job(NOW, NOW + MINUTE, "worker-3")

    assert claimed is not None
    assert claimed.id == other.id
    assert nothing is None


def test_a_job_whose_lease_expired_is_claimed_again(storage):
    order = stored(storage).reference
    with storage.transaction() as tx:
        tx.add_job(order, "capture", "ship", ["L1-1"], NOW)
        tx.claim_job(NOW, NOW + MINUTE, "worker-1")

    with storage.transaction() as tx:
        during = tx.claim_job(NOW + MINUTE, NOW + 2 * MINUTE, "worker-2")
        after = tx.claim_job(NOW + 2 * MINUTE, NOW + 3 * MINUTE, "worker-2")

    assert during is None
    assert after is not None
    assert after.attempts == 2


def test_a_job_ends_done_failed_or_due_again_after_its_delay(storage):
    order = stored(storage).reference
    with storage.transaction() as tx:
        for command in ("capture", "refund", "close"):
            tx.add_job(order, command, command, ["L1-1"], NOW)
    with storage.transaction() as tx:
        done, failed, retried = (tx.claim_job(NOW, NOW + MINUTE, f"w{n}") for n in range(3))
    assert done is None or failed is None  # one order: one job runs at a time
    with storage.transaction() as tx:
        assert done is not None
        tx.finish_job(done, NOW)
        failed = tx.claim_job(NOW, NOW + MINUTE, "w")
        assert failed is not None
        tx.fail_job(failed, NOW, "refused")
        retried = tx.claim_job(NOW, NOW + MINUTE, "w")
        assert retried is not None
        tx.retry_job(retried, NOW + timedelta(hours=1), "throttled")

    with storage.read() as tx:
        assert tx.jobs(order) == [
            ("capture", "done", 1),
            ("refund", "failed", 1),
            ("close", "due", 1),
        ]
        assert not tx.has_due_job(NOW + MINUTE)
        assert tx.has_due_job(NOW + timedelta(hours=1))


def test_a_claim_with_nothing_due_finds_none(storage):
    stored(storage)

    with storage.transaction() as tx:
        assert tx.claim_job(NOW, NOW + MINUTE, "worker") is None
