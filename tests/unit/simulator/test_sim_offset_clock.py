"""The offset clock a served simulator runs on: the real time, moved ahead on request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from amzpay.simulator import ManualClock, OffsetClock, SystemClock
from amzpay.simulator.clock import caller_time

START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_advancing_moves_the_simulator_ahead_of_the_real_time() -> None:
    wall = ManualClock(START)
    clock = OffsetClock(wall)

    clock.advance(90)

    assert clock.now() == START + timedelta(seconds=90)
    assert clock.wall_time() == START
    assert clock.offset == timedelta(seconds=90)


def test_the_moved_clock_keeps_running_with_the_real_time() -> None:
    wall = ManualClock(START)
    clock = OffsetClock(wall)
    clock.advance(3600)

    wall.advance(5)

    assert clock.now() == START + timedelta(seconds=3605)


def test_the_offset_clock_never_runs_backwards() -> None:
    clock = OffsetClock(ManualClock(START))

    with pytest.raises(ValueError, match="cannot go back"):
        clock.set(START - timedelta(seconds=1))


def test_without_a_wall_clock_it_follows_the_system_clock() -> None:
    before = SystemClock().now()

    now = OffsetClock().now()

    assert before <= now <= SystemClock().now()


def test_callers_stamp_requests_with_the_real_time_when_the_simulator_ran_ahead() -> None:
    offset = OffsetClock(ManualClock(START))
    offset.advance(7200)
    manual = ManualClock(START)

    assert caller_time(offset) == START
    assert caller_time(manual) == START
