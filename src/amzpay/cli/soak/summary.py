"""What a soak prints at the end: what ran, the faults that hit, and each check's verdict."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from rich.console import Console

from amzpay.cli.soak.campaign import Campaign
from amzpay.cli.soak.checks import Books, Check
from amzpay.cli.soak.faults import Fault

SHOWN_PROBLEMS = 10  # per failed check; the count says how many there are


@dataclass(frozen=True, slots=True)
class Summary:
    orders: int
    seed: int
    database: str
    wall: timedelta
    amazon_time: timedelta
    ticks: int
    placed: int
    checkout_retries: int
    refunds: Counter[str]  # refund records by state
    refunds_asked_again: int  # after a decline
    calls: int  # API calls that reached Amazon
    ipns: Counter[int]  # IPN deliveries by the shop's answer
    mails: int
    faults: Counter[Fault]
    checks: tuple[Check, ...]
    logs: Counter[str] = field(default_factory=Counter)  # amzpay's log records by level

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @classmethod
    def of(
        cls, campaign: Campaign, books: Books, checks: list[Check], database: str, wall: float
    ) -> Summary:
        amazon = campaign.shop.amazon
        with amazon.sim.lock:
            calls = len(amazon.sim.calls)
        return cls(
            orders=campaign.orders,
            seed=campaign.seed,
            database=database,
            wall=timedelta(seconds=round(wall)),
            amazon_time=amazon.clock.now() - amazon.started,
            ticks=campaign.ticks,
            placed=len(books.orders),
            checkout_retries=sum(s.checkout_retries for s in campaign.shoppers),
            refunds=Counter(view.state for order in books.orders for view in order.refunds),
            refunds_asked_again=sum(g.declined for s in campaign.shoppers for g in s.groups),
            calls=calls,
            ipns=Counter(status for _, status in amazon.answers),
            mails=campaign.shop.mail.sent,
            faults=campaign.tally(),
            checks=tuple(checks),
        )


def show(console: Console, summary: Summary) -> int:
    """Print ``summary``; return the exit code (1 when a check failed)."""

    def say(text: str) -> None:
        console.print(text, soft_wrap=True)

    say(f"\n[bold]Soak[/bold]: {summary.orders} orders, seed {summary.seed}, on {summary.database}")
    hours = summary.amazon_time.total_seconds() / 3600
    say(f"  wall time {summary.wall}; Amazon's clock moved {hours:.1f} h in {summary.ticks} ticks")
    say(f"  orders: {summary.placed} placed ({summary.checkout_retries} checkouts tried again)")
    states = ", ".join(f"{count} {state}" for state, count in sorted(summary.refunds.items()))
    say(
        f"  refunds: {summary.refunds.total()} requested ({states}); "
        f"{summary.refunds_asked_again} asked again after a decline"
    )
    answers = ", ".join(f"{n} answered {status}" for status, n in sorted(summary.ipns.items()))
    say(f"  Amazon: {summary.calls} API calls reached it; IPN deliveries: {answers}")
    say(f"  e-mails sent: {summary.mails}")
    levels = ", ".join(f"{n} {level.lower()}" for level, n in sorted(summary.logs.items()))
    say(f"  amzpay's warnings and errors (counted, not shown): {levels or 'none'}")
    say("\n[bold]Faults that hit[/bold]")
    for fault in Fault:
        say(f"  {summary.faults[fault]:>6}  {fault.value}")
    say("\n[bold]Checks[/bold]")
    for check in summary.checks:
        show_check(console, check)
    verdict = "[green]all checks hold[/green]" if summary.ok else "[red]checks failed[/red]"
    say(f"\n{verdict}")
    return 0 if summary.ok else 1


def show_check(console: Console, check: Check) -> None:
    if check.ok:
        console.print(f"  [green]ok[/green]      {check.name}")
        return
    console.print(
        f"  [red]FAILED[/red]  {check.name}: {len(check.problems)} problem(s)", soft_wrap=True
    )
    for problem in check.problems[:SHOWN_PROBLEMS]:
        console.print(f"            {problem}", soft_wrap=True, highlight=False)


class LogTally(logging.Handler):
    """Counts a logger's records at warning and above by level, instead of printing them
    over the progress bar (a refused IPN or a failed call is what the campaign is for)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.levels: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        self.levels[record.levelname] += 1

    @classmethod
    @contextmanager
    def on(cls, name: str) -> Iterator[LogTally]:
        logger, tally = logging.getLogger(name), cls()
        propagate = logger.propagate
        logger.addHandler(tally)
        logger.propagate = False
        try:
            yield tally
        finally:
            logger.removeHandler(tally)
            logger.propagate = propagate
