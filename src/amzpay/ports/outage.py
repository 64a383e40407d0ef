"""A storage that does not answer, as the loops that use it wait it out.

    Outage(name)   a loop's view of an outage: ``failed(error)`` gives the next pause (1 s
                   doubling up to 30 s) and logs one line when the storage goes;
                   ``answered()`` logs one line when it is back

Only the error's kind is ever logged, never its text: a driver's message can hold the host,
the user or a URL.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from amzpay.ports.errors import StorageFailed

log = logging.getLogger(__name__)

FIRST_PAUSE: Final = 1.0
LONGEST_PAUSE: Final = 30.0
RETRY_AFTER_SECONDS: Final = 5  # what a web client is told to wait during an outage


@dataclass
class Backoff:
    """Pauses that double from ``first`` up to ``longest``, from the first failure on."""

    first: float = FIRST_PAUSE
    longest: float = LONGEST_PAUSE
    failures: int = 0

    def next_pause(self) -> float:
        self.failures += 1
        return float(min(self.longest, self.first * 2 ** (self.failures - 1)))

    def reset(self) -> None:
        self.failures = 0


@dataclass
class Outage:
    """One loop's record of the database's outages (the worker's, ``serve``'s worker thread)."""

    name: str
    backoff: Backoff = field(default_factory=Backoff)
    clock: Callable[[], float] = time.monotonic
    since: float | None = None  # when the database stopped answering, while it does not

    @property
    def ongoing(self) -> bool:
        return self.since is not None

    def failed(self, error: BaseException) -> float:
        """The database did not answer: how long to pause before the next try."""
        pause = self.backoff.next_pause()
        if self.since is None:
            self.since = self.clock()
            log.warning(
                "%s: the database is unreachable (%s); trying again in %g s, then less and "
                "less often (at most every %g s)",
                self.name,
                error.kind if isinstance(error, StorageFailed) else type(error).__name__,
                pause,
                self.backoff.longest,
            )
        else:
            log.debug("%s: the database is still unreachable; next try in %g s", self.name, pause)
        return pause

    def answered(self) -> None:
        """The database answered: say so once if it had been away."""
        if self.since is not None:
            away = self.clock() - self.since
            log.warning("%s: the database answers again, after %.0f s", self.name, away)
        self.since = None
        self.backoff.reset()
