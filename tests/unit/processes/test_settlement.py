"""Settlement by event: the observation that moves a payment moves its items, in the same
transaction, and the guard stands between Amazon's news and the records."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from amzpay.amazonpay.gateway import CallRefused, PaymentState
from amzpay.domain.errors import IllegalTransition
from amzpay.domain.money import Money
from amzpay.domain.payment import AuthorizationState, CaptureState, PaymentKind, RefundState
from amzpay.ports.payments import NewPayment
from amzpay.processes.observations import apply_observation, apply_refusal
from amzpay.processes.polls import DEFAULT_SCHEDULE
from amzpay.services.polling import Poller
from fakes.orders import make_order
from fakes.world import World


class Rollback(Exception):
    """Raised to end a transaction without committing it."""


@pytest.fixture
def world(database):
    return World(database)


def refund_pending(world: World) -> tuple[str, str]:
    """A closed order whose first item is refund pending; the order and the refund's id."""
    order = world.place(make_order())
    world.fire(order, "capture")
    world.fire(order, "refund", ["L1-1"])
    assert world.states(order)["L1-1"] == "refund pending"
    return order, world.amazon_id(order, PaymentKind.REFUND)


def test_a_completed_refund_is_booked_and_its_item_moved_in_the_one_transaction(world):
    order, amazon_id = refund_pending(world)
    world.amazon.settle(amazon_id, PaymentState.COMPLETED)
    seen = world.amazon.objects[amazon_id].seen()

    with world.database.transaction() as tx:
        apply_observation(tx, seen, world.clock(), world.settlement, "ipn")
        inside = (tx.item_states(order)["L1-1"], tx.payments(order, PaymentKind.REFUND)[0].state)

    assert inside == ("refund completed", RefundState.COMPLETED)
    assert world.states(order)["L1-1"] == "refund completed"
    assert world.history(order)[-1] == (
        "L1-1",
        "refund pending",
        "refund completed",
        "refund is completed",
    )


def test_rolling_the_observation_back_undoes_the_payment_the_booking_and_the_items_move(world):
    order, amazon_id = refund_pending(world)
    world.amazon.settle(amazon_id, PaymentState.COMPLETED)
    seen = world.amazon.objects[amazon_id].seen()

    def settle_then_fail() -> None:
        with world.database.transaction() as tx:
            apply_observation(tx, seen, world.clock(), world.settlement, "ipn")
            assert tx.item_states(order)["L1-1"] == "refund completed"
            raise Rollback

    with pytest.raises(Rollback):
        settle_then_fail()

    with world.database.transaction() as tx:
        [refund] = tx.payments(order, PaymentKind.REFUND)
        assert (refund.state, tx.refund_bookings(order)) == (RefundState.PENDING, [])
        assert tx.item_states(order)["L1-1"] == "refund pending"
    world.notify(order)  # the IPN, tried again, settles it all once
    with world.database.transaction() as tx:
        assert [amount for _, amount in tx.refund_bookings(order)] == [Money(1999, "EUR")]
    assert world.states(order)["L1-1"] == "refund completed"


def test_news_no_state_diagram_has_is_refused_and_changes_nothing(world):
    order = world.place(make_order())
    amazon_id = world.amazon_id(order, PaymentKind.AUTHORIZATION)
    open_auth = world.amazon.objects[amazon_id].seen()
    declined = replace(
        open_auth,
        state=PaymentState.DECLINED,
        updated_at=open_auth.updated_at + timedelta(minutes=1),
    )

    with pytest.raises(IllegalTransition) as refused, world.database.transaction() as tx:
        apply_observation(tx, declined, world.clock(), world.settlement, "ipn")

    assert (refused.value.current, refused.value.target) == ("open", "declined")
    with world.database.transaction() as tx:
        assert tx.payments(order, PaymentKind.AUTHORIZATION)[0].state is AuthorizationState.OPEN
    assert set(world.states(order).values()) == {"auth open"}


def test_a_refusal_of_a_record_amazon_already_answered_for_is_ignored(world):
    order, _ = refund_pending(world)
    refused = CallRefused("Refund", "InvalidParameterValue", "repeated")

    with world.database.transaction() as tx:
        [refund] = tx.payments(order, PaymentKind.REFUND)
        kept = apply_refusal(tx, refund, refused, world.clock(), world.settlement, "test")

    assert (kept.state, kept.error_code) == (RefundState.PENDING, None)
    assert world.states(order)["L1-1"] == "refund pending"


def test_items_follow_only_their_newest_record_of_a_kind(world):
    world.amazon.answer("authorize", PaymentState.PENDING)
    order = world.place(make_order())
    first = world.amazon_id(order, PaymentKind.AUTHORIZATION)
    with world.database.transaction() as tx:
        items = tuple(tx.item_states(order))
        newer = NewPayment(PaymentKind.AUTHORIZATION, "A-newer", Money(1, "EUR"), items)
        tx.add_payment(order, newer, world.clock())
    world.amazon.settle(first, PaymentState.OPEN)

    with world.database.transaction() as tx:
        seen = world.amazon.objects[first].seen()
        moved = apply_observation(tx, seen, world.clock(), world.settlement, "ipn")

    assert moved is not None
    assert moved.state is AuthorizationState.OPEN
    assert set(world.states(order).values()) == {"auth pending"}


def test_a_capture_now_capture_follows_its_declined_authorization(world):
    world.amazon.answer("authorize", PaymentState.DECLINED, "AmazonRejected")
    order = world.place(make_order(), "amazon-pay-sync")

    with world.database.transaction() as tx:
        [capture] = tx.payments(order, PaymentKind.CAPTURE)

    assert capture.state is CaptureState.DECLINED
    assert set(world.states(order).values()) == {"payment declined"}


def test_a_poll_answer_no_diagram_has_is_kept_out_and_the_poll_goes_on(world):
    order, amazon_id = refund_pending(world)
    world.amazon.settle(amazon_id, PaymentState.CLOSED)  # a refund has no such state
    poller = Poller(
        world.database, world.engine, world.amazon, world.clock, DEFAULT_SCHEDULE, timedelta(days=1)
    )
    world.clock.advance(timedelta(minutes=2))

    asked = poller.poll_due()

    with world.database.transaction() as tx:
        [refund] = tx.payments(order, PaymentKind.REFUND)
    assert asked == 1
    assert (refund.state, refund.polls) == (RefundState.PENDING, 1)
    assert world.states(order)["L1-1"] == "refund pending"
