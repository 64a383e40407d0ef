"""API v2 IPNs end to end: amzpay with V2Gateway in front of the simulator's API v2 (its
requests signed by amzpay's client and verified by the simulator), the simulator's signed v2
IPNs handed to amzpay's IPN receiver. A v2 IPN only names the object that changed: it is
stored at receipt, and the worker asks Amazon for the object and applies what Amazon says
through the one observation path. A refund amzpay never asked for becomes an external refund
for staff, on the order of its charge permission."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from v2shop import REFUND_SETTLES, V2Amazon, V2Shop, key_file, v2_app, v2_environ

from amzpay.config import Settings
from amzpay.domain.money import Money
from amzpay.domain.payment import PaymentKind
from fakes.memory import MemoryStorage


@pytest.fixture(params=["at-receipt"])
def shop(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[V2Shop]:
    """The shop on API v2 on the in-memory store; a test parametrized indirectly with
    ``worker`` has its IPNs stored by the endpoint for the worker to apply (a v2 IPN waits
    for the worker's look-up either way)."""
    amazon = V2Amazon()
    environ = v2_environ("sqlite://", key_file(tmp_path))
    settings = Settings.load(environ | {"AMZPAY_AMAZON__IPN_APPLY": request.param})
    with V2Shop(v2_app(settings, amazon, database=MemoryStorage()), amazon) as made:
        yield made


def unprocessed_ipns(shop: V2Shop) -> int:
    with shop.app.database.read() as tx:
        return len(tx.unprocessed_ipns(100, shop.amazon.clock.now()))


def inbox(shop: V2Shop, notification_type: str) -> list[tuple[bool, str | None]]:
    """The stored IPNs of a type, oldest first: whether processed, and the note."""
    with shop.app.database.read() as tx:
        rows, _ = tx.ipn_page(notification_type, False, 100, 0)
    return [(row.processed_at is not None, row.error) for row in reversed(rows)]


def permission_of(shop: V2Shop, order: str) -> str | None:
    """The order's charge permission: the Amazon id it was imported with."""
    with shop.app.database.read() as tx:
        return tx.order(order).amazon_order_reference_id


def test_a_v2_refund_is_completed_by_its_ipn_once_the_worker_has_asked_amazon(shop: V2Shop):
    order, _ = shop.captured_order()
    [capture] = shop.payments(order, PaymentKind.CAPTURE)

    shop.app.refunds.request(order, ["L1-1"], actor="staff")
    shop.work()
    [pending] = shop.refunds(order)
    shop.amazon.advance(REFUND_SETTLES)  # Refunded: the simulator sends its v2 IPN
    [(before, received)] = [(r.state, r.amazon_id) for r in shop.refunds(order)]
    stored = inbox(shop, "REFUND")
    shop.work()
    [refund] = shop.refunds(order)

    assert capture.state == "completed"
    assert pending.state == "pending"
    assert stored == [(False, None)]  # kept at receipt, not applied: it names the refund only
    assert before == "pending"
    assert (refund.state, refund.amazon_id) == ("completed", received)
    assert shop.item_states(order)["L1-1"] == "refunded"
    assert inbox(shop, "REFUND") == [(True, None)]
    assert unprocessed_ipns(shop) == 0


@pytest.mark.parametrize("shop", ["at-receipt", "worker"], indirect=True)
def test_a_v2_ipn_is_listed_with_its_order_and_the_object_it_names(shop: V2Shop):
    order, _ = shop.captured_order()
    permission = permission_of(shop, order)
    shop.app.refunds.request(order, ["L1-1"], actor="staff")
    shop.work()
    shop.later(REFUND_SETTLES)
    [refund] = shop.refunds(order)
    [charge] = shop.payments(order, PaymentKind.CAPTURE)

    log = shop.app.queries.ipns().rows
    history = [entry for entry in shop.app.queries.history(order) if entry.kind == "ipn"]

    # the message names an object, not its state: the state is Amazon's answer to the worker
    about = {(entry.notification_type, entry.amazon_id, entry.state, entry.order) for entry in log}
    assert ("REFUND", refund.amazon_id, None, order) in about
    assert ("CHARGE", charge.amazon_id, None, order) in about
    assert ("CHARGE_PERMISSION", permission, None, order) in about
    assert {entry.order for entry in log} == {order}
    assert "IPN REFUND" in [entry.summary for entry in history]
    assert len(history) == len(log)


def test_the_worker_without_amazon_keeps_a_v2_ipn_to_try_again(shop: V2Shop):
    order, _ = shop.captured_order()
    shop.app.refunds.request(order, ["L1-1"], actor="staff")
    shop.work()
    shop.amazon.advance(REFUND_SETTLES)
    shop.amazon.sim.faults.update({"fail_calls": 1000, "fail_status": 503})

    shop.work()
    [waiting] = inbox(shop, "REFUND")
    shop.amazon.sim.faults.update({"fail_calls": 0})
    shop.amazon.advance(120)  # the message's retry falls due; Amazon answers again
    shop.work()

    assert waiting[0] is False
    assert "GetRefund failed, to be retried" in str(waiting[1])
    assert inbox(shop, "REFUND") == [(True, None)]
    assert shop.refunds(order)[0].state == "completed"


def test_a_v2_refund_made_at_amazon_becomes_an_external_refund_of_its_order(shop: V2Shop):
    order, _ = shop.captured_order()
    [capture] = shop.payments(order, PaymentKind.CAPTURE)
    assert capture.amazon_id is not None

    made = shop.amazon.v2_gateway().refund(  # Seller Central, not amzpay
        capture_id=capture.amazon_id, reference_id="seller-central-1", amount=Money(500, "EUR")
    )
    shop.later(REFUND_SETTLES)

    [external] = shop.app.external_refunds.list_all()
    assert (external.amazon_refund_id, external.order) == (made.amazon_id, order)
    assert (external.amount, external.state) == (Money(500, "EUR"), "completed")
    assert shop.refunds(order) == []


def test_an_inbox_with_no_gateway_keeps_a_v2_ipn_saying_why(shop: V2Shop):
    order, _ = shop.captured_order()
    shop.app.refunds.request(order, ["L1-1"], actor="staff")
    shop.work()
    shop.app.inbox.gateway = None

    shop.amazon.advance(REFUND_SETTLES)
    shop.work()

    [(processed, note)] = inbox(shop, "REFUND")
    assert not processed
    assert "needs a gateway" in str(note)
    assert shop.refunds(order)[0].state == "pending"


def test_a_buyers_checkout_leaves_a_chargeable_charge_permission_with_nothing_charged(
    shop: V2Shop,
):
    permission = shop.amazon.v2_checkout(Money(9388, "EUR"))

    seen = shop.amazon.v2_gateway().order_reference_details(permission)

    assert seen.amazon_id == permission
    assert seen.state == "open"
    assert seen.amount == Money(9388, "EUR")
