"""What a soak checks once the clock has run past the poll horizon: the shop's books and
Amazon's (the simulator's ledger) tell one story.

Each check is a name and the problems it found (none: it holds). The shop is read through
its services (``app.refunds``, ``app.ledger``, ``app.orders``), Amazon straight from the
simulator's ledger, not through the gateway, so that nothing the campaign broke stands
between the two.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from amzpay.bootstrap import App
from amzpay.cli.soak.shoppers import SETTLED, Shopper, Stage
from amzpay.domain.money import Money
from amzpay.domain.payment import RefundState
from amzpay.services.ledger import OrderBooks
from amzpay.services.refunds import RefundView
from amzpay.simulator import Simulator
from amzpay.simulator.model import Capture, Refund

# The item state each refund record state leaves its items in; no refund leaves "closed".
ITEM_STATE_OF_REFUND = {
    RefundState.REQUESTED: "refund requested",
    RefundState.PENDING: "refund pending",
    RefundState.COMPLETED: "refund completed",
    RefundState.DECLINED: "refund declined",
    RefundState.FAILED: "refund failed",
}
UNREFUNDED = "closed"
SETTLED_ITEM_STATES = frozenset({UNREFUNDED, *(ITEM_STATE_OF_REFUND[s] for s in SETTLED)})
AMAZON_STATE = {"Completed": RefundState.COMPLETED.value, "Declined": RefundState.DECLINED.value}


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class PlacedOrder:
    """One order as the shop keeps it, with what its shopper asked for."""

    shopper: Shopper
    refunds: tuple[RefundView, ...]  # oldest first
    books: OrderBooks

    @property
    def reference(self) -> str:
        return self.shopper.reference


@dataclass(frozen=True, slots=True)
class Books:
    """Both sides' books after a campaign."""

    orders: tuple[PlacedOrder, ...]
    amazon_refunds: tuple[Refund, ...]
    amazon_captures: dict[str, Capture]

    def records(self) -> dict[str, tuple[PlacedOrder, RefundView]]:
        """Every refund record of the shop by its RefundReferenceId."""
        return {view.reference_id: (order, view) for order in self.orders for view in order.refunds}


def read_books(app: App, simulator: Simulator, shoppers: Sequence[Shopper]) -> Books:
    placed = [shopper for shopper in shoppers if shopper.stage is not Stage.CHECKOUT]
    orders = tuple(
        PlacedOrder(s, tuple(app.refunds.refunds(s.reference)), app.ledger.books(s.reference))
        for s in placed
    )
    with simulator.lock:
        refunds = tuple(simulator.ledger.refunds.values())
        captures = dict(simulator.ledger.captures)
    return Books(orders, refunds, captures)


def run_checks(
    books: Books, shoppers: Sequence[Shopper], forged_accepted: Sequence[str] = ()
) -> list[Check]:
    """Every check on ``books``; ``forged_accepted``: the forged IPNs the shop let in."""
    return [
        Check("no refund made twice at Amazon", tuple(made_twice(books))),
        Check("no refund lost", tuple(lost(books, shoppers))),
        Check("no refund or item stuck", tuple(stuck(books, shoppers))),
        Check("every capture's books equal Amazon's ledger", tuple(books_differ(books))),
        Check("every item in a state consistent with its refunds", tuple(inconsistent(books))),
        Check("no forged IPN let in", tuple(f"forged IPN {m} stored" for m in forged_accepted)),
    ]


def made_twice(books: Books) -> Iterable[str]:
    """By RefundReferenceId, and by item: no item in two refunds Amazon did not decline."""
    for reference, count in Counter(r.reference_id for r in books.amazon_refunds).items():
        if count > 1:
            yield f"RefundReferenceId {reference} made {count} times at Amazon"
    records = books.records()
    per_item: Counter[tuple[str, str]] = Counter()
    for refund in books.amazon_refunds:
        if refund.status.state != "Declined" and refund.reference_id in records:
            order, view = records[refund.reference_id]
            per_item.update((order.reference, line) for line, _ in view.lines)
    for (order_reference, line), count in sorted(per_item.items()):
        if count > 1:
            yield f"{order_reference} {line} refunded {count} times at Amazon"


