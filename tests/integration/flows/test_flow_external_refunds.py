"""Refunds made in Seller Central: Amazon's IPN names a refund amzpay never asked for. It is
recorded (never booked on items), staff are mailed once in their own language, and staff
list and acknowledge it through the service and ``amzpay refund external``."""

from __future__ import annotations

from datetime import timedelta

import pytest

from amzpay.cli import main
from amzpay.domain.money import Money
from amzpay.ports.errors import RecordNotFound
from amzpay.services.external_refunds import InvalidActor
from shop import SELLER, SIMULATOR_HOST, STAFF, make_shop


def refunded_in_seller_central(sim_shop, simulated, amount: int, name: str) -> str:
    """A refund made at Amazon outside amzpay, its IPNs delivered and applied; its id."""
    capture = simulated.captured(Money(20000, "EUR"), name)
    amazon_id = simulated.refund(capture, f"seller-central-{name}", Money(amount, "EUR"))
    simulated.advance(60)  # Pending, then Completed: two IPNs
    sim_shop.work()
    return amazon_id


def test_staff_are_mailed_once_in_their_language_when_a_seller_central_refund_arrives(
    sim_shop, simulated, sink
):
    amazon_id = refunded_in_seller_central(sim_shop, simulated, 500, "once")

    [mail] = sink.messages
    text = mail.get_body(("plain",)).get_content()
    assert mail["To"] == STAFF
    assert mail["Subject"].startswith("Refund made outside amzpay")
    assert amazon_id in text
    assert f"amzpay refund external --ack {amazon_id}" in text
    assert "€5.00" in text  # the staff locale (en_GB by default)


def test_staff_acknowledge_an_external_refund_once_and_it_moves_behind_the_others(
    sim_shop, simulated
):
    first = refunded_in_seller_central(sim_shop, simulated, 500, "first")
    second = refunded_in_seller_central(sim_shop, simulated, 700, "second")
    service = sim_shop.app.external_refunds
    before = [(v.amazon_refund_id, v.acknowledged) for v in service.list_all()]

    acknowledged = service.acknowledge(first, "anna")
    sim_shop.clock.advance(timedelta(hours=1))
    again = service.acknowledge(first, "ben")

    assert before == [(first, False), (second, False)]
    assert (acknowledged.acknowledged_by, acknowledged.acknowledged_at) == (
        "anna",
        sim_shop.clock() - timedelta(hours=1),
    )
    assert (again.acknowledged_by, again.acknowledged_at) == (
        acknowledged.acknowledged_by,
        acknowledged.acknowledged_at,
    )
    assert [(v.amazon_refund_id, v.acknowledged) for v in service.list_all()] == [
        (second, False),
        (first, True),
    ]
    assert [v.amazon_refund_id for v in service.list_all(unacknowledged_only=True)] == [second]
    found = service.find(second)
    assert found is not None
    assert (found.amount, found.state, found.order) == (Money(700, "EUR"), "completed", None)


def test_acknowledging_an_unknown_refund_or_without_a_name_is_refused(sim_shop, simulated):
    amazon_id = refunded_in_seller_central(sim_shop, simulated, 500, "refused")
    service = sim_shop.app.external_refunds

    with pytest.raises(RecordNotFound, match="S01-unknown"):
        service.acknowledge("S01-unknown", "anna")
    with pytest.raises(InvalidActor):
        service.acknowledge(amazon_id, "  ")
    with pytest.raises(InvalidActor):
        service.acknowledge(amazon_id, "x" * 65)

    assert service.find("S01-unknown") is None
    assert [v.acknowledged for v in service.list_all()] == [False]


@pytest.fixture
def external(sqlite_url, sink, simulated):
    """A SQLite file holding one refund made in Seller Central, for the command line."""
    environ = {
        "AMZPAY_AMAZON__SELLER_ID": SELLER.seller_id,
        "AMZPAY_AMAZON__SIMULATOR_HOST": SIMULATOR_HOST,
    }
    shop = make_shop(sqlite_url, sink, environ, simulated.certificates)
    simulated.receiver = shop.app.ipn
    try:
        yield refunded_in_seller_central(shop, simulated, 500, "cli")
    finally:
        shop.app.close()


def test_the_command_line_lists_external_refunds_and_exits_3_while_one_is_unacknowledged(
    sqlite_url, external, capsys
):
    code = main(["refund", "external", "--database", sqlite_url])

    out = capsys.readouterr().out
    assert code == 3
    assert external in out
    assert "not acknowledged" in out
    assert "5.00 EUR" in out


def test_the_command_line_acknowledges_with_the_name_given(sqlite_url, external, capsys):
    acked = main(
        ["refund", "external", "--ack", external, "--by", "anna", "--database", sqlite_url]
    )
    listed = main(["refund", "external", "--database", sqlite_url])

    out = capsys.readouterr().out
    assert (acked, listed) == (0, 0)
    assert "acknowledged by anna" in out


def test_the_command_line_refuses_an_unknown_refund_id(sqlite_url, capsys):
    code = main(["refund", "external", "--ack", "S01-unknown", "--database", sqlite_url])

    assert code == 1
    assert "no external refund 'S01-unknown'" in capsys.readouterr().err


def test_no_external_refunds_is_a_clean_exit(sqlite_url, capsys):
    code = main(["refund", "external", "--database", sqlite_url])

    assert code == 0
    assert "no refunds made outside amzpay" in capsys.readouterr().out
