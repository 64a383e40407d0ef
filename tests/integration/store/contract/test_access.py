"""Who may use amzpay: back-office users, their sessions, failed logins, API tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest

from amzpay.ports.access import ApiToken, FailureTally, LoginFailureRow, StaffUser
from amzpay.ports.errors import DuplicateName
from integration.store.contract.kit import MINUTE, NOW

HOUR = timedelta(hours=1)


def _users(storage, *names):
    with storage.transaction() as tx:
        for name in names:
            tx.add_user(name, f"hash-{name}", name.title(), NOW)
    with storage.read() as tx:
        return [tx.user(name) for name in names]


def test_a_user_comes_back_active_with_what_was_stored(storage):
    [alice] = _users(storage, "alice")

    assert alice is not None
    assert (alice.username, alice.display_name, alice.password_hash, alice.active) == (
        "alice",
        "Alice",
        "hash-alice",
        True,
    )
    assert alice.last_login_at is None
    with storage.read() as tx:
        assert tx.user("nobody") is None


def test_users_come_by_name(storage):
    _users(storage, "carol", "alice", "bob")

    with storage.read() as tx:
        assert [u.username for u in tx.users()] == ["alice", "bob", "carol"]


def test_a_username_is_taken_once(storage):
    _users(storage, "alice")

    with pytest.raises(DuplicateName) as raised, storage.transaction() as tx:
        tx.add_user("alice", "other", None, NOW)

    assert (raised.value.kind, raised.value.name) == ("user", "alice")
    with storage.read() as tx:
        user = tx.user("alice")
    assert user is not None
    assert user.password_hash == "hash-alice"


def test_a_taken_username_leaves_the_rest_of_the_unit_of_work_usable(storage):
    _users(storage, "alice")

    with storage.transaction() as tx:
        with pytest.raises(DuplicateName):
            tx.add_user("alice", "other", None, NOW)
        tx.add_user("bob", "hash-bob", None, NOW)

    with storage.read() as tx:
        assert [u.username for u in tx.users()] == ["alice", "bob"]


def test_an_update_sets_the_named_columns_of_a_known_user(storage):
    _users(storage, "alice")

    with storage.transaction() as tx:
        known = tx.update_user("alice", password_hash="new", active=False, last_login_at=NOW)
        unknown = tx.update_user("nobody", active=False)

    with storage.read() as tx:
        alice = tx.user("alice")
    assert (known, unknown) == (True, False)
    assert alice == StaffUser(alice.id, "alice", "Alice", "new", False, NOW)


def test_a_session_opens_for_an_active_user_until_it_expires(storage):
    [alice] = _users(storage, "alice")
    with storage.transaction() as tx:
        tx.add_session("digest-1", alice.id, "csrf-1", NOW, NOW + HOUR)

    with storage.read() as tx:
        live = tx.session("digest-1", NOW + HOUR - MINUTE)
        expired = tx.session("digest-1", NOW + HOUR)
        unknown = tx.session("digest-9", NOW)
    assert live is not None
    assert (live.user, live.csrf_token, live.expires_at) == (alice, "csrf-1", NOW + HOUR)
    assert (expired, unknown) == (None, None)


def test_a_deactivated_users_session_opens_nothing(storage):
    [alice] = _users(storage, "alice")
    with storage.transaction() as tx:
        tx.add_session("digest-1", alice.id, "csrf-1", NOW, NOW + HOUR)
        tx.update_user("alice", active=False)

    with storage.read() as tx:
        assert tx.session("digest-1", NOW) is None


def test_sessions_are_dropped_one_by_user_or_when_expired(storage):
    alice, bob = _users(storage, "alice", "bob")
    with storage.transaction() as tx:
        tx.add_session("a-1", alice.id, "c", NOW, NOW + HOUR)
        tx.add_session("a-2", alice.id, "c", NOW, NOW + 2 * HOUR)
        tx.add_session("b-1", bob.id, "c", NOW, NOW + HOUR)
        tx.add_session("b-2", bob.id, "c", NOW, NOW + 3 * HOUR)

    with storage.transaction() as tx:
        tx.drop_session("b-2")
        tx.drop_sessions_of(alice.id)
        tx.add_session("a-3", alice.id, "c", NOW, NOW + 3 * HOUR)
        expired = tx.drop_expired_sessions(NOW + HOUR)

    with storage.read() as tx:
        alive = [d for d in ("a-1", "a-2", "a-3", "b-1", "b-2") if tx.session(d, NOW)]
    assert expired == 1
    assert alive == ["a-3"]


def _failures(storage):
    with storage.transaction() as tx:
        tx.add_login_failure("alice", "10.0.0.1", "bad_password", NOW)
        tx.add_login_failure("alice", "10.0.0.2", "bad_password", NOW + MINUTE)
        tx.add_login_failure("ghost", "10.0.0.1", "unknown_user", NOW + 2 * MINUTE)
        tx.add_login_failure("alice", "10.0.0.1", "throttled", NOW + 3 * MINUTE)


def test_failed_logins_are_tallied_by_user_and_by_address_since_a_moment(storage):
    _failures(storage)
    counted = {"bad_password", "unknown_user"}

    with storage.read() as tx:
        by_user = tx.failures_of_user("alice", NOW - MINUTE, counted)
        by_user_later = tx.failures_of_user("alice", NOW, counted)
        by_address = tx.failures_from_address("10.0.0.1", NOW - MINUTE, counted)
        none = tx.failures_of_user("bob", NOW - MINUTE, counted)

    assert by_user == FailureTally(2, NOW + MINUTE)
    assert by_user_later == FailureTally(1, NOW + MINUTE)
    assert by_address == FailureTally(2, NOW + 2 * MINUTE)
    assert none == FailureTally(0, None)


def test_failed_logins_come_newest_first_a_page_at_a_time_with_their_count(storage):
    _failures(storage)

    with storage.read() as tx:
        page, total = tx.login_failures(2, 1)
        alices, alice_total = tx.login_failures(10, username="alice")
        counts = tx.login_failure_counts(NOW)

    assert total == 4
    assert page == [
        LoginFailureRow(NOW + 2 * MINUTE, "ghost", "10.0.0.1", "unknown_user"),
        LoginFailureRow(NOW + MINUTE, "alice", "10.0.0.2", "bad_password"),
    ]
    assert ([f.at for f in alices], alice_total) == ([NOW + 3 * MINUTE, NOW + MINUTE, NOW], 3)
    assert counts == {"alice": 2, "ghost": 1}


def test_old_failed_logins_are_dropped(storage):
    _failures(storage)

    with storage.transaction() as tx:
        dropped = tx.drop_login_failures_before(NOW + 2 * MINUTE)

    with storage.read() as tx:
        _, left = tx.login_failures(10)
    assert (dropped, left) == (2, 2)


def test_an_api_token_is_found_by_its_digest_until_revoked(storage):
    with storage.transaction() as tx:
        tx.add_api_token("shop", "digest-shop", NOW)
        tx.add_api_token("erp", "digest-erp", NOW)
        tx.touch_api_token("shop", NOW + MINUTE)
        first = tx.revoke_api_token("erp", NOW + 2 * MINUTE)
        again = tx.revoke_api_token("erp", NOW + 3 * MINUTE)
        unknown = tx.revoke_api_token("nope", NOW)

    with storage.read() as tx:
        names = [tx.api_token(d) for d in ("digest-shop", "digest-erp", "digest-x")]
        tokens = tx.api_tokens()
    assert (first, again, unknown) == (True, False, False)
    assert names == ["shop", None, None]
    assert tokens == [
        ApiToken("erp", NOW, None, True),
        ApiToken("shop", NOW, NOW + MINUTE, False),
    ]


def test_a_token_name_is_taken_once_even_after_revocation(storage):
    with storage.transaction() as tx:
        tx.add_api_token("shop", "digest-1", NOW)
        tx.revoke_api_token("shop", NOW)

    with pytest.raises(DuplicateName) as raised, storage.transaction() as tx:
        tx.add_api_token("shop", "digest-2", NOW)

    assert (raised.value.kind, raised.value.name) == ("API token", "shop")
