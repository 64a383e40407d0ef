"""The gateway contract under Amazon's faults, against both simulators (MwsGateway over the
legacy API, V2Gateway over API v2): server errors retried with growing waits, a lost answer retried with the same reference id (the v2
idempotency key) makes one refund, and throttling is absorbed by the client's backoff and
token buckets or reported as ``Throttled``. The client's sleeps move the simulator's clock,
so no test waits in real time."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from amzpay.amazonpay import throttle
from amzpay.amazonpay.calllog import CallOutcome
from amzpay.amazonpay.gateway import CallFailed, PaymentState, Throttled
from amzpay.amazonpay.throttle import Quota
from amzpay.amazonpay.v2 import quotas as v2_quotas
from amzpay.simulator import Quota as SimulatorQuota, Throttling
from amzpay.simulator.config import SANDBOX_QUOTAS as SIMULATOR_SANDBOX_QUOTAS
from integration.amazonpay.amazon_sides import SimulatorSide
from integration.amazonpay.contract_steps import captured, eur, fresh
from integration.amazonpay.v2_side import V2SimulatorSide

Side = SimulatorSide | V2SimulatorSide
MakeSide = type[SimulatorSide] | type[V2SimulatorSide]
CLIENT_SANDBOX_QUOTAS: dict[MakeSide, Mapping[str, Quota]] = {
    SimulatorSide: throttle.SANDBOX_QUOTAS,
    V2SimulatorSide: v2_quotas.SANDBOX_QUOTAS,
}


@pytest.fixture(params=[SimulatorSide, V2SimulatorSide], ids=["simulator", "v2 simulator"])
def make_side(request: pytest.FixtureRequest) -> MakeSide:
    side: MakeSide = request.param
    return side


def refund_calls(side: Side) -> list[tuple[int, str | None]]:
    return side.calls(side.codes.refund_operation)


def logged_refunds(side: Side) -> list[tuple[CallOutcome, str | None]]:
    operation = side.codes.refund_operation
    return [(c.outcome, c.reference_id) for c in side.call_log.calls if c.operation == operation]


def test_a_lost_refund_answer_retried_with_the_same_reference_id_makes_one_refund(
    make_side: MakeSide,
):
    side = make_side()
    capture = captured(side, "100.00")
    side.sim.faults.update({"lose_responses": 1})

    refund = side.gateway.refund(
        capture_id=capture.amazon_id, reference_id="rf-lost-1", amount=eur("20.00")
    )

    assert refund.state is PaymentState.PENDING
    assert side.refunds_of(capture.amazon_id) == (refund.amazon_id,)
    assert [status < 300 for status, _ in refund_calls(side)] == [True, True]  # done twice
    assert logged_refunds(side) == [
        (CallOutcome.RETRYABLE, "rf-lost-1"),
        (CallOutcome.OK, "rf-lost-1"),
    ]


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_for_the_next_calls_are_retried_with_growing_waits(
    make_side: MakeSide, status: int
):
    side = make_side()
    capture = captured(side)
    side.sim.faults.update({"fail_calls": 2, "fail_status": status})

    refund = side.gateway.refund(
        capture_id=capture.amazon_id, reference_id=fresh("rf"), amount=eur("5.00")
    )

    assert refund.state is PaymentState.PENDING
    assert [s for s, _ in refund_calls(side)][:2] == [status, status]
    assert len(refund_calls(side)) == 3
    assert side.sleeps == [0.75, 1.5]  # equal jitter at rng 0.5: 3/4 of 1 s, 2 s


def test_a_refund_retried_by_the_worker_after_the_clients_retries_makes_one_refund(
    make_side: MakeSide,
):
    side = make_side()
    capture = captured(side)
    side.sim.faults.update({"lose_responses": 1, "fail_calls": 3, "fail_status": 503})

    with pytest.raises(CallFailed) as failed:
        side.gateway.refund(
            capture_id=capture.amazon_id, reference_id="rf-later-1", amount=eur("5.00")
        )
    side.advance(60)
    later = side.gateway.refund(
        capture_id=capture.amazon_id, reference_id="rf-later-1", amount=eur("5.00")
    )

    assert failed.value.operation == side.codes.refund_operation
    assert not isinstance(failed.value, Throttled)
    assert side.refunds_of(capture.amazon_id) == (later.amazon_id,)


def test_amazons_throttling_is_absorbed_by_the_clients_backoff(make_side: MakeSide):
    side = make_side(throttling=Throttling(enabled=True))
    capture = captured(side, "100.00")

    refunds = [
        side.gateway.refund(
            capture_id=capture.amazon_id, reference_id=fresh("rf"), amount=eur("1.00")
        )
        for _ in range(5)
    ]

    assert all(refund.state is PaymentState.PENDING for refund in refunds)
    assert side.codes.throttled in refund_calls(side)
    assert len([s for s, _ in refund_calls(side) if s < 300]) == 5
    assert len(side.refunds_of(capture.amazon_id)) == 5


def test_the_clients_token_buckets_keep_a_batch_under_amazons_quota(make_side: MakeSide):
    side = make_side(throttling=Throttling(enabled=True))
    side = make_side(throttling=Throttling(enabled=True), quotas=CLIENT_SANDBOX_QUOTAS[type(side)])
    capture = captured(side, "100.00")

    for _ in range(5):
        side.gateway.refund(
            capture_id=capture.amazon_id, reference_id=fresh("rf"), amount=eur("1.00")
        )

    assert all(status < 300 and code is None for status, code in refund_calls(side))
    assert len(refund_calls(side)) == 5
    assert sum(side.sleeps) >= 3.0  # three refunds past the sandbox burst of 2


def test_throttling_that_outlasts_the_retries_is_reported_as_throttled(make_side: MakeSide):
    operation = make_side.codes.refund_operation
    slow = {**SIMULATOR_SANDBOX_QUOTAS, operation: SimulatorQuota(burst=1, restore_seconds=3600)}
    side = make_side(throttling=Throttling(enabled=True, sandbox=slow))
    capture = captured(side)
    side.gateway.refund(capture_id=capture.amazon_id, reference_id=fresh("rf"), amount=eur("1.00"))

    with pytest.raises(Throttled) as throttled:
        side.gateway.refund(
            capture_id=capture.amazon_id, reference_id=fresh("rf"), amount=eur("1.00")
        )

    assert throttled.value.http_status == side.codes.throttled[0]
    assert refund_calls(side)[1:] == [side.codes.throttled] * 4
