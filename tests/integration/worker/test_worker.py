from __future__ import annotations

from datetime import timedelta

import pytest

from amzpay.amazonpay.gateway import PaymentState
from amzpay.processes.observations import apply_observation
from amzpay.store.payments import PaymentKind
from amzpay.worker import Worker
from fakes.orders import make_order
from fakes.world import World


@pytest.fixture
def world(database):
    return World(database)


def test_once_the_worker_runs_the_queued_commands_and_moves_the_items(world):
    order = world.place(make_order(), run=False)

    done = world.worker.run_once()

    assert done.jobs == 1
    assert set(world.states(order).values()) == {"auth open"}


def test_a_due_timer_fires_once_however_often_the_worker_runs(world):
    world.amazon.answer("authorize", PaymentState.PENDING)
    order = world.place(make_order())
    world.clock.advance(timedelta(minutes=1))

    first = world.worker.run_once()
    second = world.worker.run_once()

    assert (first.timers, second.timers) == (2, 0)
    polls = [row for row in world.history(order) if row[3] == "update authorization status"]
    assert len(polls) == 2  # one per item, the two items fired together


def make_order_with_a_completed_refund_not_yet_checked(world: World) -> str:
    """Amazon completed the refund and we recorded it, but no one checked the conditions."""
    order = world.place(make_order())
    world.fire(order, "capture")
    world.fire(order, "refund", ["L1-1"])
    amazon_id = world.amazon_id(order, PaymentKind.REFUND)
    world.amazon.settle(amazon_id, PaymentState.COMPLETED)
    with world.database.transaction() as tx:
        apply_observation(tx, world.amazon.objects[amazon_id].seen(), world.clock())
    return order


def test_the_worker_checks_every_waiting_order_a_batch_at_a_time(world):
    orders = [make_order_with_a_completed_refund_not_yet_checked(world) for _ in range(3)]
    worker = Worker(world.database, world.engine, "small", batch=2)

    checked = [worker.run_once().orders_checked for _ in range(2)]

    assert checked == [2, 1]
    assert {world.states(order)["L1-1"] for order in orders} == {"refund completed"}
