"""``amzpay demo --api v2``: the demo's story on Amazon Pay API v2, run through the command
line as a user runs it."""

from __future__ import annotations

import io
import re
from contextlib import redirect_stdout

import pytest

from amzpay.cli import main


@pytest.fixture(scope="module")
def demo() -> tuple[int, str]:
    """The v2 demo run once for the module: its exit code and what it printed."""
    printed = io.StringIO()
    with redirect_stdout(printed):
        code = main(["demo", "--api", "v2"])
    return code, printed.getvalue()


def _states_after(out: str, step: str) -> str:
    """The items' states printed under the step titled ``step``."""
    lines = out.splitlines()
    [at] = [n for n, line in enumerate(lines) if line.endswith(step)]
    return lines[at + 1].strip()


def test_the_v2_demo_says_it_runs_on_api_v2_and_pays_through_a_v2_charge(demo):
    code, out = demo
    assert code == 0
    assert out.splitlines()[0].startswith("amzpay demo on Amazon Pay API v2")
    # API v2's charge ids: the capture is the charge of the buyer's charge permission
    assert re.search(r"capture S01-\d{7}-\d{7}-C\d{6}: captured 93\.88 EUR", out)


def test_the_v2_demo_completes_declines_and_polls_refunds_as_amazon_says(demo):
    _, out = demo
    assert "19.99 EUR completed: Mug 19.99 EUR" in out
    assert "29.40 EUR declined (AmazonRejected): Teapot 29.40 EUR" in out
    assert "53.90 EUR completed: Teapot 29.40 EUR, Cup 19.60 EUR, Standard delivery 4.90 EUR" in out
    assert (
        "refunds: 3 completed (93.88 EUR refunded); 1 declined (29.40 EUR asked, nothing refunded)"
        in out
    )
    lost = _states_after(out, "refund the other mug; its IPN will be lost")
    polled = _states_after(out, "the poll completes it")
    assert "mug-2 refund initiated" in lost
    assert "mug-2 refunded" in polled


def test_the_v2_demos_books_equal_amazons(demo):
    _, out = demo
    assert "captured 93.88 EUR, refunded 93.88 EUR, pending 0.00 EUR" in out
    assert "Amazon says: captured 93.88 EUR, refunded 93.88 EUR" in out


def test_the_v2_demo_mails_the_buyer_each_refund_and_staff_the_decline(demo):
    _, out = demo
    mails = out[out.index("E-mails sent") : out.index("Try it yourself")]
    assert mails.count("to buyer@example.com") == 3
    assert "to staff@shop.demo: Refund declined by Amazon Pay: order DEMO-1001" in mails


def test_the_demo_refuses_an_unknown_api_in_one_line_naming_the_choices(capsys):
    code = main(["demo", "--api", "v3"])

    said = capsys.readouterr()
    assert code == 2
    assert said.out == ""
    assert said.err.strip() == "amzpay: --api: unknown API 'v3'; choose one of legacy, v2"
