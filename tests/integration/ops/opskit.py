"""Helpers for the operations tests: amzpay built in-process with the fake Amazon, its web app
over an in-process transport, and Prometheus's text read back into numbers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from amzpay.amazonpay.ipn import CertificateFetcher
from amzpay.bootstrap import App, build
from amzpay.config import Settings
from amzpay.simulator import InProcessTransport
from amzpay.web.app import create_app
from fakes.clock import FakeClock
from fakes.gateway import FakeGateway

_numbers = count(1)


class Shop:
    """amzpay with the fake Amazon and a clock the test moves; ``http`` talks to its web app."""

    def __init__(self, app: App, amazon: FakeGateway, clock: FakeClock) -> None:
        self.app, self.amazon, self.clock = app, amazon, clock
        self.web = create_app(app)
        self.http = httpx.Client(transport=InProcessTransport(self.web), base_url="http://shop")
        self.worker = app.worker("test")

    def work(self) -> None:
        for _ in range(20):
            if not self.worker.run_once().busy:
                return
        raise AssertionError("the worker never settled")

    def closed_order(self) -> str:
        """An order authorized, captured in full and closed."""
        spec = order_spec()
        self.amazon.open_order_reference(spec["amazon_order_reference_id"])
        order = self.app.orders.import_order(spec)
        self.work()
        self.app.orders.fire(order, "capture", None, actor="staff")
        self.work()
        return order

    def metrics(self) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
        answer = self.http.get("/metrics")
        assert answer.status_code == 200
        return samples(answer.text)


@contextmanager
def fake_shop(
    database_url: str,
    environ: dict[str, str] | None = None,
    certificates: CertificateFetcher | None = None,
) -> Iterator[Shop]:
    clock = FakeClock()
    made: list[FakeGateway] = []

    def fake_amazon(_settings: Settings, call_log: Any) -> FakeGateway:
        made.append(FakeGateway(clock, call_log=call_log))
        return made[0]

    settings = Settings.load({"AMZPAY_DATABASE_URL": database_url, **(environ or {})})
    app = build(settings, gateway_factory=fake_amazon, clock=clock, certificates=certificates)
    shop = Shop(app, made[0], clock)
    try:
        yield shop
    finally:
        shop.http.close()
        app.close()


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus text page: (name, sorted labels) -> value."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(
    found: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str
) -> float:
    """One sample's value; 0 when the page has no such sample (Prometheus's absent series)."""
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def order_spec() -> dict[str, Any]:
    """An order of two mugs, shipped at 4.90."""
    number = next(_numbers)
    return {
        "reference": f"OPS-{number}",
        "currency": "EUR",
        "customer": {"email": "buyer@example.com", "locale": "en_GB"},
        "amazon_order_reference_id": f"S02-{number:07d}-{number + 5000000:07d}",
        "shipments": [{"id": "S1", "method": "standard"}],
        "lines": [
            {"id": "L1", "sku": "mug", "name": "Mug", "quantity": 2, "unit_price": "19.99",
             "tax_rate": "19", "shipment": "S1"},
        ],
        "expenses": [
            {"id": "shipping", "name": "Standard delivery", "price": "4.90", "tax_rate": "19",
             "shipment": "S1"},
        ],
    }  # fmt: skip
