from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from textwrap import dedent

import pytest

from amzpay.oms.engine import Engine
from amzpay.oms.errors import (
    ConditionNotMet,
    EventNotAllowed,
    LoopDetected,
    NotAManualEvent,
    OrderClosed,
    RetryLater,
    UnknownProcess,
)
from amzpay.oms.loader import load
from amzpay.oms.ports import ConditionCheck, Job
from amzpay.oms.runner import MAX_ATTEMPTS, run_due_jobs
from fakes.clock import FakeClock
from fakes.memory import MemoryStorage, MemoryTransaction
from fakes.orders import make_order_of_items

# A small shop process exercising every kind of event and condition.
SHOP = """
[process]
name = "shop"
initial = "new"

[states.new]
[states.paying]
[states.paid]
flags = ["paid"]
[states.reminded]
[states.shipped]
closes_order = true
[states.returned]
[states.ping]
[states.pong]

[events.pay]
trigger = "on-enter"
command = "charge"
[events.remind]
trigger = "timeout"
timeout = "2 days"
command = "remind"
[events.ship]
command = "ship"
[events.return]
allowed_when_closed = true
[events.bounce]

[[transitions]]
from = "new"
to = "paying"
event = "pay"

[[transitions]]
from = "paying"
to = "paid"
condition = "money arrived"

[[transitions]]
from = "paying"
to = "reminded"
event = "remind"

[[transitions]]
from = "paid"
to = "shipped"
event = "ship"
condition = "in stock"

[[transitions]]
from = "shipped"
to = "returned"
event = "return"

[[transitions]]
from = "paid"
to = "ping"
event = "bounce"

[[transitions]]
from = "ping"
to = "pong"
condition = "always"

[[transitions]]
from = "pong"
to = "ping"
condition = "always"
"""


class RecordingCommand:
    def __init__(self) -> None:
        self.planned: list[Job] = []
        self.called: list[Job] = []
        self.retry_first = False

    def plan(self, tx: MemoryTransaction, job: Job) -> None:
        self.planned.append(job)

    def call(self, job: Job, transactions) -> Callable[[MemoryTransaction], None]:
        if self.retry_first:
            self.retry_first = False
            raise RetryLater("Amazon is throttling")
        self.called.append(job)
        return lambda tx: None


class Shop:
    def __init__(self, tmp_path, *, money: bool = False, stock: bool = True) -> None:
        (tmp_path / "shop.toml").write_text(dedent(SHOP))
        self.flags = {"money arrived": money, "in stock": stock, "always": True}
        self.commands = {name: RecordingCommand() for name in ("charge", "remind", "ship")}
        self.clock = FakeClock()
        names = set(self.flags)
        process = load(tmp_path, "shop.toml", commands=set(self.commands), conditions=names)
        self.engine: Engine[MemoryTransaction] = Engine(
            {"shop": process},
            commands=self.commands,
            conditions={name: self._condition(name) for name in names},
            clock=self.clock,
        )
        self.db = MemoryStorage()

    def _condition(self, name: str) -> Callable[[ConditionCheck[MemoryTransaction]], bool]:
        return lambda check: self.flags[name]

    def place(self, reference: str = "O-1", items: tuple[str, ...] = ("a", "b")) -> str:
        with self.db.transaction() as tx:
            tx.add_order(make_order_of_items(reference, items), process="shop", at=self.clock())
            self.engine.start(tx, reference)
        return reference

    def fire(self, order: str, event: str, items: tuple[str, ...] = ("a", "b")) -> None:
        with self.db.transaction() as tx:
            self.engine.fire(tx, order, event, items, actor="staff")

    def check(self, order: str) -> None:
        with self.db.transaction() as tx:
            self.engine.check_conditions(tx, order)

    def fire_timers(self, order: str) -> int:
        with self.db.transaction() as tx:
            return self.engine.fire_due_timers(tx, order, self.clock())

    def states(self, order: str) -> dict[str, str | None]:
        with self.db.read() as tx:
            return tx.item_states(order)

    def jobs(self, order: str) -> list[tuple[str, str, int]]:
        """(command, status, attempts) of the order's jobs."""
        with self.db.read() as tx:
            return tx.jobs(order)


def make_paid_order(shop: Shop) -> str:
    order = shop.place()
    shop.flags["money arrived"] = True
    shop.check(order)
    return order


def test_an_on_enter_event_fires_as_the_items_enter_the_initial_state(tmp_path):
    shop = Shop(tmp_path)

    order = shop.place()

    assert shop.states(order) == {"a": "paying", "b": "paying"}


def test_a_command_is_planned_once_for_the_items_that_moved_together(tmp_path):
    shop = Shop(tmp_path)

    shop.place()

    [job] = shop.commands["charge"].planned
    assert (job.command, job.event, job.items) == ("charge", "pay", ("a", "b"))


def test_a_planned_command_is_called_by_the_runner_outside_the_transaction(tmp_path):
    shop = Shop(tmp_path)
    order = shop.place()

    ran = run_due_jobs(shop.engine, shop.db.transaction, "test")

    assert ran == 1
    assert [job.items for job in shop.commands["charge"].called] == [("a", "b")]
    assert shop.jobs(order) == [("charge", "done", 1)]


def test_a_command_that_must_be_retried_is_left_for_later(tmp_path):
    shop = Shop(tmp_path)
    shop.commands["charge"].retry_first = True
    order = shop.place()

    run_due_jobs(shop.engine, shop.db.transaction, "test")

    assert shop.commands["charge"].called == []
    assert shop.jobs(order) == [("charge", "due", 1)]
    with shop.db.read() as tx:
        assert not tx.has_due_job(shop.clock())


