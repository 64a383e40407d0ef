"""Retries and time for the API clients of both Amazon Pay APIs: the backoff policy and the
clocks, sleep and random source a transport uses, each injectable so no test ever waits.

Imports amzpay.amazonpay.throttle and the standard library only.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from amzpay.amazonpay.throttle import Throttle


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Up to ``max_attempts`` tries; before retry n (1, 2, …) wait between half and all of
    ``min(max_delay, base_delay * 2**(n-1))`` seconds ("equal jitter")."""

    max_attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 30.0

    def delay(self, retry: int, rng: Callable[[], float]) -> float:
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (retry - 1))
        return ceiling / 2 + rng() * ceiling / 2


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Pacing:
    """Everything time-related a transport uses; tests replace each one."""

    retry: RetryPolicy = RetryPolicy()
    throttle: Throttle = field(default_factory=Throttle.unlimited)
    sleep: Callable[[float], None] = time.sleep
    rng: Callable[[], float] = random.random
    now: Callable[[], datetime] = utc_now
    monotonic: Callable[[], float] = time.monotonic
