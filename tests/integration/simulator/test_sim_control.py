"""The control API under /_sim and the buyer test data: order references made as if a
buyer had signed in, time moved by hand, what happened made visible."""

from __future__ import annotations

from dataclasses import replace
from xml.etree import ElementTree

import anyio
import httpx
import pytest
from simkit import SELLER, Amazon, Inbox, Shop, text
from starlette.applications import Starlette

from amzpay.simulator import (
    PAYMENT_METHODS,
    InProcessTransport,
    Ipn,
    ManualClock,
    Simulator,
    SimulatorConfig,
    create_simulator,
    simulator_of,
)

TOTAL = {
    "OrderReferenceAttributes.OrderTotal.Amount": "10.00",
    "OrderReferenceAttributes.OrderTotal.CurrencyCode": "EUR",
}


def test_a_buyer_signs_in_through_the_control_api(http: httpx.Client, amazon: Amazon) -> None:
    created = http.post(
        "/_sim/order-references",
        json={"name": "Max Muster", "city": "Berlin", "payment_method": "mastercard"},
    )
    order_id = created.json()["AmazonOrderReferenceId"]
    amazon.ok("SetOrderReferenceDetails", AmazonOrderReferenceId=order_id, **TOTAL)
    amazon.ok("ConfirmOrderReference", AmazonOrderReferenceId=order_id)

    details = amazon.ok("GetOrderReferenceDetails", AmazonOrderReferenceId=order_id)[0]

    assert created.status_code == 201
    assert text(details, "Buyer/Name") == "Max Muster"
    assert text(details, "Destination/PhysicalDestination/City") == "Berlin"
    assert text(details, "PaymentDescriptor/Name") == "MasterCard"


def test_an_unknown_payment_method_is_refused(http: httpx.Client) -> None:
    answer = http.post("/_sim/order-references", json={"payment_method": "gold-bar"})

    assert answer.status_code == 400
    assert "unknown payment method" in answer.json()["error"]


def test_the_starred_not_allowed_payment_method_blocks_confirmation(
    amazon: Amazon, sim: Simulator
) -> None:
    order_id = sim.create_order_reference(payment_method="*not-allowed")
    amazon.ok("SetOrderReferenceDetails", AmazonOrderReferenceId=order_id, **TOTAL)

    assert amazon.error("ConfirmOrderReference", AmazonOrderReferenceId=order_id) == (
        400,
        "ConstraintsExist",
    )


@pytest.mark.parametrize(
    ("method", "reason", "order_state"),
    [
        ("*invalid-payment-method", "InvalidPaymentMethod", "Suspended"),
        ("*amazon-rejected", "AmazonRejected", "Closed"),
        ("*transaction-timed-out", "TransactionTimedOut", "Open"),
    ],
)
def test_the_starred_declining_payment_methods_decline_authorizations(
    amazon: Amazon, shop: Shop, method: str, reason: str, order_state: str
) -> None:
    order_id = shop.open_order("10.00", method=method)

    auth_id = shop.authorize(order_id, "10.00")

    auth = amazon.ok("GetAuthorizationDetails", AmazonAuthorizationId=auth_id)[0]
    order = amazon.ok("GetOrderReferenceDetails", AmazonOrderReferenceId=order_id)[0]
    assert text(auth, "AuthorizationStatus/State") == "Declined"
    assert text(auth, "AuthorizationStatus/ReasonCode") == reason
    assert text(order, "OrderReferenceStatus/State") == order_state


def test_every_payment_method_has_a_descriptor_name() -> None:
    assert all(method.name for method in PAYMENT_METHODS.values())


def test_time_moves_only_when_the_control_api_advances_it(
    http: httpx.Client, shop: Shop, amazon: Amazon
) -> None:
    capture_id = shop.captured("10.00")
    refund = ElementTree.fromstring(shop.refund(capture_id, "10.00").content)
    refund_id = text(refund, "RefundResult/RefundDetails/AmazonRefundId")

    before = http.get("/_sim/clock").json()["now"]
    after = http.post("/_sim/clock/advance?seconds=31").json()["now"]

    assert (before, after) == ("2026-03-02T10:00:00.000Z", "2026-03-02T10:00:31.000Z")
    assert (
        text(amazon.ok("GetRefundDetails", AmazonRefundId=refund_id)[0], "RefundStatus/State")
        == "Completed"
    )