def lost(books: Books, shoppers: Sequence[Shopper]) -> Iterable[str]:
    """Each side knows each of the other's refunds, in the same settled state, and every
    item a shopper had refunded is refunded."""
    records = books.records()
    at_amazon = {refund.reference_id: refund for refund in books.amazon_refunds}
    for reference in sorted(at_amazon.keys() - records.keys()):
        yield f"Amazon holds refund {reference}, which the shop does not know"
    for reference, (order, view) in sorted(records.items()):
        theirs = at_amazon.get(reference)
        if theirs is None:
            if view.state != RefundState.FAILED:  # a refused call made nothing at Amazon
                yield f"{order.reference} refund {reference} ({view.state}) is not at Amazon"
        elif (
            theirs.status.state in AMAZON_STATE and AMAZON_STATE[theirs.status.state] != view.state
        ):
            yield (
                f"{order.reference} refund {reference} is {view.state} here, "
                f"{theirs.status.state} at Amazon"
            )
    for order in books.orders:
        states = {item: state for item, _, state in order.books.items}
        for item in sorted(order.shopper.refunded_items):
            if states.get(item) != ITEM_STATE_OF_REFUND[RefundState.COMPLETED]:
                yield f"{order.reference} {item} was to be refunded; it is {states.get(item)}"
    placed = {order.reference for order in books.orders}
    for shopper in shoppers:
        if shopper.reference not in placed:
            yield f"{shopper.reference} was never placed ({shopper.checkout_retries} tries)"


def stuck(books: Books, shoppers: Sequence[Shopper]) -> Iterable[str]:
    """Nothing left waiting: no refund unsettled on either side, every item settled, every
    shopper done."""
    for shopper in shoppers:
        if not shopper.done:
            yield f"{shopper.reference} stopped at {shopper.stage}"
    for refund in books.amazon_refunds:
        if refund.status.state == "Pending":
            yield f"refund {refund.reference_id} still Pending at Amazon"
    for order in books.orders:
        for view in order.refunds:
            if view.state not in SETTLED:
                yield f"{order.reference} refund {view.reference_id} still {view.state}"
        for item, _, state in order.books.items:
            if state not in SETTLED_ITEM_STATES:
                yield f"{order.reference} {item} still {state}"


def books_differ(books: Books) -> Iterable[str]:
    """Per capture: captured and refunded as Amazon has them, nothing pending; the order's
    bookings add up to the refunds completed."""
    for order in books.orders:
        for capture in order.books.captures:
            theirs = books.amazon_captures.get(capture.amazon_id or "")
            if theirs is None:
                yield f"{order.reference} capture {capture.reference_id} is not at Amazon"
                continue
            currency = capture.captured.currency
            captured = _money(theirs.amount.amount, currency)
            refunded = _money(theirs.refunded, currency)
            if (capture.captured, capture.refunded) != (captured, refunded):
                yield (
                    f"{order.reference} capture {theirs.id}: captured {capture.captured}, "
                    f"refunded {capture.refunded} here; captured {captured}, refunded "
                    f"{refunded} at Amazon"
                )
            if capture.pending:
                yield f"{order.reference} capture {theirs.id}: {capture.pending} still pending"
        completed = [v.amount for v in order.refunds if v.state == RefundState.COMPLETED]
        currency = order.books.booked.currency
        if Money.total(completed, currency) != order.books.booked:
            yield f"{order.reference} booked {order.books.booked} for refunds of {completed}"


def inconsistent(books: Books) -> Iterable[str]:
    """Each item is in the state its latest refund leaves it in (``closed`` with none), no
    item is in two completed refunds, and a refund is booked exactly when completed."""
    for order in books.orders:
        latest: dict[str, RefundView] = {}
        completed: Counter[str] = Counter()
        for view in order.refunds:
            for line, _ in view.lines:
                latest[line] = view
                completed[line] += view.state == RefundState.COMPLETED
            if view.booked != (view.state == RefundState.COMPLETED):
                yield (
                    f"{order.reference} refund {view.reference_id} is {view.state}; "
                    f"booked: {view.booked}"
                )
        for item, _, state in order.books.items:
            last = latest.get(item)
            expected = UNREFUNDED if last is None else ITEM_STATE_OF_REFUND.get(last.state)
            if state != expected:
                yield f"{order.reference} {item} is {state}; its refunds say {expected}"
            if completed[item] > 1:
                yield f"{order.reference} {item} is in {completed[item]} completed refunds"


def _money(amount: Decimal, currency: str) -> Money:
    return Money.parse(format(amount, "f"), currency)
