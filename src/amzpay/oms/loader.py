"""Read a process from its TOML files and check it before anything runs.

A main file has a ``[process]`` table (name, initial state, sub-process files); a sub-process
file has only states, events and transitions, and may lead out of or into the main process's
states. Everything is merged into one ``Process`` and checked as a whole; each error names the
file and the element at fault (``errors.ProcessFileError``).

TOML because it is in the standard library (``tomllib``), has comments, and keeps a state's
name readable as a quoted key (``[states."refund pending"]``).

Imports nothing but the standard library.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from importlib.resources.abc import Traversable
from typing import Any

from amzpay.oms.errors import (
    DuplicateName,
    InvalidProcessFile,
    ProcessFileError,
    UnknownCommand,
    UnknownCondition,
    UnknownEvent,
    UnknownSignal,
    UnknownState,
    UnreachableState,
    UnusedEvent,
)
from amzpay.oms.model import Event, Origin, Process, State, Transition, Trigger

_DURATION = re.compile(r"(\d+)\s*(second|minute|hour|day|week)s?")
_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}


def parse_duration(text: str) -> timedelta:
    """ "1 minute", "90 seconds", "30 days" -> timedelta; ValueError for anything else."""
    match = _DURATION.fullmatch(text.strip())
    if match is None or int(match.group(1)) == 0:
        raise ValueError(f"{text!r} is not a duration such as '1 minute' or '30 days'")
    return timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])


@dataclass
class _Parts:
    states: dict[str, State] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    transitions: list[Transition] = field(default_factory=list)


def load(
    directory: Traversable,
    main_file: str,
    *,
    commands: Collection[str],
    conditions: Collection[str],
    signals: Collection[str] = (),
) -> Process:
    """The process of ``main_file`` in ``directory`` with its sub-processes merged in.
    ``commands``, ``conditions`` and ``signals`` are the names the application provides;
    an event with trigger ``signal`` must be one of ``signals`` (``Engine.signal``).

    Raises:
        ProcessFileError: a subclass naming the file and element at fault.
    """
    main = _read(directory, main_file)
    header = _table(main, "process", main_file, "[process]")
    name = _text(header, "name", main_file, "[process]")
    initial = _text(header, "initial", main_file, "[process]")
    subfiles = header.get("subprocesses", [])
    if not isinstance(subfiles, list) or not all(isinstance(f, str) for f in subfiles):
        raise InvalidProcessFile(main_file, "[process] subprocesses", "expected a list of files")
    parts = _Parts()
    _merge(parts, main, main_file)
    for subfile in subfiles:
        _merge(parts, _read(directory, subfile), subfile)
    if initial not in parts.states:
        raise UnknownState(main_file, "[process] initial", f"no state {initial!r}")
    process = Process(
        name, initial, parts.states, parts.events, tuple(parts.transitions), (main_file, *subfiles)
    )
    _check_references(process, commands, conditions, signals)
    _check_reachable(process, main_file)
    _check_used(process)
    return process


def _read(directory: Traversable, file: str) -> dict[str, Any]:
    try:
        return tomllib.loads(directory.joinpath(file).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidProcessFile(file, "file", "not found") from None
    except tomllib.TOMLDecodeError as error:
        raise InvalidProcessFile(file, "file", f"not valid TOML: {error}") from None


def _merge(parts: _Parts, document: Mapping[str, Any], file: str) -> None:
    for name, body in _table(document, "states", file, "[states]", required=False).items():
        origin = Origin(file, f"state {name!r}")
        if name in parts.states:
            raise DuplicateName(file, origin.element, _again(parts.states[name].origin))
        parts.states[name] = _state(name, body, origin)
    for name, body in _table(document, "events", file, "[events]", required=False).items():
        origin = Origin(file, f"event {name!r}")
        if name in parts.events:
            raise DuplicateName(file, origin.element, _again(parts.events[name].origin))
        parts.events[name] = _event(name, body, origin)
    transitions = document.get("transitions", [])
    if not isinstance(transitions, list):
        raise InvalidProcessFile(file, "[[transitions]]", "expected an array of tables")
    for number, body in enumerate(transitions, start=1):
        parts.transitions.append(_transition(body, Origin(file, f"transition #{number}")))


def _again(first: Origin | None) -> str:
    return f"declared again (first in {first})"


def _state(name: str, body: object, origin: Origin) -> State:
    if not isinstance(body, dict):
        raise InvalidProcessFile(origin.file, origin.element, "expected a table")
    flags = body.get("flags", [])
    if not isinstance(flags, list) or not all(isinstance(f, str) for f in flags):
        raise InvalidProcessFile(origin.file, origin.element, "flags must be a list of names")
    closes = body.get("closes_order", False)
    if not isinstance(closes, bool):
        raise InvalidProcessFile(origin.file, origin.element, "closes_order must be true/false")
    return State(name, frozenset(flags), closes, origin)


def _event(name: str, body: object, origin: Origin) -> Event:
    file, element = origin.file, origin.element
    if not isinstance(body, dict):
        raise InvalidProcessFile(file, element, "expected a table")
    try:
        trigger = Trigger(body.get("trigger", "manual"))
    except ValueError:
        choices = ", ".join(t.value for t in Trigger)
        raise InvalidProcessFile(file, element, f"trigger must be one of {choices}") from None
    timeout = None
    if trigger is Trigger.TIMEOUT:
        try:
            timeout = parse_duration(_text(body, "timeout", file, element))
        except ValueError as error:
            raise InvalidProcessFile(file, element, str(error)) from None
    elif "timeout" in body:
        raise InvalidProcessFile(file, element, "a timeout needs trigger = 'timeout'")
    command = body.get("command")
    if command is not None and not isinstance(command, str):
        raise InvalidProcessFile(file, element, "command must be a name")
    closed = body.get("allowed_when_closed", False)
    if not isinstance(closed, bool):
        raise InvalidProcessFile(file, element, "allowed_when_closed must be true/false")
    return Event(name, trigger, command, timeout, closed, origin)


def _transition(body: object, origin: Origin) -> Transition:
    file, element = origin.file, origin.element
    if not isinstance(body, dict):
        raise InvalidProcessFile(file, element, "expected a table")
    event, condition = body.get("event"), body.get("condition")
    if event is None and condition is None:
        raise InvalidProcessFile(file, element, "needs an event, a condition or both")
    for key in ("event", "condition"):
        if body.get(key) is not None and not isinstance(body[key], str):
            raise InvalidProcessFile(file, element, f"{key} must be a name")
    happy = body.get("happy", False)
    if not isinstance(happy, bool):
        raise InvalidProcessFile(file, element, "happy must be true/false")
    source, target = _text(body, "from", file, element), _text(body, "to", file, element)
    described = Origin(file, f"{element} ({source!r} -> {target!r})")
    return Transition(source, target, event, condition, happy, described)


def _check_references(
    process: Process,
    commands: Collection[str],
    conditions: Collection[str],
    signals: Collection[str],
) -> None:
    for event in process.events.values():
        if event.command is not None and event.command not in commands:
            _fail(UnknownCommand, event.origin, f"no command {event.command!r} is registered")
        if event.trigger is Trigger.SIGNAL and event.name not in signals:
            _fail(UnknownSignal, event.origin, "the application sends no such signal")
        elif event.trigger is not Trigger.SIGNAL and event.name in signals:
            reason = "the application signals this event: declare it with trigger = 'signal'"
            _fail(InvalidProcessFile, event.origin, reason)
    for transition in process.transitions:
        origin = transition.origin
        for state in (transition.source, transition.target):
            if state not in process.states:
                _fail(UnknownState, origin, f"no state {state!r}")
        if transition.event is not None and transition.event not in process.events:
            _fail(UnknownEvent, origin, f"no event {transition.event!r}")
        if transition.condition is not None and transition.condition not in conditions:
            _fail(UnknownCondition, origin, f"no condition {transition.condition!r}")


def _check_reachable(process: Process, main_file: str) -> None:
    reached, frontier = {process.initial}, [process.initial]
    while frontier:
        for transition in process.leaving(frontier.pop()):
            if transition.target not in reached:
                reached.add(transition.target)
                frontier.append(transition.target)
    for name, state in process.states.items():
        if name not in reached:
            _fail(UnreachableState, state.origin, f"not reachable from {process.initial!r}")


def _check_used(process: Process) -> None:
    used = {t.event for t in process.transitions}
    for name, event in process.events.items():
        if name not in used:
            _fail(UnusedEvent, event.origin, "no transition uses it")


def _fail(error: type[ProcessFileError], origin: Origin | None, reason: str) -> None:
    where = origin or Origin("?", "?")
    raise error(where.file, where.element, reason)


def _table(
    document: Mapping[str, Any], key: str, file: str, element: str, *, required: bool = True
) -> dict[str, Any]:
    value = document.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise InvalidProcessFile(file, element, "missing table" if value is None else "not a table")
    return value


def _text(body: Mapping[str, Any], key: str, file: str, element: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise InvalidProcessFile(file, element, f"{key!r} must be a non-empty string")
    return value
