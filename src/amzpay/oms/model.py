"""A process as data: states, events and transitions, read from a process file.

A process moves each item of an order on its own. An item sits in one *state*; a *transition*
leaves it on an *event* (fired by staff, on entering a state, by a timer, or signalled by the
application when news from outside changed what the item waits for), on a *condition*
(checked after every move of the order's items), or on an event guarded by a condition. An
event may name a *command*, run once per order for the items that moved together.

Imports nothing but the standard library.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from types import MappingProxyType


class Trigger(StrEnum):
    """What fires an event."""

    MANUAL = "manual"  # staff, the API, or code acting for them on news from outside
    ON_ENTER = "on-enter"  # the moment an item enters the transition's source state
    TIMEOUT = "timeout"  # a timer set when the item entered the source state
    SIGNAL = "signal"  # the application, in the transaction that recorded news from outside


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an element was declared, so that an error can point at it."""

    file: str
    element: str

    def __str__(self) -> str:
        return f"{self.file}: {self.element}"


@dataclass(frozen=True, slots=True)
class State:
    name: str
    flags: frozenset[str] = frozenset()
    closes_order: bool = False  # entering it closes the order: from then on, refunds only
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Event:
    name: str
    trigger: Trigger
    command: str | None = None
    timeout: timedelta | None = None
    allowed_when_closed: bool = False
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Transition:
    source: str
    target: str
    event: str | None = None
    condition: str | None = None
    happy: bool = False  # on the happy path: drawn bold in diagrams
    origin: Origin | None = field(default=None, compare=False)

    def __str__(self) -> str:
        label = " ".join(
            part
            for part in (
                f"[{self.event}]" if self.event else "",
                f"{{{self.condition}}}" if self.condition else "",
            )
            if part
        )
        return f"{self.source!r} -> {self.target!r} {label}"


@dataclass(frozen=True, slots=True)
class Process:
    """A main process with its sub-processes merged in, validated by ``loader.load``."""

    name: str
    initial: str
    states: Mapping[str, State]
    events: Mapping[str, Event]
    transitions: tuple[Transition, ...]
    files: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "states", MappingProxyType(dict(self.states)))
        object.__setattr__(self, "events", MappingProxyType(dict(self.events)))

    def leaving(self, state: str) -> Iterator[Transition]:
        """The transitions out of ``state``, in file order (the first that applies wins)."""
        return (t for t in self.transitions if t.source == state)

    def on_event(self, state: str, event: str) -> tuple[Transition, ...]:
        return tuple(t for t in self.leaving(state) if t.event == event)

    def on_condition(self, state: str) -> tuple[Transition, ...]:
        """The transitions out of ``state`` that only wait for a condition."""
        return tuple(t for t in self.leaving(state) if t.event is None)

    def on_enter_events(self, state: str) -> tuple[Event, ...]:
        names = dict.fromkeys(t.event for t in self.leaving(state) if t.event is not None)
        return tuple(
            self.events[name] for name in names if self.events[name].trigger is Trigger.ON_ENTER
        )

    def timeout_events(self, state: str) -> tuple[Event, ...]:
        names = dict.fromkeys(t.event for t in self.leaving(state) if t.event is not None)
        return tuple(
            self.events[name] for name in names if self.events[name].trigger is Trigger.TIMEOUT
        )

    def manual_events(self, state: str) -> tuple[str, ...]:
        """The events staff may fire on an item in ``state``."""
        names = dict.fromkeys(t.event for t in self.leaving(state) if t.event is not None)
        return tuple(name for name in names if self.events[name].trigger is Trigger.MANUAL)

    def states_with_flag(self, flag: str) -> frozenset[str]:
        return frozenset(name for name, state in self.states.items() if flag in state.flags)
