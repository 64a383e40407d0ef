"""Every transition of every process file is driven at least once.

The cases are generated from the files: a transition added to a file is a new case here, and
fails until ``driver.py`` knows how to make Amazon satisfy its condition.
"""

from __future__ import annotations

import pytest

from amzpay.oms.model import Transition
from amzpay.processes.catalog import load_processes
from fakes.world import World
from unit.processes.driver import Strategy, drive, path_to

PROCESSES = load_processes()
CASES = [
    pytest.param(name, transition, id=f"{name}: {transition}")
    for name, process in PROCESSES.items()
    for transition in process.transitions
]


@pytest.mark.parametrize(("process_name", "transition"), CASES)
def test_the_transition_is_taken_when_driven_along_its_path(database, process_name, transition):
    process = PROCESSES[process_name]
    path = path_to(process, transition)

    taken = set()
    for strategy in Strategy:
        world = World(database)
        order = drive(world, process, path, strategy)
        taken |= {(source, target, event) for _, source, target, event in world.history(order)}
        if _key(transition) in taken:
            break

    assert _key(transition) in taken, f"{transition} not taken along {[str(t) for t in path]}"


def _key(transition: Transition) -> tuple[str, str, str | None]:
    return (transition.source, transition.target, transition.event)
