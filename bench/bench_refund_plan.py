"""Benchmark: planning a refund of half the items of large orders.

For orders of 1,000, 10,000 and 100,000 items (a bundle every tenth item, three captures,
two shipments with shipping), time ``plan_refund`` choosing every other item, and, as the
baseline measured in the same run, one plain pass over the same items adding up their price
to pay. The goal: the planner's cost per item stays linear (the largest and smallest per-item
times within 2x of each other).

    .venv/bin/python bench/bench_refund_plan.py            # writes docs/performance.md
    .venv/bin/python bench/bench_refund_plan.py --no-write # prints only
"""

from __future__ import annotations

import argparse
import platform
import sys
import timeit
from decimal import Decimal
from pathlib import Path

from rich.console import Console
from rich.table import Table

from amzpay.domain.money import Money
from amzpay.domain.order import (
    Bundle,
    BundleId,
    CaptureId,
    Expense,
    ExpenseId,
    Item,
    ItemId,
    Order,
    Shipment,
    ShipmentId,
)
from amzpay.domain.payment import CaptureBalance
from amzpay.domain.refund import plan_refund

SIZES = (1_000, 10_000, 100_000)
SECTION = "## Refund planning"
DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"


def make_order(size: int) -> tuple[Order, list[CaptureBalance]]:
    zero = Money.zero("EUR")
    captures = [CaptureId(f"C{n}") for n in range(3)]
    shipments = [ShipmentId("S1"), ShipmentId("S2")]
    items = tuple(
        Item(
            id=ItemId(f"I{n}"),
            sku=f"SKU{n % 97}",
            name="Product",
            unit_gross_price=Money(100 + n % 300, "EUR"),  # under Amazon's 150,000 per refund
            discount=Money(n % 20, "EUR"),
            tax_rate=Decimal(19),
            tax_amount=Money(15, "EUR"),
            bundle_id=BundleId(f"B{n // 10}") if n % 10 < 3 else None,
            shipment_id=shipments[n % 2],
            capture_id=captures[n % 3],
        )
        for n in range(size)
    )
    bundles = tuple(
        Bundle(BundleId(f"B{n}"), "SET", "Set", Money(3000, "EUR")) for n in range(size // 10)
    )
    expenses = tuple(
        Expense(ExpenseId(f"X{s}"), "shipping", "Shipping", Money(490, "EUR"), zero,
                Decimal(19), Money(78, "EUR"), s, captures[0])
        for s in shipments
    )  # fmt: skip
    order = Order(
        reference="BENCH",
        currency="EUR",
        customer_email="buyer@example.com",
        locale="en_GB",
        items=items,
        expenses=expenses,
        bundles=bundles,
        shipments=tuple(Shipment(s, "standard") for s in shipments),
    )
    captured = dict.fromkeys(captures, zero)
    for line in order.lines():
        assert line.capture_id is not None
        captured[line.capture_id] += line.price_to_pay
    return order, [CaptureBalance(c, amount, zero, zero, zero, 0) for c, amount in captured.items()]


def best_seconds(call: object, size: int) -> float:
    """The best of five runs, each repeating ``call`` enough to take about 0.2 s."""
    number = max(1, 20_000 // size)
    return min(timeit.repeat(call, number=number, repeat=5)) / number  # type: ignore[arg-type]


def measure() -> list[tuple[int, float, float]]:
    rows = []
    for size in SIZES:
        order, captures = make_order(size)
        half = [item.id for item in order.items[::2]]

        def planner(
            order: Order = order,
            half: list[ItemId] = half,
            captures: list[CaptureBalance] = captures,
        ) -> None:
            plan_refund(order, half, captures=captures)

        def baseline(order: Order = order) -> None:
            Money.total((item.price_to_pay for item in order.items), order.currency)

        rows.append((size, best_seconds(planner, size), best_seconds(baseline, size)))
    return rows


def report(rows: list[tuple[int, float, float]]) -> str:
    per_item = [seconds / size * 1e6 for size, seconds, _ in rows]
    spread = max(per_item) / min(per_item)
    lines = [
        SECTION,
        "",
        "`bench/bench_refund_plan.py`: `plan_refund` choosing every other item of an order (a",
        "bundle every tenth item, three captures, two shipments), best of five runs; the",
        "baseline is one pass over the same items adding up their price to pay, in the same run.",
        f"Python {platform.python_version()}, {platform.machine()}.",
        "",
        "| items | plan_refund | per item | baseline pass | per item | plan / baseline |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for size, seconds, base in rows:
        lines.append(
            f"| {size:,} | {seconds * 1e3:.1f} ms | {seconds / size * 1e6:.2f} µs "
            f"| {base * 1e3:.1f} ms | {base / size * 1e6:.2f} µs | {seconds / base:.1f}x |"
        )
    verdict = "linear" if spread <= 2 else "NOT linear"
    lines += [
        "",
        f"Per-item cost, largest over smallest: **{spread:.2f}x** ({verdict}; the goal is 2x).",
        "",
    ]
    return "\n".join(lines)


def write(section: str) -> None:
    text = DOC.read_text() if DOC.exists() else "# Performance\n\n"
    start = text.find(SECTION)
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + section + (text[end + 1 :] if end != -1 else "")
    DOC.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print, don't update the doc")
    args = parser.parse_args()
    console = Console()
    with console.status("planning refunds of 1,000 to 100,000 items..."):
        rows = measure()
    table = Table("items", "plan_refund / item", "baseline / item", "ratio")
    for size, seconds, base in rows:
        table.add_row(f"{size:,}", f"{seconds / size * 1e6:.2f} µs",
                      f"{base / size * 1e6:.2f} µs", f"{seconds / base:.1f}x")  # fmt: skip
    console.print(table)
    section = report(rows)
    if not args.no_write:
        write(section)
        console.print(f"written to {DOC}")
    spread = max(s / n for n, s, _ in rows) / min(s / n for n, s, _ in rows)
    return 0 if spread <= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
