"""IPNs left to the worker (``AMZPAY_AMAZON__IPN_APPLY=worker``, the default): the endpoint
verifies, stores and answers; the worker of ``amzpay serve`` is woken by the message and
applies it at once, however long its pause between idle rounds. Applied at receipt
(``at-receipt``), one commit stores and applies it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from sqlalchemy import text
from test_flow_ipn import bookings, mirror_at_amazon, pending_refund

from amzpay.cli.serve import BackgroundWorker
from amzpay.domain.money import Money
from amzpay.domain.payment import PaymentKind, RefundState
from amzpay.mail.sink import SmtpSink
from shop import SELLER, SIMULATOR_HOST, FakeShop, SimulatedAmazon, make_shop

LEFT_TO_THE_WORKER = {
    "AMZPAY_AMAZON__SELLER_ID": SELLER.seller_id,
    "AMZPAY_AMAZON__SIMULATOR_HOST": SIMULATOR_HOST,
    "AMZPAY_AMAZON__IPN_APPLY": "worker",
}
LONG_PAUSE = 120.0  # seconds: the worker's pause after an idle round, longer than any wait here


@pytest.fixture
def worker_shop(
    database_url: str,
    sink: SmtpSink,
    simulated: SimulatedAmazon,
) -> Iterator[FakeShop]:
    made = make_shop(database_url, sink, LEFT_TO_THE_WORKER, simulated.certificates)
    simulated.receiver = made.app.ipn
    try:
        yield made
    finally:
        made.app.close()


def unprocessed(shop: FakeShop) -> list[str]:
    with shop.app.database.read() as tx:
        query = text("SELECT notification_type FROM ipn_inbox WHERE processed_at IS NULL")
        return [row[0] for row in tx.conn.execute(query)]


def test_left_to_the_worker_an_ipn_is_stored_unapplied_and_the_worker_is_told(
    worker_shop, simulated
):
    order, refund = pending_refund(worker_shop, ["L1-1"])
    worker_shop.app.ipn_waiting.clear()

    mirror_at_amazon(simulated, refund)

    assert {status for _, status in simulated.answers} == {200}
    assert "PaymentRefund" in unprocessed(worker_shop)
    assert worker_shop.refunds(order)[-1].state == "pending"
    assert worker_shop.app.ipn_waiting.is_set()


def test_left_to_the_worker_the_inbox_keeps_what_an_ipn_is_about_at_receipt(worker_shop, simulated):
    order, refund = pending_refund(worker_shop, ["L1-1"])

    amazon_id = mirror_at_amazon(simulated, refund)

    assert "PaymentRefund" in unprocessed(worker_shop)
    with worker_shop.app.database.read() as tx:
        [row] = [r for r in tx.ipns_of_order(order) if r.notification_type == "PaymentRefund"]
    assert (row.object_kind, row.amazon_id, row.state, row.order) == (
        "refund",
        amazon_id,
        "completed",
        order,
    )


def test_left_to_the_worker_an_ipn_is_applied_by_the_worker_once(worker_shop, simulated):
    order, refund = pending_refund(worker_shop, ["L1-1"])
    mirror_at_amazon(simulated, refund)

    worker_shop.work()
    worker_shop.work()

    assert unprocessed(worker_shop) == []
    assert worker_shop.item_states(order)["L1-1"] == "refund completed"
    assert bookings(worker_shop, order) == [Money(1999, "EUR")]


def test_a_worker_that_was_behind_applies_a_waiting_ipn_before_a_due_timer_asks_amazon(
    worker_shop, simulated
):
    order, refund = pending_refund(worker_shop, ["L1-1"])
    mirror_at_amazon(simulated, refund)  # stored while the worker was away
    worker_shop.clock.advance(timedelta(minutes=5))  # the refund's refresh timer is due too

    worker_shop.work()

    with worker_shop.app.database.read() as tx:
        commands = [command for command, _, _ in tx.jobs(order)]
        [settled] = tx.payments(order, PaymentKind.REFUND)
    assert "refresh refund" not in commands  # the IPN answered what the timer would ask
    assert settled.polls == 0  # Amazon was not asked
    assert settled.state is RefundState.COMPLETED
    assert worker_shop.item_states(order)["L1-1"] == "refund completed"
    assert bookings(worker_shop, order) == [Money(1999, "EUR")]


def test_left_to_the_worker_by_default(database_url, sink, simulated):
    environ = {key: value for key, value in LEFT_TO_THE_WORKER.items() if "IPN_APPLY" not in key}
    with make_shop(database_url, sink, environ, simulated.certificates) as by_default:
        simulated.receiver = by_default.app.ipn
        order, refund = pending_refund(by_default, ["L1-1"])

        mirror_at_amazon(simulated, refund)
        left = unprocessed(by_default)
        by_default.work()

        assert "PaymentRefund" in left
        assert by_default.item_states(order)["L1-1"] == "refund completed"


def test_applied_at_receipt_nothing_is_left_and_the_worker_is_not_told(shop_at_receipt, simulated):
    order, refund = pending_refund(shop_at_receipt, ["L1-1"])
    shop_at_receipt.app.ipn_waiting.clear()

    mirror_at_amazon(simulated, refund)

    assert unprocessed(shop_at_receipt) == []
    assert shop_at_receipt.item_states(order)["L1-1"] == "refund completed"
    assert not shop_at_receipt.app.ipn_waiting.is_set()


@pytest.fixture
def shop_at_receipt(
    database_url: str, sink: SmtpSink, simulated: SimulatedAmazon
) -> Iterator[FakeShop]:
    environ = {**LEFT_TO_THE_WORKER, "AMZPAY_AMAZON__IPN_APPLY": "at-receipt"}
    made = make_shop(database_url, sink, environ, simulated.certificates)
    simulated.receiver = made.app.ipn
    try:
        yield made
    finally:
        made.app.close()


def test_the_endpoint_answers_200_and_serves_worker_applies_the_ipn_at_once(worker_shop, simulated):
    order, refund = pending_refund(worker_shop, ["L1-1"])
    simulated.receiver = None  # Amazon's first try is answered 503: the IPN is kept to post
    mirror_at_amazon(simulated, refund)
    ipn = next(ipn for ipn, _ in simulated.answers if ipn.notification_type == "PaymentRefund")
    background = BackgroundWorker(worker_shop.app, "serve", idle_seconds=LONG_PAUSE)
    worker_shop.app.ipn_waiting.set()
    background.start()
    try:
        assert within(10.0, lambda: not worker_shop.app.ipn_waiting.is_set())  # a round began
        time.sleep(0.5)  # that round (with nothing to do) is over: the long pause has begun
        answer = worker_shop.http.post("/amazonpay/ipn", content=ipn.body, headers=ipn.headers)
        applied = within(10.0, lambda: unprocessed(worker_shop) == [])
    finally:
        background.stop()

    assert (answer.status_code, answer.text) == (200, "stored")
    assert applied, "the worker did not apply the IPN before its pause ended"
    assert worker_shop.item_states(order)["L1-1"] == "refund completed"
    assert bookings(worker_shop, order) == [Money(1999, "EUR")]


def test_stopping_serves_worker_ends_its_pause(worker_shop):
    background = BackgroundWorker(worker_shop.app, "serve", idle_seconds=LONG_PAUSE)
    worker_shop.app.ipn_waiting.set()
    background.start()
    assert within(10.0, lambda: not worker_shop.app.ipn_waiting.is_set())
    time.sleep(0.2)

    background.stop()  # waits for the thread up to 60 s, less than the pause

    assert background._thread is not None
    assert not background._thread.is_alive()


def within(seconds: float, done: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if done():
            return True
        time.sleep(0.02)
    return False
