from __future__ import annotations

import json

from amzpay.amazonpay.gateway import PaymentState
from amzpay.domain.money import Money
from shop import order_spec


def suspended_at_amazon(simulated) -> str:
    """An order reference whose authorization Amazon declined (InvalidPaymentMethod): it is
    Suspended, and Amazon said so by IPN."""
    amazon_order = simulated.sim.create_order_reference(payment_method="*invalid-payment-method")
    simulated.client.set_order_reference_details(amazon_order, Money(9888, "EUR"))
    simulated.client.confirm_order_reference(amazon_order)
    simulated.client.authorize(
        amazon_order, "A-declined", Money(9888, "EUR"), transaction_timeout=0
    )
    return amazon_order


def buyer_updates_the_payment_method(sim_shop, simulated) -> None:
    """Amazon's OrderReferenceNotification Open (the simulator has no buyer to change the
    method, so its Suspended notification is replayed as Open, as Amazon would send it)."""
    suspended = next(
        ipn
        for ipn, _ in simulated.answers
        if ipn.notification_type == "OrderReferenceNotification" and ipn.state == "Suspended"
    )
    envelope = dict(suspended.envelope)
    message = json.loads(envelope["Message"])
    message["NotificationData"] = message["NotificationData"].replace(
        "<State>Suspended</State>", "<State>Open</State>"
    )
    envelope["Message"], envelope["MessageId"] = json.dumps(message), "buyer-updated-1"
    with sim_shop.app.database.transaction() as tx:
        tx.receive_ipn(
            "buyer-updated-1", "OrderReferenceNotification", json.dumps(envelope), sim_shop.clock()
        )


def test_a_soft_decline_suspends_the_order_and_the_updated_payment_method_is_authorized_again(
    sim_shop, simulated, sink
):
    amazon_order = suspended_at_amazon(simulated)
    sim_shop.amazon.answer("authorize", PaymentState.DECLINED, "InvalidPaymentMethod")
    order = sim_shop.place(order_spec(amazon_order_reference_id=amazon_order))
    simulated.advance(5)
    sim_shop.work()
    with sim_shop.app.database.transaction() as tx:
        suspended = tx.order_reference_state(order)
    sim_shop.amazon.open_order_reference(amazon_order)  # the fake Amazon hears of it too

    buyer_updates_the_payment_method(sim_shop, simulated)
    sim_shop.work()

    assert suspended == "suspended"
    assert sim_shop.states(order) == {"auth open"}
    with sim_shop.app.database.transaction() as tx:
        assert [m.kind for m in tx.outbox(order)] == ["authorization_suspended"]
    assert [m["To"] for m in sink.messages] == ["buyer@example.com"]
