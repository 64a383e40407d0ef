"""An IPN whose application fails for a while (here: a table the booking needs is away) is
tried again on the inbox's backoff schedule, and applied once it can be; after the last try
it is given up with its error, and the poll is left to settle the refund."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import text

from amzpay.domain.money import Money
from amzpay.services.inbox import RETRIES
from shop import FakeShop, SimulatedAmazon


@contextmanager
def bookings_away(shop: FakeShop):
    """The database lets us down: refund bookings cannot be written until the block ends."""
    with shop.app.database.engine.begin() as connection:
        connection.execute(text("ALTER TABLE refund_bookings RENAME TO refund_bookings_away"))
    try:
        yield
    finally:
        with shop.app.database.engine.begin() as connection:
            connection.execute(text("ALTER TABLE refund_bookings_away RENAME TO refund_bookings"))


def refund_asked_at_amazon(shop: FakeShop, simulated: SimulatedAmazon) -> str:
    """A pending refund of ours that Amazon made and will complete. The order."""
    order = shop.closed_order()
    shop.app.refunds.request(order, ["L1-1"], actor="staff")
    shop.work()
    refund = shop.refunds(order)[-1]
    capture = simulated.captured(Money(20000, "EUR"), "retry")
    simulated.refund(capture, refund.reference_id, refund.amount)
    return order


def completed_while_away(simulated: SimulatedAmazon) -> None:
    """Amazon completes the refund; its IPN is stored but cannot be applied at receipt."""
    simulated.advance(60)


def inbox(shop: FakeShop) -> list[tuple[str, int, str | None, bool]]:
    """(type, attempts, error or note, processed) of every PaymentRefund message."""
    with shop.app.database.engine.begin() as connection:
        rows = connection.execute(
            text(
                "SELECT notification_type, attempts, error, processed_at FROM ipn_inbox"
                " WHERE notification_type = 'PaymentRefund' ORDER BY id"
            )
        )
        return [(r[0], r[1], r[2], r[3] is not None) for r in rows]


def booked(shop: FakeShop, order: str) -> list[Money]:
    with shop.app.database.transaction() as tx:
        return [amount for _, amount in tx.refund_bookings(order)]


def test_an_ipn_that_failed_is_applied_on_a_later_try_and_booked_once(sim_shop, simulated):
    order = refund_asked_at_amazon(sim_shop, simulated)
    with bookings_away(sim_shop):
        completed_while_away(simulated)
        sim_shop.work()
        [(_, attempts, error, processed)] = inbox(sim_shop)
        sim_shop.clock.advance(RETRIES[0] - timedelta(seconds=1))
        sim_shop.work()  # not due yet: left alone
        not_yet = inbox(sim_shop)

    sim_shop.later(timedelta(seconds=1))

    assert (attempts, processed) == (1, False)
    assert error is not None
    assert error.startswith("attempt 1 failed")
    assert not_yet == [("PaymentRefund", 1, error, False)]
    assert sim_shop.item_states(order)["L1-1"] == "refund completed"
    assert booked(sim_shop, order) == [Money(1999, "EUR")]
    [(_, _, _, done)] = inbox(sim_shop)
    assert done


def test_an_ipn_that_keeps_failing_is_given_up_after_the_last_retry_with_its_error(
    sim_shop, simulated
):
    order = refund_asked_at_amazon(sim_shop, simulated)
    with bookings_away(sim_shop):
        completed_while_away(simulated)
        sim_shop.work()
        for wait in RETRIES:
            sim_shop.clock.advance(wait)
            sim_shop.work()
        [(_, attempts, error, processed)] = inbox(sim_shop)
        state = sim_shop.refunds(order)[-1].state

    assert (attempts, processed, state) == (len(RETRIES), True, "pending")
    assert error is not None
    assert error.startswith(f"failed after {len(RETRIES) + 1} attempts")
