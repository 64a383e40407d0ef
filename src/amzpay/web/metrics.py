"""``GET /metrics``: Prometheus's text format, from a registry of this app's own.

Two kinds of numbers:

- read from the database at scrape time (``Storage.gauges``), so they count the work of every
  process sharing it: refunds by state, the age of refunds Amazon has not settled, Amazon API
  calls by operation and outcome (and those Amazon throttled), mails, the IPN inbox;
- counted in this process: IPNs received and rejected by the endpoint (``ipn_received`` and
  ``ipn_rejected``, called by ``web/ipn.py``), the IPN certificates it fetched, and the waits
  of this process's client-side throttle (``amazonpay.throttle.WaitTally``).

Each app has its own ``CollectorRegistry``, made on first use, never the global default one:
tests build many apps in one process. The metric names are listed in docs/operations.md.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CollectorRegistry, Counter, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.applications import Starlette

from amzpay.amazonpay.throttle import WaitTally
from amzpay.ports.errors import StorageFailed
from amzpay.ports.queries import Gauges
from amzpay.web.context import Services

log = logging.getLogger(__name__)

AGE_BUCKETS: Final = tuple(timedelta(seconds=s) for s in (60, 300, 1800, 7200, 6 * 3600, 24 * 3600))
_LABEL: Final = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
_LOCK: Final = threading.Lock()
# Prometheus's classic text format, which every scraper reads; every name here is plain ASCII.
CONTENT_TYPE: Final = "text/plain; version=0.0.4; charset=utf-8"

router = APIRouter(tags=["operations"])


class WebMetrics:
    """The registry of one app: the in-process counters and the database collector."""

    def __init__(self, services: Services) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self.ipns_received = Counter(
            "amzpay_ipns_received",
            "IPNs the endpoint accepted and stored, by notification type.",
            ["kind"],
            registry=self.registry,
        )
        self.ipns_rejected = Counter(
            "amzpay_ipns_rejected",
            "IPNs the endpoint refused (bad signature, malformed, certificate not fetched now,"
            " not stored...), by reason.",
            ["reason"],
            registry=self.registry,
        )
        self.registry.register(StoreCollector(services))

    def render(self) -> bytes:
        return generate_latest(self.registry)


def metrics_of(app: Starlette) -> WebMetrics:
    """The metrics of ``app`` (a FastAPI app made by ``create_app``), made on first use."""
    with _LOCK:
        metrics: WebMetrics | None = getattr(app.state, "metrics", None)
        if metrics is None:
            metrics = app.state.metrics = WebMetrics(app.state.services)
        return metrics


def ipn_received(request: Request, kind: str) -> None:
    """Count an IPN the endpoint accepted; ``kind`` is its NotificationType."""
    metrics_of(request.app).ipns_received.labels(kind=_label(kind)).inc()


def ipn_rejected(request: Request, reason: str) -> None:
    """Count an IPN the endpoint refused; ``reason`` is a short code, e.g. ``signature``,
    ``topic``, ``certificate-url``, ``certificate-busy``, ``malformed``, ``not-stored``
    (anything that is no label is counted as ``other``)."""
    metrics_of(request.app).ipns_rejected.labels(reason=_label(reason)).inc()


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    """Every metric of this app, in Prometheus's text format (version 0.0.4)."""
    return Response(metrics_of(request.app).render(), media_type=CONTENT_TYPE)


