from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from amzpay.amazonpay.gateway import ObjectKind, PaymentState
from amzpay.domain.money import Money
from amzpay.domain.payment import PaymentKind
from amzpay.oms.errors import EventNotAllowed, OrderClosed
from amzpay.processes.catalog import SYNC
from amzpay.processes.observations import apply_observation
from fakes.orders import make_order
from fakes.world import World


@pytest.fixture
def world(database):
    return World(database)


def make_closed_order(world: World, quantity: int = 2) -> str:
    order = world.place(make_order(quantity=quantity))
    world.fire(order, "capture")
    assert set(world.states(order).values()) == {"closed"}
    return order


def test_an_order_is_authorized_captured_and_closed_automatically(world):
    order = world.place(make_order())

    world.fire(order, "capture")

    assert set(world.states(order).values()) == {"closed"}


def test_a_refund_waits_pending_until_amazon_completes_it_and_is_booked_once(world):
    order = make_closed_order(world)

    world.fire(order, "refund", ["L1-1"])
    world.amazon.settle(world.amazon_id(order, PaymentKind.REFUND), PaymentState.COMPLETED)
    world.notify(order)
    world.notify(order)

    assert world.states(order) == {"L1-1": "refund completed", "L1-2": "closed"}
    with world.database.transaction() as tx:
        assert [amount for _, amount in tx.refund_bookings(order)] == [Money(1999, "EUR")]


def test_a_closed_order_refuses_every_event_but_refunds(world):
    order = make_closed_order(world)

    with pytest.raises(OrderClosed) as refused:
        world.fire(order, "cancel")

    assert refused.value.current == "closed"
    assert set(world.states(order).values()) == {"closed"}


def refund_of(world: World, order: str, index: int = -1):
    with world.database.transaction() as tx:
        return tx.payments(order, PaymentKind.REFUND)[index]


def test_a_declined_refund_releases_its_items_to_be_refunded_again_with_a_new_reference(world):
    order = make_closed_order(world)
    world.fire(order, "refund", ["L1-1"])
    world.amazon.settle(world.amazon_id(order, PaymentKind.REFUND), PaymentState.DECLINED)
    world.notify(order)
    declined = refund_of(world, order)

    world.fire(order, "refund", ["L1-1"])

    again = refund_of(world, order)
    assert (declined.state, declined.reason_code) == ("declined", None)
    assert again.reference_id != declined.reference_id
    assert (again.state, again.amount) == ("pending", Money(1999, "EUR"))
    assert world.states(order)["L1-1"] == "refund pending"


def test_a_refund_call_amazon_refuses_fails_with_its_code_and_may_be_tried_again(world):
    order = make_closed_order(world)
    world.amazon.refuse("refund", "CaptureNotRefundable")

    world.fire(order, "refund", ["L1-1"])

    failed = refund_of(world, order)
    assert world.states(order)["L1-1"] == "refund failed"
    assert (failed.state, failed.error_code) == ("failed", "CaptureNotRefundable")
    with world.database.transaction() as tx:
        logged = [(c.operation, c.outcome, c.error_code) for c in tx.api_calls(order)]
    assert logged[-1] == ("Refund", "failed", "CaptureNotRefundable")
    world.fire(order, "refund", ["L1-1"])
    assert world.states(order)["L1-1"] == "refund pending"


def test_a_refund_call_that_failed_is_retried_with_the_same_reference_id(world):
    order = make_closed_order(world)
    world.amazon.fail("refund")

    world.fire(order, "refund", ["L1-1"])
    assert world.states(order)["L1-1"] == "refund requested"
    world.clock.advance(timedelta(minutes=1))
    world.run_jobs()

    refund = refund_of(world, order)
    assert world.states(order)["L1-1"] == "refund pending"
    assert world.amazon.calls["refund", refund.reference_id] == 2
    assert len(world.amazon.of_kind(ObjectKind.REFUND)) == 1


def test_the_last_items_refund_takes_the_shipping_with_it(world):
    order = make_closed_order(world)

    world.fire(order, "refund", ["L1-1"])
    world.fire(order, "refund", ["L1-2"])

    amounts = [refund_of(world, order, i).amount for i in (0, 1)]
    assert amounts == [Money(1999, "EUR"), Money(1999 + 490, "EUR")]


def test_a_stale_observation_changes_nothing(world):
    order = make_closed_order(world)
    world.fire(order, "refund", ["L1-1"])
    amazon_id = world.amazon_id(order, PaymentKind.REFUND)
    stale = world.amazon.objects[amazon_id].seen()
    world.clock.advance(timedelta(minutes=5))
    world.amazon.settle(amazon_id, PaymentState.COMPLETED)
    world.notify(order)

    with world.database.transaction() as tx:
        declined = replace(stale, state=PaymentState.DECLINED)
        applied = apply_observation(tx, declined, world.clock(), world.settlement, "ipn")

    assert applied is None
    assert refund_of(world, order).state == "completed"


def test_a_lost_ipn_is_made_up_for_by_the_poll(world):
    order = make_closed_order(world)
    world.fire(order, "refund", ["L1-1"])
    world.amazon.settle(world.amazon_id(order, PaymentKind.REFUND), PaymentState.COMPLETED)

    world.clock.advance(timedelta(minutes=1))
    world.worker.run_once()

    assert world.states(order)["L1-1"] == "refund completed"


def test_refunding_an_item_twice_at_once_is_refused_by_the_state_machine(world):
    order = make_closed_order(world)
    world.fire(order, "refund", ["L1-1"])

    with pytest.raises(EventNotAllowed):
        world.fire(order, "refund", ["L1-1"])


def test_a_partial_capture_leaves_the_rest_to_capture_after_a_new_authorization(world):
    order = world.place(make_order())
    world.fire(order, "capture", ["L1-1"])
    world.notify(order)  # Amazon closed the authorization: one capture per authorization

    assert world.states(order) == {"L1-1": "capture completed", "L1-2": "auth closed"}
    world.fire(order, "reauthorize", ["L1-2"])
    world.fire(order, "capture", ["L1-2"])
    assert set(world.states(order).values()) == {"closed"}


def test_staff_close_an_order_after_a_partial_capture(world):
    order = world.place(make_order())
    world.fire(order, "capture", ["L1-1"])

    world.fire(order, "close")

    assert world.states(order) == {"L1-1": "closed", "L1-2": "released"}
    with world.database.transaction() as tx:
        assert tx.order_reference_state(order) == "closed"


def test_an_order_paid_with_capture_now_is_closed_at_once(world):
    order = world.place(make_order(), SYNC)

    assert set(world.states(order).values()) == {"closed"}
    with world.database.transaction() as tx:
        [capture] = tx.payments(order, PaymentKind.CAPTURE)
    assert (capture.state, capture.amount) == ("completed", Money(2 * 1999 + 490, "EUR"))
