from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest

from amzpay.amazonpay.gateway import PaymentState
from amzpay.domain.payment import PaymentKind
from amzpay.processes.observations import apply_observation
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


def test_a_recorded_completion_moves_the_item_in_the_same_transaction_not_in_a_round(world):
    order = world.place(make_order())
    world.fire(order, "capture")
    world.fire(order, "refund", ["L1-1"])
    amazon_id = world.amazon_id(order, PaymentKind.REFUND)
    world.amazon.settle(amazon_id, PaymentState.COMPLETED)
    seen = world.amazon.objects[amazon_id].seen()

    with world.database.transaction() as tx:
        apply_observation(tx, seen, world.clock(), world.settlement, "ipn")
        moved = tx.item_states(order)["L1-1"]
    done = world.worker.run_once()

    assert moved == "refund completed"
    assert (done.timers, done.jobs, done.tasks) == (0, 0, 0)
    assert world.states(order)["L1-1"] == "refund completed"


def test_a_woken_worker_starts_its_next_round_at_once_not_after_its_pause(world):
    rounds: list[float] = []
    second = threading.Event()

    def task() -> int:
        rounds.append(time.monotonic())
        if len(rounds) == 2:
            second.set()
        return 0  # nothing done: the worker pauses after each round

    worker = Worker(world.database, world.engine, "woken", tasks=(task,))
    stop, wake = threading.Event(), threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop, 120.0, wake), daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not rounds and time.monotonic() < deadline:
        time.sleep(0.01)

    wake.set()
    woken = second.wait(10)
    stop.set()
    wake.set()  # whoever stops the worker ends its pause
    thread.join(10)

    assert woken, "the second round waited for the pause"
    assert not thread.is_alive()
