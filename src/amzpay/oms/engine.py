"""The engine: fires events and signals, checks conditions and timers, moves items, queues
commands.

Every public method works inside the caller's transaction and first locks the order, so two
workers or two requests never move the same order's items at once. Commands are only
*planned* here (``Command.plan``); ``runner.run_next_job`` makes their calls later, outside
any transaction.

Imports nothing but the standard library.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Generic

from amzpay.oms.errors import (
    ConditionNotMet,
    EventNotAllowed,
    LoopDetected,
    NotAManualEvent,
    NotASignal,
    OrderClosed,
    UnknownProcess,
)
from amzpay.oms.model import Process, Transition, Trigger
from amzpay.oms.ports import Command, Condition, ConditionCheck, OrderHead, Tx

log = logging.getLogger(__name__)

MAX_EVENT_REPEATS = 10
"""How often one event may fire on one order in one run before it counts as a loop."""


class Engine(Generic[Tx]):
    def __init__(
        self,
        processes: Mapping[str, Process],
        *,
        commands: Mapping[str, Command[Tx]],
        conditions: Mapping[str, Condition[Tx]],
        clock: Callable[[], datetime],
        max_repeats: int = MAX_EVENT_REPEATS,
    ) -> None:
        self.processes = dict(processes)
        self.commands = dict(commands)
        self.conditions = dict(conditions)
        self.clock = clock
        self.max_repeats = max_repeats

    def process(self, name: str) -> Process:
        try:
            return self.processes[name]
        except KeyError:
            raise UnknownProcess(name, self.processes) from None

    def start(self, tx: Tx, order: str, actor: str = "system") -> None:
        """Put the order's new items (no state yet) in the initial state of its process."""
        run = self._run(tx, tx.lock_order(order), actor)
        fresh = [item for item, state in run.states.items() if state is None]
        if fresh:
            entry = Transition("", run.process.initial)  # no source: the item is new
            run.move(entry, fresh)
            run.enter(run.process.initial, fresh)
        run.settle()

    def fire(self, tx: Tx, order: str, event: str, items: Iterable[str], actor: str) -> None:
        """Fire the manual ``event`` on ``items`` (staff, the API, the command line).

        Raises:
            EventNotAllowed, NotAManualEvent, OrderClosed, ConditionNotMet: the items
                cannot move; nothing has changed.
            LoopDetected: the process went round in circles; roll the transaction back.
        """
        run = self._run(tx, tx.lock_order(order), actor)
        chosen = list(dict.fromkeys(items))  # an item named twice moves once
        declared = run.process.events.get(event)
        if declared is not None and declared.trigger is not Trigger.MANUAL and chosen:
            current = str(run.states.get(chosen[0]))
            raise NotAManualEvent(order, chosen[0], event, current)
        run.fire(event, chosen)
        run.settle()

    def signal(self, tx: Tx, order: str, event: str, items: Iterable[str], actor: str) -> list[str]:
        """Fire the signal ``event`` (news the application recorded in ``tx``) on those of
        ``items`` that can take it now; return them.

        News is recorded where it belongs whether or not an item follows it, so an item
        that cannot take the signal (it moved on, it is not an item of this order, or the
        process does not follow this news) is left where it is, and nothing is raised for
        it. Like a condition, a signal moves the items of a closed order too: news from
        outside is followed whatever staff may still do.

        Raises:
            NotASignal: the process declares ``event`` with another trigger.
            LoopDetected: the process went round in circles; roll the transaction back.
        """
        run = self._run(tx, tx.lock_order(order), actor)
        declared = run.process.events.get(event)
        if declared is None:
            return []
        if declared.trigger is not Trigger.SIGNAL:
            raise NotASignal(order, event, declared.trigger.value)
        ready = [item for item in dict.fromkeys(items) if run.can_take(event, item)]
        run.fire(event, ready)
        run.settle()
        return ready

    def check_conditions(self, tx: Tx, order: str, actor: str = "system") -> None:
        run = self._run(tx, tx.lock_order(order), actor)
        run.settle()

    def fire_due_timers(self, tx: Tx, order: str, now: datetime) -> int:
        """Fire the order's due timers, each once (they are deleted in this transaction)."""
        head = tx.try_lock_order(order)
        if head is None:
            return 0  # another worker has it; its timers wait for the next round
        run = self._run(tx, head, "timer")
        timers = tx.due_timers(order, now)
        tx.delete_timers(timers)
        by_event: dict[str, list[str]] = {}
        for timer in timers:
            if run.states.get(timer.item) == timer.state:
                by_event.setdefault(timer.event, []).append(timer.item)
        for event, items in by_event.items():
            run.fire(event, items)
        run.settle()
        return len(timers)

    def _run(self, tx: Tx, head: OrderHead, actor: str) -> _Run[Tx]:
        return _Run(self, tx, head, actor)


