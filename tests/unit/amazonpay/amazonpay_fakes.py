"""Test doubles for the Amazon Pay client: a fake Amazon behind httpx.MockTransport, a fake
clock, and pacing that never sleeps."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qsl

import httpx

from amzpay.amazonpay.mws.transport import Credentials, Pacing, RetryPolicy
from amzpay.amazonpay.throttle import Throttle

SECRET = "wJalrXUtnFEMI-secret-key"
CREDENTIALS = Credentials("A2SELLER0TEST", "AKIAEXAMPLEKEY", SECRET)
NOW = datetime(2026, 11, 28, 10, 0, 0, tzinfo=UTC)


class FakeAmazon:
    """Answers queued replies in order and keeps every request's form parameters."""

    def __init__(self) -> None:
        self.requests: list[dict[str, str]] = []
        self.raw: list[httpx.Request] = []
        self._replies: list[httpx.Response | Exception] = []
        self.latency: tuple[FakeClock, float] | None = None

    def reply(self, status: int, body: bytes) -> FakeAmazon:
        self._replies.append(httpx.Response(status, content=body))
        return self

    def fail(self, error: Exception) -> FakeAmazon:
        self._replies.append(error)
        return self

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.raw.append(request)
        if self.latency is not None:
            clock, seconds = self.latency
            clock.now += seconds
        self.requests.append(dict(parse_qsl(request.content.decode(), keep_blank_values=True)))
        reply = self._replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply


class FakeClock:
    """Monotonic seconds that move only when someone sleeps (or a test says so)."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def make_pacing(clock: FakeClock, throttle: Throttle | None = None) -> Pacing:
    return Pacing(
        retry=RetryPolicy(max_attempts=4, base_delay=1.0, max_delay=30.0),
        throttle=throttle or Throttle.unlimited(),
        sleep=clock.sleep,
        rng=lambda: 0.5,
        now=lambda: NOW,
        monotonic=clock,
    )
