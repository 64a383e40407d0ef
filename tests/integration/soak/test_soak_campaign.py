"""``amzpay soak``: orders under faults against the in-process simulator, then the checks that
both sides' books tell one story; and those checks failing when the books are made wrong."""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from rich.console import Console

from amzpay.cli import main
from amzpay.cli.soak.campaign import Campaign, open_shop
from amzpay.cli.soak.checks import Books, Check, PlacedOrder, read_books, run_checks
from amzpay.cli.soak.faults import Fault
from amzpay.cli.soak.summary import Summary, show

CHECKS = (
    "no refund made twice at Amazon",
    "no refund lost",
    "no refund or item stuck",
    "every capture's books equal Amazon's ledger",
    "every item in a state consistent with its refunds",
    "no forged IPN let in",
)


def faults_hit(out: str) -> dict[Fault, int]:
    """The "Faults that hit" lines of the summary: count, then the fault's words."""
    found = {m.group(2): int(m.group(1)) for m in re.finditer(r"^ +(\d+)  (.+)$", out, re.M)}
    return {fault: found[fault.value] for fault in Fault}


def test_a_small_soak_under_faults_holds_every_check(database_url, capsys):
    code = main(["soak", "--orders", "50", "--seed", "1", "--database-url", database_url])

    out = capsys.readouterr().out
    assert code == 0, out
    assert "Soak: 50 orders, seed 1" in out
    assert "orders: 50 placed" in out
    for name in CHECKS:
        assert f"ok      {name}" in out
    assert "all checks hold" in out
    hits = faults_hit(out)
    for fault in (
        Fault.LOST_RESPONSE,
        Fault.DROPPED_IPN,
        Fault.DELAYED_IPN,
        Fault.FORGED_IPN,
        Fault.KILLED_BEFORE_CALL,
        Fault.KILLED_AFTER_CALL,
    ):
        assert hits[fault] > 0, fault
    assert hits[Fault.ERROR_500] + hits[Fault.ERROR_503] > 0
    asked_again = re.search(r"(\d+) asked again after a decline", out)
    assert asked_again is not None
    assert int(asked_again.group(1)) > 0


def test_the_soak_refuses_a_database_that_holds_orders(sqlite_url, capsys):
    assert main(["soak", "--orders", "1", "--database-url", sqlite_url]) == 0
    capsys.readouterr()

    code = main(["soak", "--orders", "1", "--database-url", sqlite_url])

    assert code == 2
    assert "the soak needs an empty database; this one holds 1 order(s)" in capsys.readouterr().out


def test_the_soak_names_a_database_url_it_cannot_use(capsys):
    code = main(["soak", "--orders", "1", "--database-url", "no-such-scheme"])

    assert code == 2
    assert "cannot use the database 'no-such-scheme': ArgumentError" in capsys.readouterr().out


@pytest.fixture(scope="module")
def soaked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Campaign, Books]]:
    """A small campaign on SQLite, and the books it left; tests tamper with copies."""
    folder: Path = tmp_path_factory.mktemp("soak")
    with open_shop(f"sqlite:///{folder / 'soak.db'}", seed=5) as shop:
        campaign = Campaign(shop, orders=8, seed=5)
        campaign.run(lambda phase, done: None)
        yield campaign, read_books(shop.app, shop.amazon.sim, campaign.shoppers)


def verdicts(books: Books, campaign: Campaign) -> dict[str, Check]:
    return {check.name: check for check in run_checks(books, campaign.shoppers)}


def failed(books: Books, campaign: Campaign) -> set[str]:
    return {name for name, check in verdicts(books, campaign).items() if not check.ok}


def refunded_order(books: Books) -> PlacedOrder:
    """An order with a completed refund."""
    return next(o for o in books.orders if any(v.state == "completed" for v in o.refunds))


def test_the_books_the_campaign_left_hold_every_check(soaked):
    campaign, books = soaked

    assert failed(books, campaign) == set()


def test_a_ledger_whose_refunded_amount_differs_fails_the_books_check_and_the_exit_code(soaked):
    campaign, books = soaked
    tampered = copy.deepcopy(books)
    order = refunded_order(tampered)
    capture_id = order.books.captures[0].amazon_id
    tampered.amazon_captures[capture_id].refunded += Decimal("0.01")

    checks = list(verdicts(tampered, campaign).values())
    out = io.StringIO()
    code = show(Console(file=out, width=200), Summary.of(campaign, tampered, checks, "test", 1.0))

    assert failed(tampered, campaign) == {"every capture's books equal Amazon's ledger"}
    assert code == 1
    assert "FAILED  every capture's books equal Amazon's ledger: 1 problem(s)" in out.getvalue()
    assert f"{order.reference} capture {capture_id}: captured" in out.getvalue()
    assert "checks failed" in out.getvalue()


def test_a_refund_amazon_made_twice_under_one_reference_id_fails_the_twice_check(soaked):
    campaign, books = soaked
    tampered = copy.deepcopy(books)
    order = refunded_order(tampered)
    first = next(v for v in order.refunds if v.state == "completed")
    refund = next(r for r in tampered.amazon_refunds if r.reference_id == first.reference_id)
    again = replace(refund, id=refund.id + "-again")
    tampered = replace(tampered, amazon_refunds=(*tampered.amazon_refunds, again))

    problems = verdicts(tampered, campaign)["no refund made twice at Amazon"].problems

    assert f"RefundReferenceId {first.reference_id} made 2 times at Amazon" in problems
    item = first.lines[0][0]
    assert f"{order.reference} {item} refunded 2 times at Amazon" in problems


def test_a_refund_at_amazon_that_the_shop_does_not_know_fails_the_lost_check(soaked):
    campaign, books = soaked
    refund = copy.deepcopy(books.amazon_refunds[0])
    stray = replace(refund, id=refund.id + "-stray", reference_id="R-stray")
    tampered = replace(books, amazon_refunds=(*books.amazon_refunds, stray))

    problems = verdicts(tampered, campaign)["no refund lost"].problems

    assert problems == ("Amazon holds refund R-stray, which the shop does not know",)


def test_a_refund_booked_twice_by_the_shop_fails_the_item_and_books_checks(soaked):
    campaign, books = soaked
    order = refunded_order(books)
    first = next(v for v in order.refunds if v.state == "completed")
    twice = replace(order, refunds=(*order.refunds, replace(first, reference_id="R-twice")))
    tampered = replace(books, orders=tuple(twice if o is order else o for o in books.orders))

    checks = verdicts(tampered, campaign)

    item = first.lines[0][0]
    assert f"{order.reference} {item} is in 2 completed refunds" in checks[CHECKS[4]].problems
    assert any(p.startswith(f"{order.reference} booked ") for p in checks[CHECKS[3]].problems)
    assert f"{order.reference} refund R-twice (completed) is not at Amazon" in (
        checks["no refund lost"].problems
    )


def test_a_refund_left_pending_fails_the_stuck_check(soaked):
    campaign, books = soaked
    order = refunded_order(books)
    last = order.refunds[-1]
    left = replace(order, refunds=(*order.refunds[:-1], replace(last, state="pending")))
    tampered = replace(books, orders=tuple(left if o is order else o for o in books.orders))

    problems = verdicts(tampered, campaign)["no refund or item stuck"].problems

    assert problems == (f"{order.reference} refund {last.reference_id} still pending",)
