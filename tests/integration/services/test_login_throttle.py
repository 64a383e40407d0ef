"""Failed logins: recorded, limited per username and per address in the database (so every
process sharing it agrees), refused over the limits without an argon2 check; expired sessions
and old failures pruned. Against both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from amzpay.services.access import AccessService, LoginRefused, LoginThrottled
from amzpay.services.login_limits import LoginFailure
from amzpay.store.database import Database

PASSWORD = "correct horse battery"
WRONG = "wrong horse battery"
HOME, ELSEWHERE = "198.51.100.7", "203.0.113.9"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


class CountingHasher(PasswordHasher):
    """A cheap argon2 that counts its verifications."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verified += 1
        return super().verify(hash, password)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def hasher():
    return CountingHasher()


@pytest.fixture
def access(database, clock, hasher):
    made = AccessService(database, clock, hasher=hasher)
    made.add_user("ada", PASSWORD)
    return made


def fail(access: AccessService, times: int, username: str = "ada", address: str = HOME) -> None:
    for _ in range(times):
        with pytest.raises(LoginRefused):
            access.log_in(username, WRONG, address)


def test_the_sixth_failed_login_in_a_row_locks_the_username_for_thirty_seconds(access):
    fail(access, 5)

    with pytest.raises(LoginThrottled) as throttled:
        access.log_in("ada", PASSWORD, ELSEWHERE)

    assert throttled.value.retry_after == timedelta(seconds=30)
    assert str(throttled.value) == (
        "too many failed logins for this username or from this address: try again in 30 seconds"
    )


def test_a_refused_attempt_checks_no_password(access, hasher):
    fail(access, 5)
    checked = hasher.verified

    for _ in range(50):
        with pytest.raises(LoginThrottled):
            access.log_in("ada", WRONG, HOME)

    assert hasher.verified == checked == 5


def test_each_failure_after_a_lockout_doubles_the_next_lockout(access, clock):
    fail(access, 5)
    waits = []
    for _ in range(4):
        clock.now += access.locked_for("ada")
        fail(access, 1)
        waits.append(access.locked_for("ada"))

    assert waits == [timedelta(seconds=s) for s in (60, 120, 240, 480)]


def test_an_unknown_username_is_locked_just_like_a_known_one(access):
    fail(access, 5, username="nobody")

    with pytest.raises(LoginThrottled):
        access.log_in("nobody", WRONG, ELSEWHERE)


def test_one_address_trying_many_usernames_is_locked_after_fifty_failures(access):
    for n in range(50):
        fail(access, 1, username=f"guess{n}")

    with pytest.raises(LoginThrottled) as throttled:
        access.log_in("ada", PASSWORD, HOME)
    session = access.log_in("ada", PASSWORD, ELSEWHERE)

    assert throttled.value.retry_after == timedelta(seconds=30)
    assert session.username == "ada"


def test_a_successful_login_starts_the_usernames_count_again_but_not_the_addresss(access):
    fail(access, 4)
    access.log_in("ada", PASSWORD, HOME)

    fail(access, 4)
    for n in range(42):
        fail(access, 1, username=f"guess{n}")

    assert access.locked_for("ada") == timedelta(0)
    with pytest.raises(LoginThrottled):
        access.log_in("ada", PASSWORD, HOME)  # the address's 50th failure was just now


def test_failures_older_than_a_day_no_longer_count(access, clock):
    fail(access, 5)
    clock.now += timedelta(hours=24)

    assert access.log_in("ada", PASSWORD, HOME).username == "ada"


def test_two_processes_on_one_database_share_the_counts(database_url, sql_database, clock, hasher):
    access = AccessService(sql_database, clock, hasher=hasher)
    access.add_user("ada", PASSWORD)
    other = Database(database_url)  # its own engine and connections, like another server
    try:
        fail(access, 3)
        fail(AccessService(other, clock, hasher=hasher), 2)

        with pytest.raises(LoginThrottled):
            access.log_in("ada", PASSWORD, HOME)
    finally:
        other.dispose()


def test_failed_and_refused_logins_are_in_the_history_newest_first(access, clock):
    access.add_user("bob", PASSWORD)
    access.set_active("bob", False)
    fail(access, 1, username="nobody")
    clock.now += timedelta(seconds=1)
    fail(access, 1, username="bob")
    clock.now += timedelta(seconds=1)
    fail(access, 5)
    clock.now += timedelta(seconds=1)
    with pytest.raises(LoginThrottled):
        access.log_in("ada", PASSWORD, ELSEWHERE)

    rows, total = access.login_failures(limit=3)

    assert total == 8
    assert [(r.username, r.address, r.outcome) for r in rows] == [
        ("ada", ELSEWHERE, LoginFailure.THROTTLED),
        ("ada", HOME, LoginFailure.WRONG_PASSWORD),
        ("ada", HOME, LoginFailure.WRONG_PASSWORD),
    ]
    older, _ = access.login_failures(limit=10, offset=6)
    assert [(r.username, r.outcome) for r in older] == [
        ("bob", LoginFailure.DISABLED_USER),
        ("nobody", LoginFailure.UNKNOWN_USER),
    ]
    assert rows[0].at == clock.now
    assert access.recent_failures() == {"ada": 6, "bob": 1, "nobody": 1}


def test_a_username_longer_than_any_is_recorded_cut_to_64_characters(access):
    fail(access, 1, username="x" * 5000, address="y" * 300)

    rows, _ = access.login_failures(limit=1)

    assert (rows[0].username, rows[0].address) == ("x" * 64, "y" * 64)


def test_pruning_drops_expired_sessions_and_failures_older_than_thirty_days(
    access, database, clock
):
    access.log_in("ada", PASSWORD, HOME)
    fail(access, 2)
    clock.now += timedelta(days=30, seconds=1)
    live = access.log_in("ada", PASSWORD, HOME)
    fail(access, 1)

    dropped = access.prune()

    assert dropped == 1 + 2  # the first session, the first two failures
    with database.read() as tx:
        _, failures = tx.login_failures(limit=10)
    with database.transaction() as tx:
        expired_left = tx.drop_expired_sessions(clock.now)
    assert (expired_left, failures) == (0, 1)
    assert access.session(live.token) is not None


def test_pruning_runs_at_most_every_five_minutes(access, database, clock):
    access.prune()
    access.log_in("ada", PASSWORD, HOME)
    clock.now += timedelta(days=1)

    assert access.prune() == 1
    assert access.prune() == 0  # nothing left, and not yet due either
    access.log_in("ada", PASSWORD, HOME)
    clock.now += timedelta(days=1)
    assert access.prune() == 1
    clock.now += timedelta(minutes=4)
    access.log_in("ada", PASSWORD, HOME)
    clock.now += timedelta(days=1)
    assert access.prune() == 1


def test_a_guesser_waiting_out_each_lockout_gets_four_guesses_an_hour(access, clock):
    start = clock.now
    guesses_on_day_two = 0
    while clock.now < start + timedelta(days=2):
        clock.now += access.locked_for("ada")
        fail(access, 1)
        guesses_on_day_two += clock.now >= start + timedelta(days=1)

    assert guesses_on_day_two <= 24 * 4 + 1
