"""A process as a Graphviz diagram: DOT text, rendered to SVG by the ``dot`` program.

States are grouped by the file that declares them; states that close the order have a double
border; the states an order's items are in are filled, with how many items are there.
Transitions on an event are solid lines labelled with the event (and its command, after a
slash); transitions that wait for news (a signal, labelled ``when ...``) or for a condition
(labelled ``{condition}``) are dashed; the happy path is bold.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping

from amzpay.oms.errors import OmsError
from amzpay.oms.model import Event, Process, Transition, Trigger

_FILL = "#ffd54f"


class GraphvizMissing(OmsError, RuntimeError):
    def __init__(self) -> None:
        super().__init__("Graphviz's 'dot' program is not installed (apt-get install graphviz)")


def to_dot(process: Process, items_in: Mapping[str, int] | None = None) -> str:
    """The process as DOT; ``items_in`` (state -> number of items) is highlighted."""
    counts = items_in or {}
    lines = [
        f"digraph {_quote(process.name)} {{",
        "  rankdir=TB; nodesep=0.4; ranksep=0.45;",
        '  node [shape=box, style="rounded", fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9, color="#555555"];',
    ]
    for number, file in enumerate(process.files):
        lines += _cluster(process, file, number, counts)
    lines += [f"  {_edge(t, process.events)}" for t in process.transitions]
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_svg(dot: str) -> bytes:
    """SVG from DOT text. Raises GraphvizMissing when ``dot`` is not installed."""
    program = shutil.which("dot")
    if program is None:
        raise GraphvizMissing
    done = subprocess.run([program, "-Tsvg"], input=dot.encode(), capture_output=True, check=True)
    return done.stdout


def _cluster(process: Process, file: str, number: int, counts: Mapping[str, int]) -> list[str]:
    states = [s for s in process.states.values() if s.origin and s.origin.file == file]
    if not states:
        return []
    lines = [
        f"  subgraph cluster_{number} {{",
        f'    label={_quote(file)}; fontname="Helvetica"; fontsize=10; color="#bbbbbb";',
    ]
    for state in states:
        lines.append(
            f"    {_quote(state.name)} [{_state_attributes(process, state.name, counts)}];"
        )
    lines.append("  }")
    return lines


def _state_attributes(process: Process, name: str, counts: Mapping[str, int]) -> str:
    state = process.states[name]
    lines = [_escape(name)]
    if state.flags:
        lines.append(_escape(", ".join(sorted(state.flags))))
    attributes = []
    if counts.get(name):
        lines.append(f"{counts[name]} item(s) here")
        attributes += ['style="rounded,filled"', f'fillcolor="{_FILL}"']
    if state.closes_order:
        attributes.append("peripheries=2")
    if name == process.initial:
        attributes.append("penwidth=2")
    label = '"' + "\\n".join(lines) + '"'
    return ", ".join([f"label={label}", *attributes])


def _edge(transition: Transition, events: Mapping[str, Event]) -> str:
    parts = []
    if transition.event is not None:
        parts.append(_event_label(events[transition.event]))
    if transition.condition is not None:
        parts.append(f"{{{transition.condition}}}")
    attributes = [f"label={_quote(' '.join(parts))}"]
    if transition.event is None or events[transition.event].trigger is Trigger.SIGNAL:
        attributes.append("style=dashed")
    if transition.happy:
        attributes.append("penwidth=2.2")
    source, target = _quote(transition.source), _quote(transition.target)
    return f"{source} -> {target} [{', '.join(attributes)}];"


def _event_label(event: Event) -> str:
    label = event.name
    if event.trigger is Trigger.ON_ENTER:
        label = f"on enter: {label}"
    elif event.trigger is Trigger.SIGNAL:
        label = f"when {label}"
    elif event.trigger is Trigger.TIMEOUT and event.timeout is not None:
        label = f"after {_duration(event)}: {label}"
    if event.command and event.command != event.name:
        label += f" / {event.command}"
    return label


def _duration(event: Event) -> str:
    assert event.timeout is not None
    seconds = int(event.timeout.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"


def _escape(text: str) -> str:
    """Text inside a DOT string: backslashes and quotes escaped."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _quote(text: str) -> str:
    return f'"{_escape(text)}"'
