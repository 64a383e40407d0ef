from __future__ import annotations

import io
import re
from contextlib import redirect_stdout

import pytest

from amzpay.cli import main


@pytest.fixture(scope="module")
def demo() -> tuple[int, str]:
    """The demo run once for the module: its exit code and what it printed."""
    printed = io.StringIO()
    with redirect_stdout(printed):
        code = main(["demo"])
    return code, printed.getvalue()


def test_the_demo_runs_every_refund_path_and_its_books_equal_amazons(demo):
    code, out = demo
    assert code == 0
    assert "captured 93.88 EUR, refunded 93.88 EUR, pending 0.00 EUR" in out
    assert "Amazon says: captured 93.88 EUR, refunded 93.88 EUR" in out
    assert "29.40 EUR declined (AmazonRejected): Teapot 29.40 EUR" in out
    assert "to staff@shop.demo" in out
    assert out.count("to buyer@example.com") == 3


def test_the_demo_counts_completed_and_declined_refunds_apart(demo):
    _, out = demo
    assert (
        "refunds: 3 completed (93.88 EUR refunded); 1 declined (29.40 EUR asked, nothing refunded)"
        in out
    )
    assert "in 4 refund(s)" not in out


def test_the_demo_shows_the_order_lines_and_prices_that_explain_each_amount(demo):
    _, out = demo
    order = out[out.index("The order DEMO-1001") : out.index("+  0.0 min")]
    lines = [re.split(r"\s{2,}", line.strip()) for line in order.splitlines()[1:] if line.strip()]
    assert lines == [
        ["Mug", "mug-1", "19.99 EUR"],
        ["Mug", "mug-2", "19.99 EUR"],
        ["Tea set, a bundle of", "tea-set", "49.00 EUR"],
        ["Teapot", "pot", "29.40 EUR"],
        ["Cup", "cup", "19.60 EUR"],
        ["Standard delivery", "shipping", "4.90 EUR"],
        ["total", "93.88 EUR"],
    ]
    assert "53.90 EUR completed: Teapot 29.40 EUR, Cup 19.60 EUR, Standard delivery 4.90 EUR" in out


def test_the_demo_ends_with_what_to_try_next(demo):
    _, out = demo
    after = out[out.index("Try it yourself") :]
    assert "amzpay user add ada" in after
    assert "amzpay token add shop" in after
    assert "amzpay serve --simulator" in after
    assert "http://127.0.0.1:8000/" in after
    assert after.rstrip().splitlines()[-1].startswith("  http://127.0.0.1:8000/api/v1")


def test_the_demo_says_it_runs_on_the_legacy_api_by_default(demo):
    _, out = demo
    assert out.splitlines()[0].startswith("amzpay demo on Amazon Pay's legacy API")
