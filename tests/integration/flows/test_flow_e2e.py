"""End to end: amzpay built by bootstrap with the real gateway (MwsGateway over the MWS
client) against the simulator in-process, its signed IPNs delivered to the shop's receiver,
on SQLite and PostgreSQL. After every scenario our books must equal Amazon's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from flowkit import STAFF, order_spec
from simamazon import SELLER, SIMULATOR_HOST, SimulatedAmazon

from amzpay.bootstrap import App, build
from amzpay.config import Settings
from amzpay.domain.money import Money
from amzpay.mail.sink import SmtpSink
from amzpay.store.payments import PaymentKind

REFUND_SETTLES = 60  # seconds: the simulator keeps a refund Pending for 31 s (research A.12)
DECLINE = '{"SandboxSimulation": {"State": "Declined", "ReasonCode": "AmazonRejected"}}'


class Shop:
    def __init__(self, app: App, amazon: SimulatedAmazon) -> None:
        self.app, self.amazon = app, amazon
        self.worker = app.worker("e2e")

    def work(self) -> None:
        for _ in range(20):
            if not self.worker.run_once().busy:
                return
        raise AssertionError("the worker never settled")

    def later(self, seconds: float) -> None:
        """Amazon's time (and so ours) moves on; IPNs arrive; the worker catches up."""
        self.amazon.advance(seconds)
        self.work()

    def states(self, order: str) -> set[str | None]:
        with self.app.database.transaction() as tx:
            return set(tx.item_states(order).values())


@pytest.fixture
def e2e(database_url: str, sink: SmtpSink) -> Iterator[Shop]:
    amazon = SimulatedAmazon()
    settings = Settings.load(
        {
            "AMZPAY_DATABASE_URL": database_url,
            "AMZPAY_AMAZON__SELLER_ID": SELLER.seller_id,
            "AMZPAY_AMAZON__SIMULATOR_HOST": SIMULATOR_HOST,
            "AMZPAY_SMTP__HOST": sink.host,
            "AMZPAY_SMTP__PORT": str(sink.port),
            "AMZPAY_SHOP__STAFF": STAFF,
        }
    )
    app = build(
        settings,
        gateway_factory=lambda _, call_log: amazon.gateway(call_log),
        clock=amazon.clock.now,
        certificates=amazon.certificates,
    )
    amazon.receiver = app.ipn
    try:
        yield Shop(app, amazon)
    finally:
        app.close()
        amazon.close()


def closed_order(shop: Shop) -> str:
    buyer = shop.amazon.sim.create_order_reference(payment_method="visa")
    order = shop.app.orders.import_order(order_spec(amazon_order_reference_id=buyer), confirm=True)
    shop.work()
    shop.later(31)  # the asynchronous authorization opens; its IPN arrives
    shop.app.orders.fire(order, "capture", None, actor="staff")
    shop.work()
    shop.later(1)
    return order


def assert_books_equal_amazons(shop: Shop, order: str) -> None:
    books = shop.app.ledger.books(order)
    for capture in books.captures:
        assert capture.amazon_id is not None
        seen = shop.app.gateway.capture_details(capture.amazon_id)
        assert seen.amount == capture.captured
        assert (seen.settled or Money.zero(capture.captured.currency)) == capture.refunded
    with shop.app.database.transaction() as tx:
        refunds = tx.payments(order, PaymentKind.REFUND)
    refunded_items = {i for r in refunds if r.state == "completed" for i in r.items}
    assert {item for item, _, state in books.items if state == "refund completed"} == (
        refunded_items & {item for item, _, _ in books.items}
    )


def test_an_order_is_confirmed_authorized_captured_and_closed_at_amazon(e2e):
    order = closed_order(e2e)

    assert e2e.states(order) == {"closed"}
    assert_books_equal_amazons(e2e, order)


def test_a_partial_refund_is_pending_until_amazons_ipn_completes_it(e2e):
    order = closed_order(e2e)

    e2e.app.refunds.request(order, ["L1-1"], actor="staff")
    e2e.work()
    pending = e2e.app.refunds.refunds(order)[0].state
    e2e.later(REFUND_SETTLES)

    assert pending == "pending"
    [refund] = e2e.app.refunds.refunds(order)
    assert (refund.state, refund.booked, refund.amount) == ("completed", True, Money(1999, "EUR"))
    assert_books_equal_amazons(e2e, order)


def test_a_refund_amazon_declines_releases_the_items_and_tells_staff(e2e, sink):
    order = closed_order(e2e)

    e2e.app.refunds.request(order, ["B1"], actor="staff", note=DECLINE)
    e2e.work()
    e2e.later(REFUND_SETTLES)

    [refund] = e2e.app.refunds.refunds(order)
    assert (refund.state, refund.reason_code) == ("declined", "AmazonRejected")
    assert STAFF in [m["To"] for m in sink.messages]
    assert_books_equal_amazons(e2e, order)


def test_a_refund_whose_ipn_is_lost_is_completed_by_the_poll(e2e):
    order = closed_order(e2e)
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
    order = closed_order(e2e)
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
