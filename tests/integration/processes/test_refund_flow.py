from __future__ import annotations

import pytest

from amzpay.amazonpay.gateway import PaymentState
from amzpay.domain.money import Money
from amzpay.oms.errors import OrderClosed
from amzpay.store.payments import PaymentKind
from tests.fakes.orders import make_order
from tests.fakes.world import World


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
