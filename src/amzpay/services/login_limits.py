"""How many failed back-office logins are allowed, per username and per client address.

    limits = LoginLimits()
    wait = limits.wait(tx, "ada", "203.0.113.7", now, since=user.last_login_at)
    if wait: refuse at once, without checking the password (429, Retry-After: wait)

Failures are counted in the database (``login_failures``), so every server process sharing it
applies the same limits. Over the last ``window``, a username may fail ``per_username`` times
and an address ``per_address`` times; after that each further failure locks it for longer:
``first_lockout`` after the last allowed failure, doubling with each failure beyond, at most
``longest_lockout``. A username is counted whether or not such a user exists (the answer
must not tell), and its count starts again after a successful login; an address's does not
(a valid account must not clear the address it guesses from). Refused attempts are recorded
(``THROTTLED``) for staff to read but not counted, so that hammering a locked account does not
keep it locked for ever. The window is long against the longest lockout so that a steady
guesser stays locked: one guess every 15 minutes keeps 96 failures in a day's count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final, Protocol

from amzpay.ports.access import FailureTally

USERNAME_LENGTH: Final = 64  # what is stored and counted of a typed username
ADDRESS_LENGTH: Final = 64


class LoginFailure(StrEnum):
    """Why a login failed, as the history shows it."""

    WRONG_PASSWORD = "wrong-password"
    UNKNOWN_USER = "unknown-user"
    DISABLED_USER = "disabled-user"
    THROTTLED = "throttled"  # refused before any check: too many failures before it

    @property
    def counted(self) -> bool:
        """Whether the throttle counts it (a password was checked)."""
        return self is not LoginFailure.THROTTLED


COUNTED: Final = tuple(f.value for f in LoginFailure if f.counted)


class FailureCounts(Protocol):
    """What the limits read: the store's transaction satisfies it."""

    def failures_of_user(
        self, username: str, since: datetime, outcomes: tuple[str, ...]
    ) -> FailureTally: ...

    def failures_from_address(
        self, address: str, since: datetime, outcomes: tuple[str, ...]
    ) -> FailureTally: ...


@dataclass(frozen=True, slots=True)
class LoginLimits:
    window: timedelta = timedelta(hours=24)
    per_username: int = 5
    per_address: int = 50
    first_lockout: timedelta = timedelta(seconds=30)
    longest_lockout: timedelta = timedelta(minutes=15)

    def lockout(self, failures: int, allowed: int) -> timedelta:
        """How long the last of ``failures`` locks out (zero: still within ``allowed``)."""
        beyond = failures - allowed
        if beyond < 0:
            return timedelta(0)
        if beyond >= 16:  # far past the longest lockout; keeps the power small
            return self.longest_lockout
        return min(self.longest_lockout, self.first_lockout * (1 << beyond))

    def wait(
        self,
        counts: FailureCounts,
        username: str,
        address: str,
        now: datetime,
        since: datetime | None = None,
    ) -> timedelta:
        """How long a login as ``username`` from ``address`` must wait before its password is
        checked (zero: now). ``since``: the user's last successful login."""
        client = counts.failures_from_address(address, now - self.window, COUNTED)
        return max(
            self.wait_for_user(counts, username, now, since),
            self._left(client, self.per_address, now),
        )

    def wait_for_user(
        self, counts: FailureCounts, username: str, now: datetime, since: datetime | None = None
    ) -> timedelta:
        """How long any login as ``username`` must wait (zero: now)."""
        start = now - self.window
        user = counts.failures_of_user(username, max(start, since or start), COUNTED)
        return self._left(user, self.per_username, now)

    def _left(self, tally: FailureTally, allowed: int, now: datetime) -> timedelta:
        if tally.last_at is None:
            return timedelta(0)
        until = tally.last_at + self.lockout(tally.count, allowed)
        return max(timedelta(0), until - now)


def in_words(wait: timedelta) -> str:
    """``wait`` rounded up, for the refusal: "40 seconds", "1 minute", "15 minutes"."""
    seconds = max(1, int(-(-wait.total_seconds() // 1)))
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
