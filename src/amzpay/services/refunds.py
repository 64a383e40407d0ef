"""Use cases on refunds: preview one, request it, read an order's refunds.

The preview is ``plan_refund`` on the order as stored, with each item's reason when it cannot
be refunded. The request fires the ``refund`` event: in that one transaction the refund
command stores a record per capture with its RefundReferenceId and holds the lines as
pending; the worker calls Amazon after the commit (ARCHITECTURE.md, the refund, steps 1-4).

Only items whose state allows ``refund`` and whose capture has taken the money are
refundable (ARCHITECTURE.md, the refund, step 1). Expenses are never chosen: a refund moves
items through the order's process, and an expense (shipping) has no state of its own, so it
comes with the last refundable items of the order. Preview and request refuse a chosen
expense alike, with that reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from amzpay.domain.errors import ItemNotRefundable
from amzpay.domain.money import Money
from amzpay.domain.order import BundleId, CaptureId, Expense, Item, Order
from amzpay.domain.payment import PaymentKind, PaymentRecord, RefundState
from amzpay.domain.refund import RefundPlan, plan_refund, refusal
from amzpay.oms.engine import Engine
from amzpay.oms.model import Process
from amzpay.ports.unit import Storage, UnitOfWork
from amzpay.processes.records import capture_balances
from amzpay.services.errors import NoteTooLong

SELLER_NOTE_LIMIT = 255  # Amazon Pay API reference, "Refund": SellerRefundNote
REFUND_EVENT = "refund"  # the event that moves items into the refund sub-process
EXPENSE_NOT_CHOSEN = (
    "an expense is not chosen: it comes with the last refundable items of the order"
)


@dataclass(frozen=True, slots=True)
class LineStanding:
    """One item or expense as a refund sees it: refundable, or the reason it is not."""

    line_id: str
    name: str
    price_to_pay: Money
    refused: str | None  # None: it may be refunded


@dataclass(frozen=True, slots=True)
class RefundPreview:
    plan: RefundPlan
    lines: tuple[LineStanding, ...]


@dataclass(frozen=True, slots=True)
class RefundView:
    """A refund record as staff read it."""

    reference_id: str
    amazon_id: str | None
    state: RefundState
    amount: Money
    reason_code: str | None
    error_code: str | None
    lines: tuple[tuple[str, Money], ...]
    booked: bool


class RefundService:
    def __init__(self, database: Storage, engine: Engine[UnitOfWork]) -> None:
        self.database, self.engine = database, engine

    def standing(self, order: str) -> tuple[LineStanding, ...]:
        """Every item and expense of the order, each with why it cannot be refunded now."""
        with self.database.read() as tx:
            return self._read(tx, order).standing()

    def preview(self, order: str, selection: Iterable[str]) -> RefundPreview:
        """What refunding ``selection`` (items and bundles) would ask of each capture.

        Raises:
            OrderNotFound; the domain's RefundError (EmptyRefund, ItemNotRefundable for an
            item that cannot be refunded now or a chosen expense, ...).
        """
        chosen = list(selection)
        with self.database.read() as tx:
            facts = self._read(tx, order)
            balances = capture_balances(tx, order)
        facts.check(chosen)
        plan = plan_refund(facts.order, chosen, captures=balances)
        return RefundPreview(plan, facts.standing())

    def request(
        self, order: str, items: Iterable[str], actor: str, *, note: str | None = None
    ) -> list[RefundView]:
        """Refund ``items`` (a bundle's id stands for those of its items that can still be
        refunded; expenses come with the last items): the records are stored now, Amazon
        is called by the worker. ``note`` goes to Amazon as the SellerRefundNote (at most
        255 characters; Amazon shows it to the buyer; in the sandbox it may carry a
        simulation string such as ``{"SandboxSimulation": {"State": "Declined", ...}}``).

        Raises:
            NoteTooLong; OrderNotFound; the domain's ItemNotRefundable for a chosen expense
            or an item whose capture has not taken the money; the OMS's EventNotAllowed for
            an item whose state allows no refund; the domain's RefundError when Amazon's
            limits would be broken. Nothing is stored then.
        """
        if note is not None and len(note) > SELLER_NOTE_LIMIT:
            raise NoteTooLong(len(note), SELLER_NOTE_LIMIT)
        selection = list(items)
        with self.database.transaction() as tx:
            tx.lock_order(order)  # what is checked stays so until the refund is stored
            facts = self._read(tx, order)
            facts.check(selection)
            chosen = facts.unfold_bundles(selection)
            before = {r.id for r in tx.payments(order, PaymentKind.REFUND)}
            self.engine.fire(tx, order, REFUND_EVENT, chosen, actor=actor)
            made = [r for r in tx.payments(order, PaymentKind.REFUND) if r.id not in before]
            if note:
                for record in made:
                    tx.set_seller_note(record, note)
            return [_view(tx, record) for record in made]

    def _read(self, tx: UnitOfWork, order: str) -> _Facts:
        stored = tx.order(order)
        process = self.engine.process(tx.order_head(order).process)
        captured = {balance.id for balance in capture_balances(tx, order)}
        return _Facts(stored, process, tx.item_states(order), captured)

    def refunds(self, order: str) -> list[RefundView]:
        with self.database.read() as tx:
            return [_view(tx, r) for r in tx.payments(order, PaymentKind.REFUND)]

    def find(self, reference_id: str) -> RefundView | None:
        """The refund with our RefundReferenceId or Amazon's refund id."""
        with self.database.read() as tx:
            found = tx.find_payment(PaymentKind.REFUND, reference_id=reference_id)
            found = found or tx.find_payment(PaymentKind.REFUND, amazon_id=reference_id)
            return None if found is None else _view(tx, found)


