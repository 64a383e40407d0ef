"""An IPN is read once, at receipt: the inbox keeps what it is about (the Amazon object, its
state and our order), so the IPN log and an order's history read keys, not bodies. Messages
stored without those keys (before they were kept) are still found by their bodies."""

from __future__ import annotations

from sqlalchemy import text
from test_flow_ipn import mirror_at_amazon, pending_refund

from shop import FakeShop, SimulatedAmazon


def refund_settled_by_ipn(shop: FakeShop, simulated: SimulatedAmazon) -> tuple[str, str]:
    order, refund = pending_refund(shop, ["L1-1"])
    amazon_id = mirror_at_amazon(simulated, refund)
    shop.work()
    return order, amazon_id


def test_the_inbox_keeps_what_a_refund_ipn_is_about(sim_shop, simulated):
    order, amazon_id = refund_settled_by_ipn(sim_shop, simulated)

    with sim_shop.app.database.read() as tx:
        [row] = [r for r in tx.ipns_of_order(order) if r.notification_type == "PaymentRefund"]

    assert (row.object_kind, row.amazon_id, row.state, row.order) == (
        "refund",
        amazon_id,
        "completed",
        order,
    )


def test_the_ipn_log_shows_the_order_and_object_without_reading_bodies(sim_shop, simulated):
    order, amazon_id = refund_settled_by_ipn(sim_shop, simulated)
    with sim_shop.app.database.engine.begin() as connection:
        connection.execute(text("UPDATE ipn_inbox SET body = '{}'"))  # nothing left to read

    page = sim_shop.app.queries.ipns(notification_type="PaymentRefund")

    assert [(e.order, e.amazon_id, e.state) for e in page.rows] == [(order, amazon_id, "completed")]
    history = sim_shop.app.queries.history(order)
    assert ("amazon_id", amazon_id) in [d for e in history if e.kind == "ipn" for d in e.details]


def test_a_message_stored_without_its_keys_is_still_in_its_orders_history(sim_shop, simulated):
    order, amazon_id = refund_settled_by_ipn(sim_shop, simulated)
    with sim_shop.app.database.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE ipn_inbox SET object_kind = NULL, amazon_id = NULL,"
                " object_state = NULL, order_id = NULL"
            )
        )

    page = sim_shop.app.queries.ipns(notification_type="PaymentRefund")
    history = sim_shop.app.queries.history(order)

    assert [(e.order, e.amazon_id, e.state) for e in page.rows] == [(order, amazon_id, "completed")]
    assert ("amazon_id", amazon_id) in [d for e in history if e.kind == "ipn" for d in e.details]
