"""The worker's round drops expired back-office sessions and old failed logins."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from amzpay.services.access import LoginRefused
from amzpay.store import tables as t

PASSWORD = "correct horse battery"


def rows(shop, table) -> int:
    with shop.app.database.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(table)) or 0)


def test_a_worker_round_drops_the_sessions_that_expired_and_keeps_the_live_one(shop):
    access = shop.app.access
    access.add_user("ada", PASSWORD)
    first = access.log_in("ada", PASSWORD, "198.51.100.7")
    with pytest.raises(LoginRefused):
        access.log_in("ada", "not the password", "198.51.100.7")
    shop.clock.advance(timedelta(days=31))
    live = access.log_in("ada", PASSWORD, "198.51.100.7")

    shop.work()

    assert rows(shop, t.staff_sessions) == 1
    assert rows(shop, t.login_failures) == 0
    assert access.session(first.token) is None
    assert access.session(live.token) is not None
