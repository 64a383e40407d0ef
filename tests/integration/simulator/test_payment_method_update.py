"""After a soft decline the buyer chooses another payment method in Amazon's wallet widget:
the order reference is Open again, Amazon says so by IPN, and the next authorization pays."""

from __future__ import annotations

import httpx
from simkit import Amazon, Inbox, Shop, text

from amzpay.simulator import Simulator


def order_state(amazon: Amazon, order_id: str) -> str:
    details = amazon.ok("GetOrderReferenceDetails", AmazonOrderReferenceId=order_id)[0]
    return text(details, "OrderReferenceStatus/State")


def suspended(shop: Shop) -> str:
    order_id = shop.open_order(method="*invalid-payment-method")
    shop.authorize(order_id, "100.00")
    return order_id


def test_a_suspended_order_is_open_again_once_the_buyer_chose_another_payment_method(
    http: httpx.Client, amazon: Amazon, shop: Shop, inbox: Inbox, sim: Simulator
) -> None:
    order_id = suspended(shop)
    before = order_state(amazon, order_id)

    answer = http.post(
        f"/_sim/order-references/{order_id}/payment-method", json={"payment_method": "visa"}
    )
    sim.advance(1)

    assert (before, answer.status_code, order_state(amazon, order_id)) == (
        "Suspended",
        200,
        "Open",
    )
    assert [i.state for i in inbox.of("OrderReferenceNotification")][-1] == "Open"
    auth = amazon.ok(
        "GetAuthorizationDetails", AmazonAuthorizationId=shop.authorize(order_id, "100.00")
    )[0]
    assert text(auth, "AuthorizationStatus/State") == "Open"


def test_a_new_payment_method_on_an_open_order_leaves_it_open(
    amazon: Amazon, shop: Shop, sim: Simulator
) -> None:
    order_id = shop.open_order()

    sim.change_payment_method(order_id, "mastercard")

    assert order_state(amazon, order_id) == "Open"


def test_changing_to_an_unknown_method_or_on_an_unknown_or_closed_order_is_refused(
    http: httpx.Client, amazon: Amazon, shop: Shop
) -> None:
    order_id = shop.open_order()
    unknown_method = http.post(
        f"/_sim/order-references/{order_id}/payment-method", json={"payment_method": "gold"}
    )
    missing = http.post(f"/_sim/order-references/{order_id}/payment-method", json={})
    unknown_order = http.post(
        "/_sim/order-references/S01-0000000-0000000/payment-method",
        json={"payment_method": "visa"},
    )
    amazon.ok("CloseOrderReference", AmazonOrderReferenceId=order_id)
    closed = http.post(
        f"/_sim/order-references/{order_id}/payment-method", json={"payment_method": "visa"}
    )

    assert [a.status_code for a in (unknown_method, missing, unknown_order, closed)] == [
        400,
        400,
        404,
        400,
    ]
    assert "unknown payment method" in unknown_method.json()["error"]
    assert "Closed" in closed.json()["error"]
