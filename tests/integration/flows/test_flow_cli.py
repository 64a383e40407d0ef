from __future__ import annotations

import pytest
from flowkit import make_shop

from amzpay.cli import main


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


def test_check_now_says_when_amazon_cannot_be_asked(sqlite_url, refund, capsys):
    # The command line's own Amazon is the unavailable gateway until the client is wired.
    code = main(["refund", "status", refund.reference_id, "--check-now", "--database", sqlite_url])

    out = capsys.readouterr().out
    assert code == 0
    assert "Amazon could not be asked" in out
    assert "pending" in out


def test_an_unknown_refund_is_an_error(sqlite_url, capsys):
    code = main(["refund", "status", "R-unknown", "--check-now", "--database", sqlite_url])

    assert code == 1
    assert "no refund" in capsys.readouterr().out


def test_a_refund_pending_for_months_is_reported_stuck(sqlite_url, refund, capsys):
    # The shop's clock was months behind the command line's: the refund is long overdue.
    code = main(["refund", "stuck", "--database", sqlite_url])

    assert code == 3
    assert refund.reference_id in capsys.readouterr().out


def test_no_stuck_refunds_is_a_clean_exit(sqlite_url, capsys):
    code = main(["refund", "stuck", "--database", sqlite_url])

    assert code == 0
    assert "no stuck refunds" in capsys.readouterr().out
