"""A simulator on the real clock plus an offset, as ``amzpay simulator`` serves it: the control
API moves it ahead, and what falls due on the way happens (here on a manual wall clock, so
that nothing depends on how fast the machine is)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import uvicorn
from simkit import HOST, SELLER, Amazon, Inbox, Shop, text
from starlette.applications import Starlette

from amzpay.cli.simulator import build, simulator_config
from amzpay.simulator import (
    InProcessTransport,
    ManualClock,
    OffsetClock,
    Simulator,
    SimulatorConfig,
    SystemClock,
    create_simulator,
    simulator_of,
)


@pytest.fixture
def wall() -> ManualClock:
    return ManualClock(datetime(2026, 3, 2, 10, 0, 0, tzinfo=UTC))


@pytest.fixture
def offset_app(config: SimulatorConfig, wall: ManualClock, inbox: Inbox) -> Starlette:
    return create_simulator(config, clock=OffsetClock(wall), sender=inbox)


@pytest.fixture
def offset_http(offset_app: Starlette) -> Iterator[httpx.Client]:
    transport = InProcessTransport(offset_app)
    with httpx.Client(transport=transport, base_url=f"https://{HOST}") as client:
        yield client


@pytest.fixture
def offset_shop(offset_http: httpx.Client, offset_app: Starlette, wall: ManualClock) -> Shop:
    # The shop's own clock is the wall clock: it did not move with the simulator.
    return Shop(Amazon(offset_http, wall), simulator_of(offset_app))


def test_advancing_settles_a_refund_and_sends_its_ipn(
    offset_shop: Shop, offset_http: httpx.Client, inbox: Inbox
) -> None:
    capture_id = offset_shop.captured("40.00")
    refund = offset_shop.refund(capture_id, "15.00")
    refund_id = refund.text.split("<AmazonRefundId>")[1].split("<")[0]

    moved = offset_http.post("/_sim/clock/advance", json={"seconds": 31.5})

    assert moved.status_code == 200
    assert moved.json() == {"now": "2026-03-02T10:00:31.500Z", "offset_seconds": 31.5}
    details = offset_shop.amazon.ok("GetRefundDetails", AmazonRefundId=refund_id)[0]
    assert text(details, "RefundStatus/State") == "Completed"
    assert [ipn.state for ipn in inbox.of("PaymentRefund")] == ["Completed"]


def test_requests_stamped_with_the_real_time_are_accepted_after_moving_hours_ahead(
    offset_shop: Shop, offset_http: httpx.Client
) -> None:
    order_id = offset_shop.open_order("10.00")

    offset_http.post("/_sim/clock/advance?seconds=7200")
    details = offset_shop.amazon.ok("GetOrderReferenceDetails", AmazonOrderReferenceId=order_id)

    assert text(details[0], "OrderReferenceStatus/State") == "Open"


def test_the_clock_reports_its_offset(offset_http: httpx.Client) -> None:
    offset_http.post("/_sim/clock/advance", json={"seconds": 60})

    shown = offset_http.get("/_sim/clock").json()

    assert shown == {"now": "2026-03-02T10:01:00.000Z", "offset_seconds": 60.0}


@pytest.mark.parametrize("seconds", ["-5", "nan", "inf", "soon"])
def test_advancing_by_what_is_not_a_forward_move_is_refused(
    offset_http: httpx.Client, seconds: str
) -> None:
    refused = offset_http.post(f"/_sim/clock/advance?seconds={seconds}")

    assert refused.status_code == 400
    assert "seconds" in refused.json()["error"]


def test_a_malformed_advance_body_is_refused(offset_http: httpx.Client) -> None:
    refused = offset_http.post(
        "/_sim/clock/advance", content=b"{seconds", headers={"content-type": "application/json"}
    )

    assert refused.status_code == 400


def test_a_simulator_on_the_bare_system_clock_cannot_be_moved(config: SimulatorConfig) -> None:
    app = create_simulator(config, clock=SystemClock())
    with httpx.Client(transport=InProcessTransport(app), base_url=f"https://{HOST}") as http:
        refused = http.post("/_sim/clock/advance", json={"seconds": 5})

    assert refused.status_code == 409
    assert not simulator_of(app).can_advance


def test_the_in_process_advance_works_on_an_offset_clock(
    offset_app: Starlette, wall: ManualClock
) -> None:
    sim: Simulator = simulator_of(offset_app)

    sim.advance(10)

    assert sim.clock.now() == wall.now().replace(second=10)


@pytest.fixture
def served() -> Iterator[str]:
    """``amzpay simulator``'s app on a free loopback port, its background settling on."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    app = build(simulator_config("127.0.0.1", port, SELLER, throttle=False))
    server = uvicorn.Server(uvicorn.Config(app, log_level="critical"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    for _ in range(500):
        if server.started:
            break
        thread.join(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    listener.close()


def test_the_served_simulator_on_the_real_clock_skips_amazons_delays(served: str) -> None:
    with httpx.Client(base_url=served, headers={"host": HOST}, timeout=10) as http:
        amazon = Amazon(http, SystemClock())
        order_id = http.post("/_sim/order-references", json={}).json()["AmazonOrderReferenceId"]
        amazon.ok("SetOrderReferenceDetails", AmazonOrderReferenceId=order_id, **TOTAL)
        amazon.ok("ConfirmOrderReference", AmazonOrderReferenceId=order_id)
        pending = amazon.ok(
            "Authorize",
            AmazonOrderReferenceId=order_id,
            AuthorizationReferenceId="auth-1",
            **{"AuthorizationAmount.Amount": "10.00", "AuthorizationAmount.CurrencyCode": "EUR"},
        )[0]
        auth_id = text(pending, "AmazonAuthorizationId")

        started = SystemClock().now()
        # The simulator states its time to the millisecond: ``before`` likewise.
        before = started.replace(microsecond=started.microsecond // 1000 * 1000)
        moved = http.post("/_sim/clock/advance", json={"seconds": 31})
        details = amazon.ok("GetAuthorizationDetails", AmazonAuthorizationId=auth_id)[0]

    assert text(pending, "AuthorizationStatus/State") == "Pending"
    assert moved.status_code == 200
    now = datetime.fromisoformat(moved.json()["now"].replace("Z", "+00:00"))
    assert now >= before + timedelta(seconds=31)
    assert text(details, "AuthorizationStatus/State") == "Open"


TOTAL = {
    "OrderReferenceAttributes.OrderTotal.Amount": "10.00",
    "OrderReferenceAttributes.OrderTotal.CurrencyCode": "EUR",
}
