"""The worker's round drops expired back-office sessions and old failed logins."""

from __future__ import annotations

from datetime import timedelta

import pytest

from amzpay.services.access import LoginRefused

PASSWORD = "correct horse battery"


def test_a_worker_round_drops_the_sessions_that_expired_and_keeps_the_live_one(shop):
    access = shop.app.access
    access.add_user("ada", PASSWORD)
    first = access.log_in("ada", PASSWORD, "198.51.100.7")
    with pytest.raises(LoginRefused):
        access.log_in("ada", "not the password", "198.51.100.7")
    shop.clock.advance(timedelta(days=31))
    live = access.log_in("ada", PASSWORD, "198.51.100.7")

    shop.work()

    with shop.app.database.read() as tx:
        _, failures = tx.login_failures(limit=10)
    with shop.app.database.transaction() as tx:
        left_expired = tx.drop_expired_sessions(shop.clock())  # the round took them all
    assert (left_expired, failures) == (0, 0)
    assert access.session(first.token) is None
    assert access.session(live.token) is not None
