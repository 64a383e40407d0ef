"""Clocks: the real one, a manual one that tests and demos move forward themselves, and the
real one moved ahead by an offset, which a served simulator uses so that a shop written in
any language can skip Amazon's delays instead of waiting for them.

The simulator never sleeps to make time pass; it asks its clock what time it is and
settles whatever has fallen due.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Tells the current time, always timezone-aware UTC."""

    def now(self) -> datetime: ...


class SystemClock:
    """The wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 5, 9, 0, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> None:
        """Move forward by ``seconds``."""
        self.set(self._now + timedelta(seconds=seconds))

    def set(self, moment: datetime) -> None:
        """Move to ``moment``; time never runs backwards."""
        if moment < self._now:
            raise ValueError(f"the clock cannot go back from {self._now} to {moment}")
        self._now = moment


class OffsetClock:
    """The wall clock plus an offset that only grows: moving it forward puts the simulator
    ahead of real time, and its time keeps running from there."""

    def __init__(self, wall: Clock | None = None) -> None:
        self._wall: Clock = SystemClock() if wall is None else wall
        self._offset = timedelta(0)

    def now(self) -> datetime:
        return self._wall.now() + self._offset

    def wall_time(self) -> datetime:
        """The real time, without the offset."""
        return self._wall.now()

    @property
    def offset(self) -> timedelta:
        return self._offset

    def advance(self, seconds: float) -> None:
        """Move forward by ``seconds``."""
        self.set(self.now() + timedelta(seconds=seconds))

    def set(self, moment: datetime) -> None:
        """Move to ``moment`` by growing the offset; time never runs backwards."""
        now = self.now()
        if moment < now:
            raise ValueError(f"the clock cannot go back from {now} to {moment}")
        self._offset += moment - now


def caller_time(clock: Clock) -> datetime:
    """The time a caller's own clock shows, which its request Timestamps carry: the
    simulator's, except that moving an offset clock moved the simulator alone."""
    return clock.wall_time() if isinstance(clock, OffsetClock) else clock.now()


def amazon_timestamp(moment: datetime) -> str:
    """Amazon's timestamp form, with milliseconds: ``2015-10-30T21:47:10.797Z``."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
