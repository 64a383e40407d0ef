from __future__ import annotations

from amzpay.amazonpay.unavailable import UnavailableGateway
from amzpay.bootstrap import build
from amzpay.config import Settings


def test_built_with_no_configuration_amzpay_waits_for_an_amazon_client(sqlite_url):
    app = build(Settings.load({"AMZPAY_DATABASE_URL": sqlite_url}))
    try:
        assert isinstance(app.gateway, UnavailableGateway)
        assert app.outbox.mailer is None
        assert app.database.revision() == "0002"
    finally:
        app.close()


def test_a_worker_built_by_bootstrap_has_nothing_to_do_on_an_empty_database(sqlite_url):
    app = build(Settings.load({"AMZPAY_DATABASE_URL": sqlite_url}))
    try:
        done = app.worker("empty").run_once()
    finally:
        app.close()

    assert not done.busy