def test_items_wait_until_their_condition_holds(tmp_path):
    shop = Shop(tmp_path)
    order = shop.place()
    shop.check(order)
    assert shop.states(order) == {"a": "paying", "b": "paying"}

    shop.flags["money arrived"] = True
    shop.check(order)

    assert shop.states(order) == {"a": "paid", "b": "paid"}


def test_a_timeout_fires_once_when_due_and_not_before(tmp_path):
    shop = Shop(tmp_path)
    order = shop.place()

    shop.clock.advance(timedelta(days=1))
    early = shop.fire_timers(order)
    shop.clock.advance(timedelta(days=1))
    due = shop.fire_timers(order)
    again = shop.fire_timers(order)

    assert (early, due, again) == (0, 2, 0)
    assert shop.states(order) == {"a": "reminded", "b": "reminded"}
    assert len(shop.commands["remind"].planned) == 1


def test_leaving_a_state_drops_its_timers(tmp_path):
    shop = Shop(tmp_path)
    order = make_paid_order(shop)

    shop.clock.advance(timedelta(days=3))

    assert shop.fire_timers(order) == 0
    assert shop.states(order) == {"a": "paid", "b": "paid"}


def test_an_event_without_a_transition_from_the_items_state_is_refused(tmp_path):
    shop = Shop(tmp_path)
    order = shop.place()

    with pytest.raises(EventNotAllowed) as refused:
        shop.fire(order, "ship")

    assert (refused.value.current, refused.value.event) == ("paying", "ship")
    assert shop.states(order) == {"a": "paying", "b": "paying"}


def test_staff_cannot_fire_an_event_that_fires_by_itself(tmp_path):
    shop = Shop(tmp_path)
    order = shop.place()

    with pytest.raises(NotAManualEvent) as refused:
        shop.fire(order, "remind")

    assert refused.value.current == "paying"


def test_an_item_the_order_does_not_have_is_refused(tmp_path):
    shop = Shop(tmp_path)
    order = shop.place()

    with pytest.raises(EventNotAllowed) as refused:
        shop.fire(order, "ship", ("z",))

    assert refused.value.current == "not an item of this order"


def test_an_unknown_event_is_refused(tmp_path):
    shop = Shop(tmp_path)
    order = shop.place()

    with pytest.raises(EventNotAllowed):
        shop.fire(order, "teleport")


def test_an_event_whose_condition_does_not_hold_is_refused_and_changes_nothing(tmp_path):
    shop = Shop(tmp_path, stock=False)
    order = make_paid_order(shop)

    with pytest.raises(ConditionNotMet) as refused:
        shop.fire(order, "ship")

    assert refused.value.current == "paid"
    assert shop.commands["ship"].planned == []


def test_entering_a_closing_state_closes_the_order_to_all_but_allowed_events(tmp_path):
    shop = Shop(tmp_path)
    order = make_paid_order(shop)
    shop.fire(order, "ship", ("a",))

    with pytest.raises(OrderClosed) as refused:
        shop.fire(order, "bounce", ("b",))
    shop.fire(order, "return", ("a",))

    assert refused.value.current == "paid"
    with shop.db.read() as tx:
        assert tx.order_head(order).closed
    assert shop.states(order) == {"a": "returned", "b": "paid"}


def test_conditions_sending_items_round_in_circles_are_stopped(tmp_path):
    shop = Shop(tmp_path)
    order = make_paid_order(shop)

    with pytest.raises(LoopDetected):
        shop.fire(order, "bounce")

    assert shop.states(order) == {"a": "paid", "b": "paid"}


def test_every_move_is_written_to_the_history_with_its_event_and_actor(tmp_path):
    shop = Shop(tmp_path)

    order = shop.place(items=("a",))

    with shop.db.read() as tx:
        moves = [move[1:] for move in tx.timeline(order)]
    assert moves == [
        ("a", None, "new", None, "system"),
        ("a", "new", "paying", "pay", "system"),
    ]


def test_an_order_of_an_unknown_process_is_refused(tmp_path):
    shop = Shop(tmp_path)
    with shop.db.transaction() as tx:
        tx.add_order(make_order_of_items("O-9", ("a",)), process="warehouse", at=shop.clock())

    with pytest.raises(UnknownProcess), shop.db.transaction() as tx:
        shop.engine.start(tx, "O-9")


class BrokenCommand(RecordingCommand):
    def call(self, job: Job, transactions) -> Callable[[MemoryTransaction], None]:
        raise ZeroDivisionError("a bug")


def test_a_command_that_breaks_unexpectedly_is_backed_off_not_lost(tmp_path):
    shop = Shop(tmp_path)
    shop.engine.commands["charge"] = BrokenCommand()
    order = shop.place()

    run_due_jobs(shop.engine, shop.db.transaction, "test")

    assert shop.jobs(order) == [("charge", "due", 1)]


def test_a_command_that_keeps_breaking_fails_after_the_last_attempt(tmp_path):
    shop = Shop(tmp_path)
    shop.engine.commands["charge"] = BrokenCommand()
    order = shop.place()
    for _ in range(MAX_ATTEMPTS - 1):
        run_due_jobs(shop.engine, shop.db.transaction, "test")
        shop.clock.advance(timedelta(hours=1))
    before_the_last = shop.jobs(order)

    run_due_jobs(shop.engine, shop.db.transaction, "test")

    assert before_the_last == [("charge", "due", MAX_ATTEMPTS - 1)]
    assert shop.jobs(order) == [("charge", "failed", MAX_ATTEMPTS)]
