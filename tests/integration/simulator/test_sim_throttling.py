"""Amazon's per-operation leaky buckets (amazonpay-api.md §A.10): 503 RequestThrottled."""

from __future__ import annotations

from dataclasses import replace
from xml.etree import ElementTree

import httpx
import pytest
from simkit import HOST, SELLER, Amazon, Inbox, names, node

from amzpay.simulator import (
    InProcessTransport,
    ManualClock,
    Quota,
    Simulator,
    SimulatorConfig,
    Throttling,
    create_simulator,
    simulator_of,
)


@pytest.fixture
def config(config: SimulatorConfig) -> SimulatorConfig:
    return replace(config, throttling=Throttling(enabled=True))


def test_a_third_write_within_two_seconds_is_throttled_in_the_sandbox(
    amazon: Amazon, sim: Simulator
) -> None:
    order_id = sim.create_order_reference()

    calls = [amazon.post("CancelOrderReference", AmazonOrderReferenceId=order_id) for _ in range(3)]

    assert [c.status_code for c in calls[:2]] == [200, 405]
    assert calls[2].status_code == 503
    root = ElementTree.fromstring(calls[2].content)
    assert names(root) == ["Error", "RequestID"]
    assert names(node(root, "Error")) == ["Type", "Code", "Message"]
    assert node(root, "Error/Type").text is None
    assert node(root, "Error/Code").text == "RequestThrottled"


def test_the_bucket_drains_one_call_every_two_seconds(
    amazon: Amazon, sim: Simulator, clock: ManualClock
) -> None:
    order_id = sim.create_order_reference()
    for _ in range(2):
        amazon.post("CloseOrderReference", AmazonOrderReferenceId=order_id)

    clock.advance(2)
    after_two_seconds = amazon.post("CloseOrderReference", AmazonOrderReferenceId=order_id)
    at_once = amazon.post("CloseOrderReference", AmazonOrderReferenceId=order_id)

    assert after_two_seconds.status_code != 503
    assert at_once.status_code == 503


def test_reads_have_a_bucket_of_five_per_operation(amazon: Amazon, sim: Simulator) -> None:
    order_id = sim.create_order_reference()

    reads = [
        amazon.post("GetOrderReferenceDetails", AmazonOrderReferenceId=order_id).status_code
        for _ in range(6)
    ]
    other_operation = amazon.post("GetAuthorizationDetails", AmazonAuthorizationId="S01-1-1-A1")

    assert reads == [200] * 5 + [503]
    assert other_operation.status_code == 404


def _third_close_after(config: SimulatorConfig, clock: ManualClock, seconds: float) -> int:
    """The status of a third CloseOrderReference made ``seconds`` after two at once."""
    app = create_simulator(config, clock=clock)
    order_id = simulator_of(app).create_order_reference()
    with httpx.Client(transport=InProcessTransport(app), base_url=f"https://{HOST}") as http:
        amazon = Amazon(http, clock)
        for _ in range(2):
            amazon.post("CloseOrderReference", AmazonOrderReferenceId=order_id)
        clock.advance(seconds)
        return amazon.post("CloseOrderReference", AmazonOrderReferenceId=order_id).status_code


def test_time_scale_leaves_quotas_on_amazons_real_time(
    clock: ManualClock, config: SimulatorConfig
) -> None:
    fast = replace(config, time_scale=10.0)

    assert _third_close_after(fast, clock, 0.2) == 503
    assert _third_close_after(fast, ManualClock(clock.now()), 2.0) != 503


def test_quotas_refill_faster_with_time_scale_only_when_asked(
    clock: ManualClock, config: SimulatorConfig
) -> None:
    fast = replace(
        config, time_scale=10.0, throttling=Throttling(enabled=True, scale_with_time=True)
    )

    assert _third_close_after(fast, clock, 0.2) != 503


def test_quotas_are_configurable(clock: ManualClock, inbox: Inbox, config: SimulatorConfig) -> None:
    tight = replace(
        config,
        throttling=Throttling(enabled=True, sandbox={"GetOrderReferenceDetails": Quota(1, 60)}),
    )
    app = create_simulator(tight, clock=clock, sender=inbox)
    order_id = simulator_of(app).create_order_reference()
    with httpx.Client(transport=InProcessTransport(app), base_url=f"https://{HOST}") as http:
        amazon = Amazon(http, clock)

        codes = [
            amazon.post("GetOrderReferenceDetails", AmazonOrderReferenceId=order_id).status_code
            for _ in range(2)
        ]

    assert codes == [200, 503]


def test_throttling_is_off_unless_enabled(clock: ManualClock, inbox: Inbox) -> None:
    app = create_simulator(SimulatorConfig(sellers=(SELLER,)), clock=clock, sender=inbox)
    order_id = simulator_of(app).create_order_reference()
    with httpx.Client(transport=InProcessTransport(app), base_url=f"https://{HOST}") as http:
        amazon = Amazon(http, clock)

        codes = {
            amazon.post("GetOrderReferenceDetails", AmazonOrderReferenceId=order_id).status_code
            for _ in range(30)
        }

    assert codes == {200}
