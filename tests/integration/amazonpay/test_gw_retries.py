"""Retries against the simulator's faults: MwsGateway over MwsClient, the client's sleeps
moving the simulator's clock (no test waits in real time)."""

from __future__ import annotations

import pytest

from amzpay.amazonpay.calllog import CallOutcome
from amzpay.amazonpay.gateway import CallFailed, PaymentState, Throttled
from amzpay.amazonpay.throttle import SANDBOX_QUOTAS
from amzpay.simulator import Quota, Throttling
from amzpay.simulator.config import SANDBOX_QUOTAS as SIMULATOR_SANDBOX_QUOTAS
from integration.amazonpay.amazon_sides import SimulatorSide
from integration.amazonpay.contract_steps import captured, eur, fresh


def refund_outcomes(side: SimulatorSide) -> list[CallOutcome]:
    return [call.outcome for call in side.call_log.calls if call.operation == "Refund"]


def test_a_lost_refund_response_retried_with_the_same_reference_id_makes_one_refund(
    simulated: SimulatorSide,
):
    capture = captured(simulated, "100.00")
    simulated.sim.faults.update({"lose_responses": 1})

    refund = simulated.gateway.refund(
        capture_id=capture.amazon_id, reference_id="rf-lost-1", amount=eur("20.00")
    )

    assert refund.state is PaymentState.PENDING
    assert simulated.gateway.capture_details(capture.amazon_id).children == (refund.amazon_id,)
    assert simulated.calls("Refund") == [(200, None), (200, None)]  # performed twice: one refund
    assert refund_outcomes(simulated) == [CallOutcome.RETRYABLE, CallOutcome.OK]
    sent = [
        c.parameters["RefundReferenceId"]
        for c in simulated.call_log.calls
        if c.operation == "Refund"
    ]
    assert sent == ["rf-lost-1", "rf-lost-1"]


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_for_the_next_calls_are_retried_with_growing_waits(
    simulated: SimulatorSide, status: int
):
    capture = captured(simulated)
    simulated.sim.faults.update({"fail_calls": 2, "fail_status": status})

    refund = simulated.gateway.refund(
        capture_id=capture.amazon_id, reference_id=fresh("rf"), amount=eur("5.00")
    )

    assert refund.state is PaymentState.PENDING
    assert [s for s, _ in simulated.calls("Refund")] == [status, status, 200]
    assert simulated.sleeps == [0.75, 1.5]  # equal jitter at rng 0.5: 3/4 of 1 s, 2 s


def test_when_the_retries_are_spent_a_later_call_with_the_same_id_makes_one_refund(
    simulated: SimulatorSide,
):
    capture = captured(simulated)
    simulated.sim.faults.update({"lose_responses": 1, "fail_calls": 3, "fail_status": 503})

    with pytest.raises(CallFailed) as failed:
        simulated.gateway.refund(
            capture_id=capture.amazon_id, reference_id="rf-later-1", amount=eur("5.00")
        )
    simulated.advance(60)
    later = simulated.gateway.refund(
        capture_id=capture.amazon_id, reference_id="rf-later-1", amount=eur("5.00")
    )

    assert failed.value.operation == "Refund"
    assert not isinstance(failed.value, Throttled)
    assert simulated.gateway.capture_details(capture.amazon_id).children == (later.amazon_id,)


def test_amazons_throttling_is_absorbed_by_the_clients_backoff():
    side = SimulatorSide(throttling=Throttling(enabled=True))
    capture = captured(side, "100.00")

    refunds = [
        side.gateway.refund(
            capture_id=capture.amazon_id, reference_id=fresh("rf"), amount=eur("1.00")
        )
        for _ in range(5)
    ]

    assert all(refund.state is PaymentState.PENDING for refund in refunds)
    assert (503, "RequestThrottled") in side.calls("Refund")
    assert [s for s, _ in side.calls("Refund") if s == 200] == [200] * 5


def test_the_clients_token_buckets_keep_a_batch_under_amazons_quota():
    side = SimulatorSide(throttling=Throttling(enabled=True), quotas=SANDBOX_QUOTAS)
    capture = captured(side, "100.00")

    for _ in range(5):
        side.gateway.refund(
            capture_id=capture.amazon_id, reference_id=fresh("rf"), amount=eur("1.00")
        )

    assert side.calls("Refund") == [(200, None)] * 5
    assert sum(side.sleeps) >= 6.0  # three refunds past the burst of 2, one every 2 s


def test_throttling_that_outlasts_the_retries_is_reported_as_throttled():
    quotas = {**SIMULATOR_SANDBOX_QUOTAS, "Refund": Quota(burst=1, restore_seconds=3600)}
    side = SimulatorSide(throttling=Throttling(enabled=True, sandbox=quotas))
    capture = captured(side)
    side.gateway.refund(capture_id=capture.amazon_id, reference_id=fresh("rf"), amount=eur("1.00"))

    with pytest.raises(Throttled) as throttled:
        side.gateway.refund(
            capture_id=capture.amazon_id, reference_id=fresh("rf"), amount=eur("1.00")
        )

    assert throttled.value.http_status == 503
    assert side.calls("Refund")[1:] == [(503, "RequestThrottled")] * 4
