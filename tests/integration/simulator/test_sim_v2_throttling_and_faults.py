"""v2 throttling as HTTP 429 TooManyRequests at the quotas of amazonpay-api.md §C.7, on the
legacy side's buckets, and the legacy side's call faults on v2 calls: 500/503, a lost
response (the call performed, its answer withheld), latency."""

from __future__ import annotations

import httpx
import pytest
from simkit import Sleeps
from v2kit import LIVE_SELLER, V2_SELLERS, Checkout, Pay

from amzpay.simulator import ManualClock, Simulator, SimulatorConfig, Throttling

SESSION = {
    "webCheckoutDetails": {"checkoutReviewReturnUrl": "https://shop.example/review"},
    "storeId": "store",
}


@pytest.fixture
def v2_config() -> SimulatorConfig:
    throttling = Throttling(enabled=True)
    return SimulatorConfig(
        sellers=V2_SELLERS, public_url="http://sim.test", seed=3, throttling=throttling
    )


def _refunds(v2_sim: Simulator) -> int:
    return len(v2_sim.v2.books.refunds)


def test_create_refund_in_the_sandbox_bursts_2_then_answers_429(
    pay: Pay, checkout: Checkout, v2_sim: Simulator, clock: ManualClock
) -> None:
    charge_id = checkout.captured()
    assert [checkout.refund(charge_id, "1.00").status_code for _ in range(2)] == [201, 201]
    throttled = checkout.refund(charge_id, "1.00")
    assert throttled.status_code == 429
    assert throttled.json()["reasonCode"] == "TooManyRequests"
    assert throttled.json()["message"]
    assert _refunds(v2_sim) == 2
    clock.advance(1)
    assert checkout.refund(charge_id, "1.00").status_code == 201


def test_each_operation_has_its_own_bucket(pay: Pay, checkout: Checkout) -> None:
    charge_id = checkout.captured()
    for _ in range(2):
        checkout.refund(charge_id, "1.00")
    assert checkout.refund(charge_id, "1.00").status_code == 429
    gets = [pay.send("GET", f"/v2/charges/{charge_id}").status_code for _ in range(6)]
    assert gets == [200] * 5 + [429]


def test_live_quotas_are_larger(pay: Pay) -> None:
    pay.seller = LIVE_SELLER
    answers = [pay.post("/v2/checkoutSessions", SESSION).status_code for _ in range(41)]
    assert answers == [201] * 40 + [429]


def test_a_get_of_a_charge_permission_bursts_10_in_the_sandbox(
    pay: Pay, checkout: Checkout, clock: ManualClock
) -> None:
    clock.advance(10)  # the checkout's own calls drained again
    permission_id = checkout.completed(paymentIntent="Confirm")["chargePermissionId"]
    answers = [
        pay.send("GET", f"/v2/chargePermissions/{permission_id}").status_code for _ in range(11)
    ]
    assert answers == [200] * 10 + [429]


@pytest.mark.parametrize(
    ("status", "code"), [(500, "InternalServerError"), (503, "ServiceUnavailable")]
)
def test_a_failed_call_answers_amazons_5xx_body_and_does_nothing(
    pay: Pay, checkout: Checkout, v2_sim: Simulator, status: int, code: str
) -> None:
    charge_id = checkout.captured()
    pay.http.post("/_sim/faults", json={"fail_calls": 1, "fail_status": status})
    answer = checkout.refund(charge_id, "1.00", key="k-fail")
    assert (answer.status_code, answer.json()["reasonCode"]) == (status, code)
    assert _refunds(v2_sim) == 0
    assert checkout.refund(charge_id, "1.00", key="k-fail").status_code == 201


def test_a_lost_response_was_performed_and_its_retry_with_the_same_key_makes_no_second_refund(
    pay: Pay, checkout: Checkout, v2_sim: Simulator, sleeps: Sleeps
) -> None:
    charge_id = checkout.captured()
    pay.http.post("/_sim/faults", json={"lose_responses": 1})
    with pytest.raises(httpx.ReadTimeout):
        checkout.refund(charge_id, "7.00", key="k-lost")
    assert sleeps == [v2_sim.config.lost_response_hang_seconds]
    assert _refunds(v2_sim) == 1
    retried = checkout.refund(charge_id, "7.00", key="k-lost")
    assert retried.status_code == 201
    assert _refunds(v2_sim) == 1
    assert retried.json()["refundId"] == next(iter(v2_sim.v2.books.refunds))


def test_latency_slows_every_v2_answer(pay: Pay, sleeps: Sleeps) -> None:
    pay.http.post("/_sim/faults", json={"latency_seconds": 2.5})
    pay.post("/v2/checkoutSessions", SESSION)
    assert sleeps == [2.5]


def test_v2_calls_are_in_the_call_log_with_their_idempotency_keys(
    pay: Pay, checkout: Checkout
) -> None:
    charge_id = checkout.captured()
    checkout.refund(charge_id, "999.00", key="k-log")
    last = pay.http.get("/_sim/calls").json()[-1]
    assert (last["action"], last["status"], last["error_code"], last["reference_id"]) == (
        "CreateRefund",
        422,
        "TransactionAmountExceeded",
        "k-log",
    )
