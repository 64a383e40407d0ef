"""docs/processes.md explains the process files: it must keep up with them."""

from __future__ import annotations

from pathlib import Path

import pytest

from amzpay.processes.catalog import load_processes
from amzpay.processes.conditions import conditions
from amzpay.processes.settlement import SIGNALS

DOCS = Path(__file__).resolve().parents[3] / "docs"
PROCESSES = load_processes()


@pytest.mark.parametrize("name", sorted(PROCESSES))
def test_each_process_has_its_rendered_diagram_in_the_docs(name):
    page = (DOCS / "processes.md").read_text()

    assert (DOCS / "images" / f"{name}.svg").read_text().lstrip().startswith("<?xml")
    assert f"(images/{name}.svg)" in page


def test_every_command_is_explained():
    page = (DOCS / "processes.md").read_text()
    commands = {e.command for p in PROCESSES.values() for e in p.events.values() if e.command}

    assert [c for c in sorted(commands) if f"`{c}`" not in page] == []


def test_every_condition_is_explained():
    page = (DOCS / "processes.md").read_text()

    assert [c for c in conditions() if f"`{c}`" not in page] == []


def test_every_signal_is_explained():
    page = (DOCS / "processes.md").read_text()

    assert [s for s in sorted(SIGNALS) if f"`{s}`" not in page] == []


@pytest.mark.parametrize("name", sorted(PROCESSES))
def test_the_committed_diagram_shows_every_state(name):
    svg = (DOCS / "images" / f"{name}.svg").read_text()

    assert [state for state in PROCESSES[name].states if state not in svg] == []
