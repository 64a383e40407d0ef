"""Delivering IPNs like SNS: at their due time, retried on failure (amazonpay-api.md §B.5).

Amazon's rule: a 2xx answer ends the delivery; a 4xx answer or an unreachable endpoint ends
it too, with no retry; any other answer or a timeout is retried every hour for 14 days
(``ipn_retry_seconds`` and ``ipn_retry_window_seconds``, divided by ``time_scale``).

How an IPN travels is pluggable: a ``Sender`` takes the URL and the IPN and returns the HTTP
status, raising IpnTimeout or IpnUnreachable. ``http_sender`` posts over HTTP; tests and the
demo pass any callable, such as one that hands the IPN to an in-process app.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import httpx

from .config import SimulatorConfig
from .faults import Faults
from .notifications import Ipn


class IpnTimeout(Exception):
    """The endpoint did not answer in time: SNS retries."""


class IpnUnreachable(Exception):
    """The endpoint could not be reached: SNS gives up at once (§B.5)."""


Sender = Callable[[str | None, Ipn], int]


def http_sender(client: httpx.Client) -> Sender:
    """Post IPNs over HTTP with ``client`` (its timeout is the delivery timeout)."""

    def send(url: str | None, ipn: Ipn) -> int:
        if not url:
            raise IpnUnreachable("no IPN URL is configured for this seller")
        try:
            return client.post(url, content=ipn.body, headers=ipn.headers).status_code
        except httpx.TimeoutException as error:
            raise IpnTimeout(str(error)) from error
        except httpx.TransportError as error:
            raise IpnUnreachable(str(error)) from error

    return send


@dataclass
class Attempt:
    at: datetime
    status: int | None
    outcome: str


@dataclass
class Delivery:
    """One IPN on its way to one URL, with every attempt made so far."""

    ipn: Ipn
    url: str | None
    due: datetime
    attempts: list[Attempt] = field(default_factory=list)
    final: str | None = None  # delivered | refused | unreachable | expired | dropped


class Outbox:
    """IPNs waiting for their next attempt, and the log of every IPN ever posted."""

    def __init__(self, config: SimulatorConfig, faults: Faults) -> None:
        self._config, self._faults = config, faults
        self._queue: list[tuple[datetime, int, Delivery]] = []
        self._seq = itertools.count()
        self._held: list[Delivery] = []
        self.log: list[Delivery] = []

    def post(self, ipn: Ipn, url: str | None, now: datetime) -> None:
        """Queue ``ipn``, suffering whatever IPN faults are pending."""
        if self._faults.take("bad_signature_ipns"):
            ipn = _tampered(ipn)
        due = now + self._config.scaled(self._config.ipn_seconds)
        if self._faults.take("delay_ipns"):
            due += timedelta(seconds=self._faults.delay_seconds)
        delivery = Delivery(ipn, url, due)
        self.log.append(delivery)
        if self._faults.take("drop_ipns"):
            delivery.final = "dropped"
            return
        copies = [delivery]
        if self._faults.take("duplicate_ipns"):
            copies.append(Delivery(ipn, url, due))
            self.log.append(copies[1])
        if self._faults.take("reorder_ipns"):
            self._held += copies
            if self._faults.reorder_ipns == 0:
                self._release_held(due)
            return
        for copy in copies:
            self._queue_at(copy, due)

    def next_due(self) -> datetime | None:
        return self._queue[0][0] if self._queue else None

    def take_due(self, now: datetime) -> list[Delivery]:
        """Every delivery due at ``now``, in order, off the queue."""
        due: list[Delivery] = []
        while self._queue and self._queue[0][0] <= now:
            due.append(heapq.heappop(self._queue)[2])
        return due

    def record(self, delivery: Delivery, now: datetime, status: int | None, error: str) -> None:
        """Note one attempt's result; queue a retry when SNS would retry."""
        if status is not None and 200 <= status < 300:
            outcome = "delivered"
        elif (status is not None and 400 <= status < 500) or error == "unreachable":
            outcome = "refused" if status else "unreachable"
        else:
            outcome = "retry"
        delivery.attempts.append(Attempt(now, status, error or outcome))
        if outcome != "retry":
            delivery.final = outcome
            return
        retry_at = now + self._config.scaled(self._config.ipn_retry_seconds)
        window = self._config.scaled(self._config.ipn_retry_window_seconds)
        if retry_at - delivery.attempts[0].at > window:
            delivery.final = "expired"
        else:
            self._queue_at(delivery, retry_at)

    def _queue_at(self, delivery: Delivery, due: datetime) -> None:
        delivery.due = due
        heapq.heappush(self._queue, (due, next(self._seq), delivery))

    def _release_held(self, due: datetime) -> None:
        held, self._held = self._held, []
        for delivery in reversed(held):
            self._queue_at(delivery, max(due, delivery.due))


def _tampered(ipn: Ipn) -> Ipn:
    """``ipn`` with a signature that no longer matches its content."""
    signature = ipn.envelope["Signature"]
    flipped = ("B" if signature[0] == "A" else "A") + signature[1:]
    return replace(ipn, envelope={**ipn.envelope, "Signature": flipped})
