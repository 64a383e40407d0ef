"""How long a job waits after ``RetryLater``: a fixed delay, or a backoff with jitter."""

from __future__ import annotations

from datetime import timedelta

import pytest

from amzpay.oms.errors import RetryLater

FOUR = timedelta(seconds=4)
TEN_MINUTES = timedelta(minutes=10)


def test_without_a_ceiling_every_retry_waits_the_delay():
    retry = RetryLater("busy", timedelta(seconds=30))

    assert {retry.delay_after(runs, lambda: 0.9) for runs in (1, 5, 40)} == {timedelta(seconds=30)}


@pytest.mark.parametrize(
    ("runs", "shortest", "longest"),
    [(1, 4, 8), (2, 8, 16), (3, 16, 32), (7, 256, 512), (8, 300, 600), (60, 300, 600)],
)
def test_with_a_ceiling_the_wait_doubles_each_run_within_half_and_all_of_its_top(
    runs, shortest, longest
):
    retry = RetryLater("throttled", FOUR, ceiling=TEN_MINUTES)

    assert retry.delay_after(runs, lambda: 0.0) == timedelta(seconds=shortest)
    assert retry.delay_after(runs, lambda: 0.999999) <= timedelta(seconds=longest)
    assert retry.delay_after(runs, lambda: 0.999999) > timedelta(seconds=longest * 0.999)


def test_the_jitter_spreads_jobs_throttled_together():
    retry = RetryLater("throttled", FOUR, ceiling=TEN_MINUTES)

    waits = {retry.delay_after(4, lambda n=n: n / 10) for n in range(10)}

    assert len(waits) == 10
    assert min(waits) == timedelta(seconds=32)
    assert max(waits) < timedelta(seconds=64)


def test_a_ceiling_below_the_delay_never_shortens_it():
    retry = RetryLater("throttled", TEN_MINUTES, ceiling=FOUR)

    assert retry.delay_after(3, lambda: 0.0) == TEN_MINUTES
