from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from amzpay.amazonpay.gateway import PaymentState
from amzpay.domain.money import Money
from amzpay.domain.payment import PaymentKind
from amzpay.ports.errors import RecordNotFound
from shop import order_spec

MINUTE = timedelta(minutes=1)


def pending_refund(shop):
    order = shop.closed_order()
    shop.app.refunds.request(order, ["L1-1"], actor="staff")
    shop.work()
    return order, shop.refunds(order)[0]


def polls_of(shop, refund) -> int:
    return shop.amazon.calls["refund details", refund.amazon_id]


def test_a_pending_refund_is_polled_on_the_backoff_schedule(shop):
    _, refund = pending_refund(shop)
    minutes = [0, 1, 5, 6, 35, 36, 155, 156, 515, 516, 875, 876]  # just before and at each poll
    asked = []

    for now, then in itertools.pairwise(minutes):
        shop.later(MINUTE * (then - now))
        asked.append(polls_of(shop, refund))

    assert asked == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6]


def test_a_lost_ipn_is_made_up_for_by_the_poll_and_booked_once(shop):
    order, refund = pending_refund(shop)
    shop.amazon.settle(refund.amazon_id, PaymentState.COMPLETED)

    shop.later(MINUTE)
    shop.later(timedelta(hours=7))

    assert shop.item_states(order)["L1-1"] == "refund completed"
    with shop.app.database.transaction() as tx:
        assert [amount for _, amount in tx.refund_bookings(order)] == [Money(1999, "EUR")]
    assert polls_of(shop, refund) == 1


def test_check_now_asks_amazon_at_once_and_applies_the_answer(shop):
    order, refund = pending_refund(shop)
    shop.amazon.settle(refund.amazon_id, PaymentState.COMPLETED)

    result = shop.app.poller.check_now(refund.reference_id)
    shop.work()

    assert (result.answered, result.record.state) == (True, "completed")
    assert shop.item_states(order)["L1-1"] == "refund completed"


def test_check_now_names_an_unknown_refund(shop):
    with pytest.raises(RecordNotFound):
        shop.app.poller.check_now("R-nothing")


def test_refunds_pending_longer_than_the_configured_age_are_reported_stuck(shop):
    _, refund = pending_refund(shop)

    shop.later(timedelta(hours=23))
    early = shop.app.poller.stuck_refunds()
    shop.later(timedelta(hours=1))
    late = shop.app.poller.stuck_refunds()

    assert early == []
    assert [r.reference_id for r in late] == [refund.reference_id]


def test_a_pending_capture_is_polled_until_amazon_completes_it(shop):
    order = shop.place(order_spec())
    shop.amazon.answer("capture", PaymentState.PENDING)
    shop.app.orders.fire(order, "capture", None, actor="staff")
    shop.work()
    with shop.app.database.transaction() as tx:
        capture = tx.payments(order, PaymentKind.CAPTURE)[0]
    shop.amazon.settle(capture.amazon_id, PaymentState.COMPLETED)

    shop.later(MINUTE)

    assert shop.states(order) == {"closed"}