class _Run(Generic[Tx]):
    """One engine call on one order: its item states, its loop guard."""

    def __init__(self, engine: Engine[Tx], tx: Tx, head: OrderHead, actor: str) -> None:
        self.engine, self.tx, self.actor = engine, tx, actor
        self.order, self.closed = head.reference, head.closed
        self.process = engine.process(head.process)
        self.states = tx.item_states(head.reference)
        self.now = engine.clock()
        self.repeats: Counter[str] = Counter()

    def fire(self, event_name: str, items: list[str]) -> None:
        if not items:
            return
        self._count(f"event {event_name!r}")
        event = self.process.events.get(event_name)
        groups: dict[Transition, list[str]] = {}
        for item in items:
            current = self.states.get(item)
            if current is None or event is None:
                where = "not an item of this order" if item not in self.states else str(current)
                raise EventNotAllowed(self.order, item, event_name, where)
            if (
                self.closed
                and not event.allowed_when_closed
                and event.trigger is not Trigger.SIGNAL
            ):
                raise OrderClosed(self.order, item, event_name, current)
            groups.setdefault(self._choose(event_name, item, current), []).append(item)
        for transition, moved in groups.items():
            self.move(transition, moved)
        if event is not None and event.command is not None:
            job = self.tx.add_job(self.order, event.command, event_name, items, self.now)
            self.engine.commands[event.command].plan(self.tx, job)
        for transition, moved in groups.items():
            self.enter(transition.target, moved)

    def settle(self) -> None:
        """Take every transition whose condition holds, until none does."""
        while True:
            # Chains of condition transitions are short; a long run means a cycle.
            self._count("condition check", self.engine.max_repeats * 5)
            groups: dict[Transition, list[str]] = {}
            for item, state in self.states.items():
                if state is None:
                    continue
                for transition in self.process.on_condition(state):
                    if self._holds(transition, item):
                        groups.setdefault(transition, []).append(item)
                        break
            if not groups:
                return
            for transition, moved in groups.items():
                self.move(transition, moved)
            for transition, moved in groups.items():
                self.enter(transition.target, moved)

    def move(self, transition: Transition, items: list[str]) -> None:
        source = transition.source or None
        self.tx.move_items(
            self.order, items, (source, transition.target, transition.event), self.actor, self.now
        )
        self.tx.drop_timers(self.order, items)
        for item in items:
            self.states[item] = transition.target
        for event in self.process.timeout_events(transition.target):
            assert event.timeout is not None  # the loader requires one
            for item in items:
                self.tx.set_timer(
                    self.order, item, transition.target, event.name, self.now + event.timeout
                )
        if self.process.states[transition.target].closes_order and not self.closed:
            self.tx.close_order(self.order, self.now)
            self.closed = True
        log.debug("order %s: %s for %d item(s)", self.order, transition, len(items))

    def enter(self, state: str, items: list[str]) -> None:
        for event in self.process.on_enter_events(state):
            still_there = [item for item in items if self.states[item] == state]
            if still_there:
                self.fire(event.name, still_there)

    def can_take(self, event: str, item: str) -> bool:
        """True when ``item`` has a transition on ``event`` whose condition (if any) holds."""
        current = self.states.get(item)
        if current is None:
            return False
        candidates = self.process.on_event(current, event)
        return any(t.condition is None or self._holds(t, item) for t in candidates)

    def _choose(self, event: str, item: str, current: str) -> Transition:
        candidates = self.process.on_event(current, event)
        if not candidates:
            raise EventNotAllowed(self.order, item, event, current)
        for transition in candidates:
            if transition.condition is None or self._holds(transition, item):
                return transition
        raise ConditionNotMet(self.order, item, event, current)

    def _holds(self, transition: Transition, item: str) -> bool:
        assert transition.condition is not None
        condition = self.engine.conditions[transition.condition]
        return condition(ConditionCheck(self.tx, self.process, self.order, item, self.states))

    def _count(self, what: str, limit: int | None = None) -> None:
        self.repeats[what] += 1
        limit = limit or self.engine.max_repeats
        if self.repeats[what] > limit:
            raise LoopDetected(self.order, what, limit)