@dataclass(frozen=True, slots=True)
class _Facts:
    """What decides whether a line may be refunded: the order with what refunds hold, the
    items' states in its process, and the captures that took money."""

    order: Order
    process: Process
    states: dict[str, str | None]
    captured: set[CaptureId]

    def refused(self, line: Item | Expense) -> str | None:
        reason = refusal(self.order, line, self.captured)
        if reason is not None or isinstance(line, Expense):
            return reason
        state = self.states.get(line.id)
        if state is not None and REFUND_EVENT not in self.process.manual_events(state):
            return f"{state}: no refund from this state"
        return None

    def standing(self) -> tuple[LineStanding, ...]:
        return tuple(
            LineStanding(line.id, line.name, line.price_to_pay, self.refused(line))
            for line in self.order.lines()
        )

    def check(self, selection: list[str]) -> None:
        """Raises ItemNotRefundable for the first chosen expense or item that is refused."""
        lines: dict[str, Item | Expense] = {line.id: line for line in self.order.lines()}
        for line_id in selection:
            line = lines.get(line_id)
            if isinstance(line, Expense):
                raise ItemNotRefundable(line_id, EXPENSE_NOT_CHOSEN)
            reason = None if line is None else self.refused(line)
            if reason is not None:
                raise ItemNotRefundable(line_id, reason)

    def unfold_bundles(self, selection: list[str]) -> list[str]:
        """A bundle stands for those of its items that can still be refunded."""
        bundles = {bundle.id for bundle in self.order.bundles}
        chosen: list[str] = []
        for line_id in selection:
            if line_id in bundles:
                children = self.order.children_of(BundleId(line_id))
                chosen += [child.id for child in children if self.refused(child) is None]
            else:
                chosen.append(line_id)
        return list(dict.fromkeys(chosen))


def _view(tx: UnitOfWork, record: PaymentRecord) -> RefundView:
    booked = any(refund_id == record.id for refund_id, _ in tx.refund_bookings(record.order))
    return RefundView(
        reference_id=record.reference_id,
        amazon_id=record.amazon_id,
        state=RefundState(record.state),
        amount=record.amount,
        reason_code=record.reason_code,
        error_code=record.error_code,
        lines=tuple((x.line_id, x.amount) for x in (*record.item_lines, *record.expense_lines)),
        booked=booked,
    )
