from __future__ import annotations

import socket

import pytest

from amzpay.cli import main
from shop import make_shop


@pytest.fixture
def refund(sqlite_url, sink):
    """A pending refund in a SQLite file, made by a shop with the fake Amazon."""
    shop = make_shop(sqlite_url, sink)
    order = shop.closed_order()
    [made] = shop.app.refunds.request(order, ["L1-1"], actor="staff")
    shop.work()
    shop.app.close()
    return made


def test_refund_status_shows_the_refund_by_its_reference_id(sqlite_url, refund, capsys):
    code = main(["refund", "status", refund.reference_id, "--database", sqlite_url])

    out = capsys.readouterr().out
    assert code == 0
    assert "pending" in out
    assert "19.99 EUR" in out


def test_check_now_without_an_amazon_client_is_refused(sqlite_url, refund, monkeypatch, capsys):
    for name in ("SELLER_ID", "ACCESS_KEY_ID", "SECRET_KEY", "SIMULATOR"):
        monkeypatch.delenv(f"AMZPAY_AMAZON__{name}", raising=False)

    code = main(["refund", "status", refund.reference_id, "--check-now", "--database", sqlite_url])

    captured = capsys.readouterr()
    assert code == 2
    assert "no Amazon Pay client is configured" in captured.err
    assert "AMZPAY_AMAZON__SELLER_ID" in captured.err
    assert captured.out == ""


def test_check_now_fails_when_amazon_cannot_be_asked(sqlite_url, refund, monkeypatch, capsys):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    for name, value in {
        "SELLER_ID": "A2EXAMPLESELLER1",
        "ACCESS_KEY_ID": "AKIAEXAMPLE000000001",
        "SECRET_KEY": "example-secret-key-of-forty-characters-",
        "ENDPOINT_URL": f"http://127.0.0.1:{port}/OffAmazonPayments_Sandbox/2013-01-01",
    }.items():
        monkeypatch.setenv(f"AMZPAY_AMAZON__{name}", value)

    code = main(["refund", "status", refund.reference_id, "--check-now", "--database", sqlite_url])

    captured = capsys.readouterr()
    assert code == 1
    assert "Amazon could not be asked" in captured.err
    assert refund.reference_id in captured.out  # the refund as the database has it


def test_an_unknown_refund_is_an_error(sqlite_url, capsys):
    code = main(["refund", "status", "R-unknown", "--database", sqlite_url])

    assert code == 1
    assert "no refund 'R-unknown'" in capsys.readouterr().err


def test_a_refund_pending_for_months_is_reported_stuck(sqlite_url, refund, capsys):
    # The shop's clock was months behind the command line's: the refund is long overdue.
    code = main(["refund", "stuck", "--database", sqlite_url])

    assert code == 3
    assert refund.reference_id in capsys.readouterr().out


def test_no_stuck_refunds_is_a_clean_exit(sqlite_url, capsys):
    code = main(["refund", "stuck", "--database", sqlite_url])

    assert code == 0
    assert "no stuck refunds" in capsys.readouterr().out
