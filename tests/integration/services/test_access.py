"""Staff users, sessions and API tokens against both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from amzpay.ports.errors import DuplicateName
from amzpay.services.access import AccessService, InvalidCredentials, LoginRefused
from amzpay.store import tables as t

PASSWORD = "correct horse battery"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock()


CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture
def access(database, clock):
    return AccessService(database, clock, session_lifetime=timedelta(hours=1), hasher=CHEAP)


def test_a_user_logs_in_with_the_password_and_the_session_opens_until_it_expires(access, clock):
    access.add_user("ada", PASSWORD, "Ada Lovelace")

    session = access.log_in("ada", PASSWORD)

    found = access.session(session.token)
    assert found is not None
    assert (found.username, found.name, found.csrf_token) == (
        "ada",
        "Ada Lovelace",
        session.csrf_token,
    )
    clock.now += timedelta(hours=1)
    assert access.session(session.token) is None


def test_the_database_holds_neither_the_password_nor_the_session_token(sql_database, clock):
    access = AccessService(sql_database, clock, hasher=CHEAP)
    access.add_user("ada", PASSWORD)
    session = access.log_in("ada", PASSWORD)

    with sql_database.engine.connect() as connection:
        users = connection.execute(select(t.staff_users)).all()
        sessions = connection.execute(select(t.staff_sessions)).all()

    assert users[0].password_hash.startswith("$argon2id$")
    assert PASSWORD not in users[0].password_hash
    assert sessions[0].token_hash != session.token
    assert len(sessions[0].token_hash) == 64


@pytest.mark.parametrize(("username", "password"), [("ada", "wrong password!"), ("bob", PASSWORD)])
def test_a_wrong_password_and_an_unknown_user_are_refused_alike(access, username, password):
    access.add_user("ada", PASSWORD)

    with pytest.raises(LoginRefused, match="wrong username or password"):
        access.log_in(username, password)


def test_logging_out_ends_the_session_and_only_that_one(access):
    access.add_user("ada", PASSWORD)
    first, second = access.log_in("ada", PASSWORD), access.log_in("ada", PASSWORD)

    access.log_out(first.token)

    assert access.session(first.token) is None
    assert access.session(second.token) is not None


def test_disabling_a_user_or_changing_the_password_ends_their_sessions(access):
    access.add_user("ada", PASSWORD)
    session = access.log_in("ada", PASSWORD)
    access.set_password("ada", "another long password")
    assert access.session(session.token) is None

    session = access.log_in("ada", "another long password")
    access.set_active("ada", False)
    assert access.session(session.token) is None
    with pytest.raises(LoginRefused):
        access.log_in("ada", "another long password")


@pytest.mark.parametrize(
    ("username", "password", "field"),
    [
        ("", PASSWORD, "username"),
        ("Ada Lovelace", PASSWORD, "username"),
        ("ada", "short", "password"),
    ],
)
def test_a_bad_username_or_password_is_named(access, username, password, field):
    with pytest.raises(InvalidCredentials) as refused:
        access.add_user(username, password)

    assert refused.value.field == field


def test_a_username_is_taken_once(access):
    access.add_user("ada", PASSWORD)

    with pytest.raises(DuplicateName, match="'ada' exists already"):
        access.add_user("ada", PASSWORD)


def test_an_api_token_names_its_client_until_it_is_revoked(access):
    secret = access.add_api_token("erp")

    assert access.api_client(secret) == "erp"
    assert access.api_client(secret + "x") is None
    assert access.revoke_api_token("erp") is True
    assert access.api_client(secret) is None
    assert [(token.name, token.revoked) for token in access.api_tokens()] == [("erp", True)]
