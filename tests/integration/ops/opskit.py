"""Helpers for the operations tests: Prometheus's text read back into numbers, and the order
they place."""

from __future__ import annotations

from itertools import count
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from shop import BaseShop

_numbers = count(1)


def metrics_of(shop: BaseShop) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """The shop's /metrics page, read into numbers."""
    answer = shop.http.get("/metrics")
    assert answer.status_code == 200
    return samples(answer.text)


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
