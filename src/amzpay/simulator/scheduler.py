"""What Amazon will do later: timed actions, run in time order once they fall due."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(order=True)
class _Entry:
    due: datetime
    seq: int
    action: Callable[[], None] = field(compare=False)


class Scheduler:
    """A queue of actions keyed by the moment they fall due."""

    def __init__(self) -> None:
        self._heap: list[_Entry] = []
        self._seq = itertools.count()

    def at(self, due: datetime, action: Callable[[], None]) -> None:
        """Run ``action`` once the clock reaches ``due``."""
        heapq.heappush(self._heap, _Entry(due, next(self._seq), action))

    def next_due(self) -> datetime | None:
        return self._heap[0].due if self._heap else None

    def pop_due(self, now: datetime) -> Callable[[], None] | None:
        """The earliest action due at ``now``, removed from the queue; None if none is."""
        if self._heap and self._heap[0].due <= now:
            return heapq.heappop(self._heap).action
        return None
