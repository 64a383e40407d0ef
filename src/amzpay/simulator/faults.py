"""Faults on demand: what the next calls and IPNs should suffer.

Each counter says how many of the next calls or IPNs the fault hits; it counts down as they
do. Set through the control API (``/_sim/faults``) or ``Simulator.faults`` directly.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

COUNTERS = (
    "drop_ipns",
    "duplicate_ipns",
    "delay_ipns",
    "reorder_ipns",
    "bad_signature_ipns",
    "fail_calls",
    "lose_responses",
)


@dataclass
class Faults:
    """Pending faults. ``reorder_ipns=N`` holds the next N IPNs and then sends them newest
    first; ``fail_calls`` answers ``fail_status`` (500 InternalServerError or 503
    ServiceUnavailable); ``lose_responses`` performs the call and never answers it."""

    drop_ipns: int = 0
    duplicate_ipns: int = 0
    delay_ipns: int = 0
    delay_seconds: float = 0.0
    reorder_ipns: int = 0
    bad_signature_ipns: int = 0
    fail_calls: int = 0
    fail_status: int = 500
    lose_responses: int = 0
    latency_seconds: float = 0.0

    def take(self, counter: str) -> bool:
        """Whether the fault ``counter`` hits this call or IPN (and count it down)."""
        left: int = getattr(self, counter)
        if left <= 0:
            return False
        setattr(self, counter, left - 1)
        return True

    def update(self, changes: dict[str, Any]) -> None:
        """Set the faults named in ``changes``; raises ValueError for an unknown name or a
        value of the wrong kind."""
        kinds = {f.name: f.type for f in fields(self)}
        for name, value in changes.items():
            if name not in kinds:
                raise ValueError(f"unknown fault {name!r}; known: {', '.join(sorted(kinds))}")
            wanted = int if kinds[name] == "int" else float
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"fault {name!r} takes a number, not {value!r}")
            if name == "fail_status" and value not in (500, 503):
                raise ValueError("fail_status is 500 or 503")
            setattr(self, name, wanted(value))

    def as_dict(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in fields(self)}