def test_settle_delivers_what_is_due_without_moving_time(
    http: httpx.Client, shop: Shop, inbox: Inbox
) -> None:
    shop.captured("10.00")
    inbox.clear()
    http.post("/_sim/clock/advance?seconds=0.3")

    assert http.post("/_sim/settle").json()["now"] == "2026-03-02T10:00:00.300Z"
    assert inbox == []


def test_the_ipn_log_shows_every_ipn_and_its_attempts(http: httpx.Client, shop: Shop) -> None:
    shop.captured("10.00")
    http.post("/_sim/clock/advance?seconds=1")

    log = http.get("/_sim/ipns").json()

    assert [entry["NotificationType"] for entry in log] == [
        "OrderReferenceNotification",
        "PaymentAuthorize",
        "PaymentCapture",
        "PaymentAuthorize",
    ]
    assert all(entry["final"] == "delivered" for entry in log)
    assert log[0]["attempts"] == [
        {"at": "2026-03-02T10:00:00.400Z", "status": 200, "outcome": "delivered"}
    ]


def test_the_call_log_shows_every_call_and_its_answer(
    http: httpx.Client, amazon: Amazon, sim: Simulator
) -> None:
    order_id = sim.create_order_reference()
    amazon.post("GetOrderReferenceDetails", AmazonOrderReferenceId=order_id)
    amazon.post("ConfirmOrderReference", AmazonOrderReferenceId=order_id)

    calls = http.get("/_sim/calls").json()

    assert [(c["action"], c["status"], c["error_code"]) for c in calls] == [
        ("GetOrderReferenceDetails", 200, None),
        ("ConfirmOrderReference", 400, "ConstraintsExist"),
    ]


def test_the_ipn_url_can_be_changed_like_in_seller_central(
    http: httpx.Client, sim: Simulator, shop: Shop
) -> None:
    urls: list[str | None] = []

    def to_shop(url: str | None, ipn: Ipn) -> int:
        urls.append(url)
        return 200

    sim.sender = to_shop

    http.put(f"/_sim/sellers/{SELLER.seller_id}/ipn-url", json={"url": "https://other.example/ipn"})
    shop.captured("10.00")
    http.post("/_sim/clock/advance?seconds=1")

    assert set(urls) == {"https://other.example/ipn"}


def test_only_the_current_certificate_is_served(http: httpx.Client) -> None:
    assert http.get("/_sim/sns/SimpleNotificationService-0000.pem").status_code == 404


def test_advancing_a_real_time_simulator_is_refused(inbox: Inbox) -> None:
    app = create_simulator(sender=inbox)
    with httpx.Client(transport=InProcessTransport(app), base_url="http://sim") as http:
        assert http.post("/_sim/clock/advance?seconds=1").status_code == 409


@pytest.mark.anyio
async def test_the_app_also_serves_httpxs_own_async_asgi_transport(
    app: Starlette, sim: Simulator
) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sim.test") as client:
        answer = await client.get("/_sim/clock")

    assert answer.json() == {"now": "2026-03-02T10:00:00.000Z"}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def test_advance_takes_its_seconds_as_json_too(http: httpx.Client) -> None:
    assert http.post("/_sim/clock/advance", json={"seconds": 90}).json() == {
        "now": "2026-03-02T10:01:30.000Z"
    }


@pytest.mark.anyio
async def test_a_served_simulator_settles_due_work_in_the_background(
    config: SimulatorConfig, clock: ManualClock, inbox: Inbox
) -> None:
    at_once = replace(config, ipn_seconds=0.0)
    app = create_simulator(at_once, clock=clock, sender=inbox, background=True, tick_seconds=0)
    sim = simulator_of(app)
    sim.create_order_reference()
    clock.advance(3 * 3600 + 1)  # the draft is due to go stale, and nobody settles by hand

    async with app.router.lifespan_context(app):
        with anyio.fail_after(10):
            while not inbox:
                await anyio.sleep(0.01)

    assert [(ipn.notification_type, ipn.state) for ipn in inbox] == [
        ("OrderReferenceNotification", "Canceled")
    ]


def test_an_unknown_buyer_field_is_refused(http: httpx.Client) -> None:
    answer = http.post("/_sim/order-references", json={"shoe_size": 42})

    assert answer.status_code == 400
    assert "shoe_size" in answer.json()["error"]
