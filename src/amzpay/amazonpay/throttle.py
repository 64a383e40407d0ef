"""Client-side token buckets, one per operation, so a batch never hits Amazon's throttle.

Amazon throttles per seller and operation with a leaky bucket and answers 503 RequestThrottled
when it is empty (Amazon Pay API reference, "Throttling limits"; research A.10):

    operations                                   live burst / restore   sandbox burst / restore
    writes (Authorize, Capture, Refund, Close…)  10 / 1 per s            2 / 1 per 2 s
    Get…Details                                  20 / 2 per s            5 / 1 per s

``Throttle.acquire(operation)`` takes one token and sleeps until it is due; a caller that
finds the bucket empty reserves the next token, so concurrent callers queue fairly. The
clock and the sleep are injected: tests advance a fake clock instead of sleeping.

A call Amazon throttled anyway (another process spent the quota, or pacing is off) is tried
again later on a backoff the quota bounds (``Quota.first_backoff``, ``Quota.longest_backoff``):
no sooner than the bucket takes to fill again, doubling with each try, never longer than the
bucket takes to restore ``BACKOFF_CALLS`` calls (at most ``LONGEST_BACKOFF``).

Imports nothing but the standard library.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from types import MappingProxyType
from typing import Final


@dataclass(frozen=True, slots=True)
class Quota:
    """``burst`` calls at once, then one more every ``restore_seconds``."""

    burst: int
    restore_seconds: float

    def __post_init__(self) -> None:
        if self.burst < 1 or self.restore_seconds <= 0:
            raise ValueError(f"a quota needs burst >= 1 and restore > 0, got {self}")

    @property
    def first_backoff(self) -> timedelta:
        """The shortest wait before a throttled call is tried again: the time an empty
        bucket takes to fill again (a sooner try meets the same empty bucket)."""
        return timedelta(seconds=self.burst * self.restore_seconds)

    @property
    def longest_backoff(self) -> timedelta:
        """The longest wait: the time the bucket takes to restore ``BACKOFF_CALLS`` calls
        (the calls queued behind a throttled one are served by then), at most
        ``LONGEST_BACKOFF``."""
        restored = timedelta(seconds=BACKOFF_CALLS * self.restore_seconds)
        return max(self.first_backoff, min(LONGEST_BACKOFF, restored))


BACKOFF_CALLS: Final = 300
LONGEST_BACKOFF: Final = timedelta(hours=1)
UNKNOWN_QUOTA: Final = Quota(1, 30.0)
"""What a throttled operation with no known quota is taken to have."""


WRITE_OPERATIONS: Final = (
    "Authorize",
    "CancelOrderReference",
    "Capture",
    "CloseAuthorization",
    "CloseOrderReference",
    "ConfirmOrderReference",
    "Refund",
    "SetOrderAttributes",
    "SetOrderReferenceDetails",
)
READ_OPERATIONS: Final = (
    "GetAuthorizationDetails",
    "GetCaptureDetails",
    "GetOrderReferenceDetails",
    "GetRefundDetails",
)


def _quotas(write: Quota, read: Quota) -> Mapping[str, Quota]:
    table = dict.fromkeys(WRITE_OPERATIONS, write) | dict.fromkeys(READ_OPERATIONS, read)
    return MappingProxyType(table)


LIVE_QUOTAS: Final = _quotas(Quota(10, 1.0), Quota(20, 0.5))
SANDBOX_QUOTAS: Final = _quotas(Quota(2, 2.0), Quota(5, 1.0))


class TokenBucket:
    """One operation's bucket. ``reserve()`` takes a token and says how long to wait for it."""

    def __init__(self, quota: Quota, clock: Callable[[], float]) -> None:
        self._quota, self._clock = quota, clock
        self._tokens = float(quota.burst)
        self._updated = clock()
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Take one token; the seconds until it is available (0.0 when it is there now)."""
        with self._lock:
            now = self._clock()
            refilled = (now - self._updated) / self._quota.restore_seconds
            self._tokens = min(float(self._quota.burst), self._tokens + refilled)
            self._updated = now
            self._tokens -= 1.0
            if self._tokens >= 0.0:
                return 0.0
            return -self._tokens * self._quota.restore_seconds


class WaitTally:
    """How often, and how long in all, calls waited for their bucket, per operation: what
    /metrics reports as throttling waits (this process's; the tally lives in memory)."""

    def __init__(self) -> None:
        self._waits: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def record(self, operation: str, seconds: float) -> None:
        with self._lock:
            count, total = self._waits.get(operation, (0, 0.0))
            self._waits[operation] = (count + 1, total + seconds)

    def snapshot(self) -> dict[str, tuple[int, float]]:
        """operation -> (waits, seconds waited in all)."""
        with self._lock:
            return dict(self._waits)


class Throttle:
    """Token buckets for every operation in ``quotas``; other operations pass freely. Each
    wait is added to ``tally``, when one is given."""

    def __init__(
        self,
        quotas: Mapping[str, Quota],
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        tally: WaitTally | None = None,
    ) -> None:
        self._buckets = {name: TokenBucket(quota, clock) for name, quota in quotas.items()}
        self._sleep, self._tally = sleep, tally

    @classmethod
    def unlimited(cls) -> Throttle:
        return cls({})

    def acquire(self, operation: str) -> float:
        """Wait until ``operation`` may be sent; returns the seconds waited."""
        bucket = self._buckets.get(operation)
        wait = bucket.reserve() if bucket is not None else 0.0
        if wait > 0.0:
            if self._tally is not None:
                self._tally.record(operation, wait)
            self._sleep(wait)
        return wait
