"""Token buckets at Amazon's quotas, on a fake clock."""

from __future__ import annotations

import pytest
from amazonpay_fakes import FakeClock

from amzpay.amazonpay.throttle import LIVE_QUOTAS, SANDBOX_QUOTAS, Quota, Throttle, TokenBucket


def test_a_full_bucket_lets_its_burst_through_without_waiting():
    clock = FakeClock()
    bucket = TokenBucket(Quota(burst=3, restore_seconds=2.0), clock)

    assert [bucket.reserve() for _ in range(3)] == [0.0, 0.0, 0.0]


def test_an_empty_bucket_makes_each_caller_wait_one_restore_period_more_than_the_last():
    clock = FakeClock()
    bucket = TokenBucket(Quota(burst=1, restore_seconds=2.0), clock)
    bucket.reserve()

    assert [bucket.reserve() for _ in range(3)] == [2.0, 4.0, 6.0]


def test_tokens_come_back_with_time_but_never_above_the_burst():
    clock = FakeClock()
    bucket = TokenBucket(Quota(burst=2, restore_seconds=1.0), clock)
    bucket.reserve()
    bucket.reserve()

    clock.now += 100.0

    assert [bucket.reserve() for _ in range(3)] == [0.0, 0.0, 1.0]


def test_the_throttle_sleeps_the_reserved_wait_per_operation():
    clock = FakeClock()
    throttle = Throttle({"Refund": Quota(1, 2.0)}, clock=clock, sleep=clock.sleep)

    throttle.acquire("Refund")
    throttle.acquire("Refund")
    throttle.acquire("GetRefundDetails")

    assert clock.sleeps == [2.0]


def test_operations_have_separate_buckets():
    clock = FakeClock()
    throttle = Throttle(SANDBOX_QUOTAS, clock=clock, sleep=clock.sleep)

    for _ in range(2):
        throttle.acquire("Refund")
        throttle.acquire("Capture")

    assert clock.sleeps == []


@pytest.mark.parametrize(
    ("quotas", "operation", "burst", "restore"),
    [
        (LIVE_QUOTAS, "Refund", 10, 1.0),
        (LIVE_QUOTAS, "GetRefundDetails", 20, 0.5),
        (SANDBOX_QUOTAS, "Refund", 2, 2.0),
        (SANDBOX_QUOTAS, "Authorize", 2, 2.0),
        (SANDBOX_QUOTAS, "GetCaptureDetails", 5, 1.0),
    ],
)
def test_default_quotas_are_amazons(quotas, operation, burst, restore):
    assert quotas[operation] == Quota(burst, restore)


@pytest.mark.parametrize(("burst", "restore"), [(0, 1.0), (1, 0.0)])
def test_a_quota_needs_a_burst_and_a_restore_rate(burst, restore):
    with pytest.raises(ValueError, match="quota"):
        Quota(burst, restore)


@pytest.mark.parametrize(
    ("quota", "first", "longest"),
    [
        (SANDBOX_QUOTAS["Refund"], 4, 600),  # 2 at once, one every 2 s
        (LIVE_QUOTAS["Refund"], 10, 300),  # 10 at once, one a second
        (SANDBOX_QUOTAS["GetRefundDetails"], 5, 300),
        (LIVE_QUOTAS["GetRefundDetails"], 10, 150),
        (Quota(2, 300.0), 600, 3600),  # GetServiceStatus: one per 5 min; an hour at most
        (Quota(150, 1.0), 150, 300),
        (Quota(400, 1.0), 400, 400),  # never shorter than the first
    ],
)
def test_a_throttled_calls_backoff_starts_at_the_buckets_refill_and_ends_at_300_restores(
    quota, first, longest
):
    assert quota.first_backoff.total_seconds() == first
    assert quota.longest_backoff.total_seconds() == longest