class StoreCollector(Collector):
    """Reads the database when scraped; reports ``amzpay_database_up 0`` when it cannot."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "amzpay_database_up", "1 when the database answered this scrape's queries."
        )
        try:
            gauges = self.services.database.gauges(self.services.clock(), AGE_BUCKETS)
        except StorageFailed as error:
            log.warning("metrics: the database did not answer: %s", error.kind)
            up.add_metric([], 0)
            yield up
        else:
            up.add_metric([], 1)
            yield up
            yield from _from_store(gauges)
        waits: WaitTally | None = getattr(self.services, "throttle_waits", None)
        yield from _throttle_waits(waits.snapshot() if waits is not None else {})
        yield _certificate_fetches(self.services.ipn.verifier.certificate_fetches)


def _certificate_fetches(fetches: dict[str, int]) -> Metric:
    family = CounterMetricFamily(
        "amzpay_ipn_certificate_fetches",
        "IPN signing certificates this process fetched, by outcome (ok, failed).",
        labels=["outcome"],
    )
    for outcome in ("ok", "failed"):
        family.add_metric([outcome], fetches.get(outcome, 0))
    return family


def _from_store(gauges: Gauges) -> Iterator[Metric]:
    yield _labelled(
        GaugeMetricFamily("amzpay_refunds", "Refund records by state.", labels=["state"]),
        {(state,): n for state, n in gauges.refunds_by_state.items()},
    )
    pending = gauges.pending
    yield GaugeMetricFamily(
        "amzpay_refunds_unsettled",
        "Refunds requested or pending: not yet completed or declined by Amazon.",
        value=pending.count,
    )
    yield GaugeMetricFamily(
        "amzpay_refunds_unsettled_oldest_age_seconds",
        "Age of the oldest refund Amazon has not settled (0 when there is none).",
        value=pending.oldest_seconds,
    )
    buckets = GaugeMetricFamily(
        "amzpay_refunds_unsettled_age_seconds_bucket",
        "Unsettled refunds at most `le` seconds old (cumulative, like a histogram's buckets).",
        labels=["le"],
    )
    for bound, n in pending.at_most:
        buckets.add_metric([f"{bound.total_seconds():g}"], n)
    buckets.add_metric(["+Inf"], pending.count)
    yield buckets
    yield _labelled(
        CounterMetricFamily(
            "amzpay_amazon_api_calls",
            "Amazon Pay API attempts by operation and outcome (ok, declined, failed, retryable).",
            labels=["operation", "outcome"],
        ),
        {(operation, outcome): n for (operation, outcome), n in gauges.api_calls.items()},
    )
    yield _labelled(
        CounterMetricFamily(
            "amzpay_amazon_api_throttled",
            "Amazon Pay API attempts Amazon answered RequestThrottled, by operation.",
            labels=["operation"],
        ),
        {(operation,): n for operation, n in gauges.api_throttled.items()},
    )
    yield _labelled(
        GaugeMetricFamily("amzpay_mails", "E-mails in the outbox by status.", labels=["status"]),
        {(status,): n for status, n in gauges.mails_by_status.items()},
    )
    yield _labelled(
        GaugeMetricFamily(
            "amzpay_jobs",
            "The order state machine's commands by status: due, running, done, failed.",
            labels=["status"],
        ),
        {(status,): n for status, n in gauges.jobs_by_status.items()},
    )
    yield _labelled(
        GaugeMetricFamily(
            "amzpay_ipn_inbox",
            "Stored IPNs: waiting, retrying (an application failed), applied, noted, failed.",
            labels=["state"],
        ),
        {(state,): n for state, n in gauges.ipn_inbox.items()},
    )


def _throttle_waits(snapshot: dict[str, tuple[int, float]]) -> Iterator[Metric]:
    count = CounterMetricFamily(
        "amzpay_amazon_throttle_waits",
        "Calls this process held back for Amazon's quota (client-side throttle), by operation.",
        labels=["operation"],
    )
    seconds = CounterMetricFamily(
        "amzpay_amazon_throttle_wait_seconds",
        "Seconds this process's calls waited for Amazon's quota, by operation.",
        labels=["operation"],
    )
    for operation, (n, total) in sorted(snapshot.items()):
        count.add_metric([operation], n)
        seconds.add_metric([operation], total)
    yield count
    yield seconds


def _labelled(
    family: GaugeMetricFamily | CounterMetricFamily, values: dict[tuple[str, ...], int]
) -> Metric:
    for labels, value in sorted(values.items()):
        family.add_metric(list(labels), value)
    return family


def _label(value: str) -> str:
    return value if _LABEL.fullmatch(value) else "other"
