"""Failed logins through the login form: 429 with Retry-After over the limits, no argon2
check for a refused attempt, even with several clients at once against the served app; the
failed logins page staff read."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from bo_shop import PASSWORD, USERNAME, BackOfficeShop, http_client, log_in

from amzpay.web.backoffice.security import LOGIN_COOKIE, SESSION_COOKIE


class CountingHasher(PasswordHasher):
    """A cheap argon2 that counts its verifications (from any thread)."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.verified = 0
        self._lock = threading.Lock()

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        with self._lock:
            self.verified += 1
        return super().verify(hash, password)


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[BackOfficeShop]:
    """A shop of its own for each test: the limits count every failure of the module."""
    made = BackOfficeShop(tmp_path)
    made.add_staff()
    made.app.access.hasher = CountingHasher()
    try:
        yield made
    finally:
        made.close()


@pytest.fixture
def client(shop: BackOfficeShop) -> Iterator[httpx.Client]:
    with http_client(shop.web) as made:
        yield made


def attempt(client: httpx.Client, password: str, username: str = USERNAME) -> httpx.Response:
    if not client.cookies.get(LOGIN_COOKIE):
        client.get("/login")
    return client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "login_token": client.cookies.get(LOGIN_COOKIE) or "",
        },
    )


def test_after_five_wrong_passwords_even_the_right_one_gets_429_with_retry_after(client):
    answers = [attempt(client, "not the password at all").status_code for _ in range(5)]

    refused = attempt(client, PASSWORD)

    assert answers == [401] * 5
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "30"
    assert (
        "Too many failed logins for this username or from this address: try again in 30 seconds"
        in refused.text
    )
    assert SESSION_COOKIE not in refused.cookies
    assert client.get("/orders").status_code == 303  # still not logged in


def test_the_lockout_ends_and_the_right_password_logs_in(shop, client):
    for _ in range(5):
        attempt(client, "not the password at all")

    shop.amazon.clock.advance(30)  # the shop's clock is the simulator's
    answer = attempt(client, PASSWORD)

    assert answer.status_code == 303
    assert SESSION_COOKIE in answer.cookies


def test_four_clients_guessing_at_once_get_five_passwords_checked_and_the_rest_refused(shop):
    answers: list[int] = []
    hasher = shop.app.access.hasher
    assert isinstance(hasher, CountingHasher)

    def guess(base_url: str, client_number: int) -> None:
        with httpx.Client(base_url=base_url) as client:
            for n in range(18):
                answer = attempt(client, f"guess {client_number}-{n} of many")
                answers.append(answer.status_code)

    with shop.serve() as base_url:
        clients = [threading.Thread(target=guess, args=(base_url, c)) for c in range(4)]
        for each in clients:
            each.start()
        for each in clients:
            each.join(timeout=120)

    assert len(answers) == 72
    checked = answers.count(401)
    assert 5 <= checked <= 5 + 3  # the attempts in flight when the fifth failure landed
    assert answers.count(429) == 72 - checked
    assert hasher.verified == checked


def test_staff_read_the_failed_logins_newest_first(client):
    attempt(client, "whatever it may be", username="mallory")
    attempt(client, "not the password at all")
    log_in(client)

    page = client.get("/logins")
    only_mallory = client.get("/logins", params={"username": "mallory"})

    assert page.status_code == 200
    assert page.text.index("wrong password") < page.text.index("no such user")
    assert "<code>mallory</code>" in page.text
    assert "<code>127.0.0.1</code>" in page.text
    assert "<code>ada</code>" not in only_mallory.text
    assert "no such user" in only_mallory.text


def test_a_refused_attempt_is_in_the_failed_logins(shop, client):
    for _ in range(6):
        attempt(client, "not the password at all", username="mallory")
    log_in(client)

    page = client.get("/logins").text

    assert page.count("refused unchecked: too many failed logins") == 1
    assert page.count("no such user") == 5
