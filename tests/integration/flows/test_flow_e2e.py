"""End to end: amzpay built by bootstrap with the real gateway (MwsGateway over the MWS
client) against the simulator in-process, its signed IPNs delivered to the shop's receiver,
on SQLite and PostgreSQL. After every scenario our books must equal Amazon's."""

from __future__ import annotations

from datetime import timedelta

from amzpay.domain.money import Money
from shop import REFUND_SETTLES, STAFF, assert_books_equal_amazons

DECLINE = '{"SandboxSimulation": {"State": "Declined", "ReasonCode": "AmazonRejected"}}'


def test_an_order_is_confirmed_authorized_captured_and_closed_at_amazon(e2e):
    order = e2e.closed_order()

    assert e2e.states(order) == {"closed"}
    assert_books_equal_amazons(e2e, order)


def test_a_partial_refund_is_pending_until_amazons_ipn_completes_it(e2e):
    order = e2e.closed_order()

    e2e.app.refunds.request(order, ["L1-1"], actor="staff")
    e2e.work()
    pending = e2e.app.refunds.refunds(order)[0].state
    e2e.later(REFUND_SETTLES)

    assert pending == "pending"
    [refund] = e2e.app.refunds.refunds(order)
    assert (refund.state, refund.booked, refund.amount) == ("completed", True, Money(1999, "EUR"))
    assert_books_equal_amazons(e2e, order)


def test_a_refund_amazon_declines_releases_the_items_and_tells_staff(e2e, sink):
    order = e2e.closed_order()

    e2e.app.refunds.request(order, ["B1"], actor="staff", note=DECLINE)
    e2e.work()
    e2e.later(REFUND_SETTLES)

    [refund] = e2e.app.refunds.refunds(order)
    assert (refund.state, refund.reason_code) == ("declined", "AmazonRejected")
    assert STAFF in [m["To"] for m in sink.messages]
    assert_books_equal_amazons(e2e, order)


def test_a_refund_whose_ipn_is_lost_is_completed_by_the_poll(e2e):
    order = e2e.closed_order()
    e2e.amazon.sim.faults.update({"drop_ipns": 1})

    e2e.app.refunds.request(order, ["L1-1", "L1-2", "B1"], actor="staff")
    e2e.work()
    e2e.later(REFUND_SETTLES)
    e2e.later(timedelta(minutes=5).total_seconds())

    [refund] = e2e.app.refunds.refunds(order)
    refund_ipns = [ipn for ipn, _ in e2e.amazon.answers if ipn.notification_type == "PaymentRefund"]
    assert (refund_ipns, refund.state) == ([], "completed")
    assert refund.amount == Money(2 * 1999 + 4900 + 490, "EUR")  # the shipping came along
    assert e2e.states(order) == {"refund completed"}
    assert_books_equal_amazons(e2e, order)


def test_a_refund_whose_answer_was_lost_is_sent_again_and_made_once(e2e):
    order = e2e.closed_order()
    e2e.amazon.sim.faults.update({"lose_responses": 1})

    e2e.app.refunds.request(order, ["L1-1"], actor="staff")
    e2e.work()
    for _ in range(5):
        e2e.later(REFUND_SETTLES)

    [refund] = e2e.app.refunds.refunds(order)
    [capture] = e2e.app.ledger.books(order).captures
    assert capture.amazon_id is not None
    at_amazon = e2e.app.gateway.capture_details(capture.amazon_id).children
    assert (refund.state, refund.booked, len(at_amazon)) == ("completed", True, 1)
    assert_books_equal_amazons(e2e, order)
