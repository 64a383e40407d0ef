"""The login limits' arithmetic: how many failures are allowed and how long each locks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from amzpay.ports.access import FailureTally
from amzpay.services.login_limits import LoginFailure, LoginLimits, in_words

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


class Counts:
    """Failures per username and per address, each (count, last failure)."""

    def __init__(self, user: FailureTally, address: FailureTally) -> None:
        self.user, self.address = user, address
        self.asked: list[tuple[str, datetime, tuple[str, ...]]] = []

    def failures_of_user(
        self, username: str, since: datetime, outcomes: tuple[str, ...]
    ) -> FailureTally:
        self.asked.append((username, since, outcomes))
        return self.user

    def failures_from_address(
        self, address: str, since: datetime, outcomes: tuple[str, ...]
    ) -> FailureTally:
        self.asked.append((address, since, outcomes))
        return self.address


NONE = FailureTally(0, None)


@pytest.mark.parametrize(
    ("failures", "lockout"),
    [(4, 0), (5, 30), (6, 60), (7, 120), (8, 240), (9, 480), (10, 900), (11, 900), (500, 900)],
)
def test_each_failure_beyond_the_allowed_five_doubles_the_lockout_up_to_fifteen_minutes(
    failures, lockout
):
    assert LoginLimits().lockout(failures, allowed=5) == timedelta(seconds=lockout)


def test_a_username_over_its_limit_waits_out_the_lockout_from_its_last_failure():
    counts = Counts(FailureTally(6, NOW - timedelta(seconds=20)), NONE)

    assert LoginLimits().wait(counts, "ada", "198.51.100.1", NOW) == timedelta(seconds=40)


def test_an_address_may_fail_fifty_times_before_it_is_locked():
    limits = LoginLimits()
    last = NOW - timedelta(seconds=1)

    assert limits.wait(Counts(NONE, FailureTally(49, last)), "ada", "a", NOW) == timedelta(0)
    assert limits.wait(Counts(NONE, FailureTally(50, last)), "ada", "a", NOW) == timedelta(
        seconds=29
    )


def test_the_longer_of_the_two_lockouts_applies():
    counts = Counts(FailureTally(5, NOW), FailureTally(52, NOW))

    assert LoginLimits().wait(counts, "ada", "a", NOW) == timedelta(minutes=2)


def test_failures_are_counted_over_the_window_or_since_the_last_login_whichever_is_later():
    counts = Counts(NONE, NONE)
    limits = LoginLimits()
    logged_in = NOW - timedelta(minutes=10)

    limits.wait(counts, "ada", "a", NOW, since=logged_in)
    limits.wait(counts, "ada", "a", NOW, since=NOW - timedelta(days=3))

    counted = tuple(f.value for f in LoginFailure if f is not LoginFailure.THROTTLED)
    assert counts.asked == [
        ("a", NOW - timedelta(hours=24), counted),
        ("ada", logged_in, counted),
        ("a", NOW - timedelta(hours=24), counted),
        ("ada", NOW - timedelta(hours=24), counted),
    ]


def test_a_lockout_that_has_passed_lets_the_next_attempt_through():
    counts = Counts(FailureTally(9, NOW - timedelta(minutes=8)), NONE)

    assert LoginLimits().wait(counts, "ada", "a", NOW) == timedelta(0)


@pytest.mark.parametrize(
    ("wait", "words"),
    [
        (timedelta(seconds=0.2), "1 second"),
        (timedelta(seconds=29.1), "30 seconds"),
        (timedelta(seconds=60), "1 minute"),
        (timedelta(seconds=61), "2 minutes"),
        (timedelta(minutes=15), "15 minutes"),
    ],
)
def test_the_wait_is_said_in_whole_seconds_or_minutes_rounded_up(wait, words):
    assert in_words(wait) == words
