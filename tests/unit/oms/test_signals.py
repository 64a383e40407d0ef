"""Signals: news the application recorded moves the items that wait for it."""

from __future__ import annotations

from collections.abc import Callable
from textwrap import dedent

import pytest

from amzpay.oms.engine import Engine
from amzpay.oms.errors import InvalidProcessFile, NotAManualEvent, NotASignal, UnknownSignal
from amzpay.oms.loader import load
from amzpay.oms.ports import Job
from fakes.clock import FakeClock
from fakes.memory import MemoryStorage, MemoryTransaction
from fakes.orders import make_order_of_items

PARCEL = """
[process]
name = "parcel"
initial = "sent"

[states.sent]
[states.delivered]
closes_order = true
[states.lost]
[states.returned]
[states.thanked]

[events.delivered]
trigger = "signal"
allowed_when_closed = true
[events.lost]
trigger = "signal"
[events."say thanks"]
trigger = "on-enter"
command = "thank"
allowed_when_closed = true
[events.return]
allowed_when_closed = true

[[transitions]]
from = "sent"
to = "delivered"
event = "delivered"

[[transitions]]
from = "sent"
to = "lost"
event = "lost"

[[transitions]]
from = "delivered"
to = "thanked"
event = "say thanks"

[[transitions]]
from = "thanked"
to = "returned"
event = "return"

[[transitions]]
from = "returned"
to = "lost"
event = "lost"
"""


class Planned:
    def __init__(self) -> None:
        self.jobs: list[Job] = []

    def plan(self, tx: MemoryTransaction, job: Job) -> None:
        self.jobs.append(job)

    def call(self, job: Job, transactions) -> Callable[[MemoryTransaction], None]:
        return lambda tx: None


class Parcels:
    def __init__(self, tmp_path) -> None:
        (tmp_path / "parcel.toml").write_text(dedent(PARCEL))
        process = load(
            tmp_path,
            "parcel.toml",
            commands={"thank"},
            conditions=set(),
            signals={"delivered", "lost"},
        )
        self.thank = Planned()
        self.clock = FakeClock()
        self.engine: Engine[MemoryTransaction] = Engine(
            {"parcel": process}, commands={"thank": self.thank}, conditions={}, clock=self.clock
        )
        self.db = MemoryStorage()

    def send(self, items: tuple[str, ...] = ("a", "b")) -> str:
        with self.db.transaction() as tx:
            tx.add_order(make_order_of_items("P-1", items), process="parcel", at=self.clock())
            self.engine.start(tx, "P-1")
        return "P-1"

    def signal(self, event: str, items: tuple[str, ...]) -> list[str]:
        with self.db.transaction() as tx:
            return self.engine.signal(tx, "P-1", event, items, actor="courier")

    def states(self) -> dict[str, str | None]:
        with self.db.read() as tx:
            return tx.item_states("P-1")


def test_a_signal_moves_the_items_that_wait_for_it_and_their_on_enter_events_follow(tmp_path):
    parcels = Parcels(tmp_path)
    parcels.send()

    moved = parcels.signal("delivered", ("a",))

    assert moved == ["a"]
    assert parcels.states() == {"a": "thanked", "b": "sent"}
    assert [job.items for job in parcels.thank.jobs] == [("a",)]
    with parcels.db.read() as tx:
        moves = tx.timeline("P-1")
    assert moves[-2][1:] == ("a", "sent", "delivered", "delivered", "courier")


def test_items_that_cannot_take_a_signal_stay_where_they_are_and_nothing_is_refused(tmp_path):
    parcels = Parcels(tmp_path)
    parcels.send()
    parcels.signal("delivered", ("a",))

    moved = parcels.signal("lost", ("a", "b", "not-an-item"))

    assert moved == ["b"]
    assert parcels.states() == {"a": "thanked", "b": "lost"}


def test_a_signal_moves_the_items_of_a_closed_order(tmp_path):
    parcels = Parcels(tmp_path)
    parcels.send()
    parcels.signal("delivered", ("a",))  # "delivered" closes the order
    with parcels.db.transaction() as tx:
        parcels.engine.fire(tx, "P-1", "return", ["a"], actor="staff")

    moved = parcels.signal("lost", ("a", "b"))

    with parcels.db.read() as tx:
        assert tx.order_head("P-1").closed
    assert moved == ["a", "b"]
    assert parcels.states() == {"a": "lost", "b": "lost"}


def test_a_signal_no_transition_of_the_process_uses_moves_nothing(tmp_path):
    parcels = Parcels(tmp_path)
    parcels.send()

    assert parcels.signal("stolen", ("a", "b")) == []
    assert parcels.states() == {"a": "sent", "b": "sent"}


def test_the_application_cannot_signal_an_event_meant_for_staff(tmp_path):
    parcels = Parcels(tmp_path)
    parcels.send()
    parcels.signal("delivered", ("a",))

    with pytest.raises(NotASignal, match="'return' is not a signal"):
        parcels.signal("return", ("a",))


def test_staff_cannot_fire_a_signal(tmp_path):
    parcels = Parcels(tmp_path)
    parcels.send()

    with parcels.db.transaction() as tx, pytest.raises(NotAManualEvent):
        parcels.engine.fire(tx, "P-1", "delivered", ["a"], actor="staff")


def test_a_process_file_may_only_follow_signals_the_application_sends(tmp_path):
    (tmp_path / "parcel.toml").write_text(dedent(PARCEL))

    with pytest.raises(UnknownSignal, match=r"event 'lost'.*sends no such signal"):
        load(tmp_path, "parcel.toml", commands={"thank"}, conditions=set(), signals={"delivered"})


def test_an_event_the_application_signals_must_be_declared_as_a_signal(tmp_path):
    (tmp_path / "parcel.toml").write_text(dedent(PARCEL))
    signals = {"delivered", "lost", "return"}

    with pytest.raises(InvalidProcessFile, match=r"event 'return'.*trigger = 'signal'"):
        load(tmp_path, "parcel.toml", commands={"thank"}, conditions=set(), signals=signals)
