from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from amzpay.amazonpay.gateway import PaymentState
from amzpay.domain.money import Money
from amzpay.services.errors import IpnRejected
from shop import FakeShop, SimulatedAmazon

DECLINE = '{"SandboxSimulation": {"State": "Declined", "ReasonCode": "AmazonRejected"}}'


def pending_refund(shop: FakeShop, items: list[str]):
    order = shop.closed_order()
    shop.app.refunds.request(order, items, actor="staff")
    shop.work()
    return order, shop.refunds(order)[-1]


def mirror_at_amazon(simulated: SimulatedAmazon, refund, note: str = "") -> str:
    """Amazon makes the refund we asked for (with our reference id) and settles it."""
    capture = simulated.captured(Money(20000, "EUR"), refund.reference_id[-8:])
    amazon_id = simulated.refund(capture, refund.reference_id, refund.amount, note)
    simulated.advance(60)
    return amazon_id


def bookings(shop: FakeShop, order: str) -> list[Money]:
    with shop.app.database.transaction() as tx:
        return [amount for _, amount in tx.refund_bookings(order)]


def test_a_signed_refund_ipn_completes_the_refund_and_books_it_once(sim_shop, simulated):
    order, refund = pending_refund(sim_shop, ["L1-1"])

    mirror_at_amazon(simulated, refund)
    sim_shop.work()

    assert sim_shop.item_states(order)["L1-1"] == "refund completed"
    assert sim_shop.refunds(order)[-1].state == "completed"
    assert bookings(sim_shop, order) == [Money(1999, "EUR")]


def test_a_redelivered_ipn_is_acknowledged_and_changes_nothing(sim_shop, simulated):
    order, refund = pending_refund(sim_shop, ["L1-1"])
    mirror_at_amazon(simulated, refund)
    sim_shop.work()
    delivered = next(
        ipn for ipn, _ in simulated.answers if ipn.notification_type == "PaymentRefund"
    )

    receipt = sim_shop.app.ipn.receive(delivered.body, delivered.headers)
    sim_shop.work()

    assert receipt.duplicate
    assert bookings(sim_shop, order) == [Money(1999, "EUR")]


def test_duplicate_deliveries_from_amazon_book_once(sim_shop, simulated):
    order, refund = pending_refund(sim_shop, ["L1-1"])
    simulated.sim.faults.update({"duplicate_ipns": 10})

    mirror_at_amazon(simulated, refund)
    sim_shop.work()

    assert bookings(sim_shop, order) == [Money(1999, "EUR")]


def test_an_ipn_with_a_bad_signature_is_refused_and_changes_nothing(sim_shop, simulated):
    order, refund = pending_refund(sim_shop, ["L1-1"])
    simulated.sim.faults.update({"bad_signature_ipns": 10})

    mirror_at_amazon(simulated, refund)
    sim_shop.work()

    assert {status for _, status in simulated.answers} == {400}
    assert sim_shop.item_states(order)["L1-1"] == "refund pending"
    with sim_shop.app.database.transaction() as tx:
        assert tx.unprocessed_ipns(10) == []
        assert tx.ipn_outcomes() == []


def test_a_tampered_body_is_a_verification_error_for_the_web_layer(sim_shop, simulated):
    _, refund = pending_refund(sim_shop, ["L1-1"])
    mirror_at_amazon(simulated, refund)
    delivered = simulated.answers[-1][0]
    tampered = delivered.body.replace(b"Completed", b"Declined")

    with pytest.raises(IpnRejected) as refused:
        sim_shop.app.ipn.receive(tampered, delivered.headers)

    assert refused.value.http_status == 400


def test_a_declined_refund_ipn_releases_the_items_and_keeps_amazons_reason(sim_shop, simulated):
    order, refund = pending_refund(sim_shop, ["L1-1"])

    mirror_at_amazon(simulated, refund, note=DECLINE)
    sim_shop.work()

    declined = sim_shop.refunds(order)[-1]
    assert (declined.state, declined.reason_code) == ("declined", "AmazonRejected")
    assert sim_shop.item_states(order)["L1-1"] == "refund declined"
    assert bookings(sim_shop, order) == []


def test_reordered_ipns_each_settle_their_own_refund(sim_shop, simulated):
    order = sim_shop.closed_order()
    sim_shop.app.refunds.request(order, ["L1-1"], actor="staff")
    sim_shop.app.refunds.request(order, ["L1-2"], actor="staff")
    sim_shop.work()
    first, second = sim_shop.refunds(order)
    capture = simulated.captured(Money(20000, "EUR"), "reorder")
    simulated.sim.faults.update({"reorder_ipns": 2})

    simulated.refund(capture, first.reference_id, first.amount, DECLINE)
    simulated.refund(capture, second.reference_id, second.amount)
    simulated.advance(60)
    sim_shop.work()

    states = sim_shop.item_states(order)
    assert (states["L1-1"], states["L1-2"]) == ("refund declined", "refund completed")
    assert bookings(sim_shop, order) == [Money(1999, "EUR")]


def test_a_refund_made_in_seller_central_is_recorded_and_flagged_for_staff(sim_shop, simulated):
    order = sim_shop.closed_order()
    capture = simulated.captured(Money(20000, "EUR"), "central")

    amazon_id = simulated.refund(capture, "seller-central-1", Money(500, "EUR"))
    simulated.advance(60)
    sim_shop.work()

    with sim_shop.app.database.transaction() as tx:
        flagged = tx.external_refunds(unacknowledged_only=True)
    assert [(r.amazon_refund_id, r.state, r.amount) for r in flagged] == [
        (amazon_id, "completed", Money(500, "EUR"))
    ]
    assert bookings(sim_shop, order) == []


def test_an_ipn_arriving_after_the_poll_settled_the_refund_changes_nothing(sim_shop, simulated):
    order, refund = pending_refund(sim_shop, ["L1-1"])
    sim_shop.amazon.settle(refund.amazon_id, PaymentState.COMPLETED)
    sim_shop.later(timedelta(minutes=1))

    mirror_at_amazon(simulated, refund)
    sim_shop.work()

    assert bookings(sim_shop, order) == [Money(1999, "EUR")]
    with sim_shop.app.database.transaction() as tx:
        notes = {kind: note for _, kind, note in tx.ipn_outcomes()}
    assert notes["PaymentRefund"] is None  # it confirms what the poll found: nothing to note


def test_an_ipn_contradicting_a_settled_refund_is_noted_for_staff(sim_shop, simulated):
    order, refund = pending_refund(sim_shop, ["L1-1"])
    sim_shop.amazon.settle(refund.amazon_id, PaymentState.COMPLETED)
    sim_shop.later(timedelta(minutes=1))

    mirror_at_amazon(simulated, refund, note=DECLINE)
    sim_shop.work()

    assert bookings(sim_shop, order) == [Money(1999, "EUR")]
    with sim_shop.app.database.transaction() as tx:
        notes = {kind: note for _, kind, note in tx.ipn_outcomes()}
    assert notes["PaymentRefund"] == (
        "the refund is completed already, which never changes: nothing changed"
    )


def test_an_ipn_that_cannot_be_stored_is_a_server_error_so_amazon_sends_it_again(
    sim_shop, simulated
):
    _, refund = pending_refund(sim_shop, ["L1-1"])
    with sim_shop.app.database.engine.begin() as connection:
        connection.execute(text("DROP TABLE ipn_inbox"))  # the database lets us down

    mirror_at_amazon(simulated, refund)

    refund_answers = [s for ipn, s in simulated.answers if ipn.notification_type == "PaymentRefund"]
    assert refund_answers
    assert set(refund_answers) == {503}
