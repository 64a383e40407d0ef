"""Use cases on refunds: preview one, request it, read an order's refunds.

The preview is ``plan_refund`` on the order as stored, with each item's reason when it cannot
be refunded. The request fires the ``refund`` event: in that one transaction the refund
command stores a record per capture with its RefundReferenceId and holds the lines as
pending; the worker calls Amazon after the commit (ARCHITECTURE.md, the refund, steps 1-4).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from amzpay.domain.money import Money
from amzpay.domain.order import BundleId, Order
from amzpay.domain.payment import RefundState
from amzpay.domain.refund import RefundPlan, plan_refund, refusal
from amzpay.oms.engine import Engine
from amzpay.processes.records import capture_balances
from amzpay.services.errors import NoteTooLong
from amzpay.store.database import Database
from amzpay.store.payments import PaymentKind, PaymentRecord
from amzpay.store.transaction import Transaction

SELLER_NOTE_LIMIT = 255  # Amazon Pay API reference, "Refund": SellerRefundNote


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
    def __init__(self, database: Database, engine: Engine[Transaction]) -> None:
        self.database, self.engine = database, engine

    def standing(self, order: str) -> tuple[LineStanding, ...]:
        """Every item and expense of the order, each with why it cannot be refunded now."""
        with self.database.transaction() as tx:
            return _standing(tx.order(order))

    def preview(self, order: str, selection: Iterable[str]) -> RefundPreview:
        """What refunding ``selection`` (items, bundles, expenses) would ask of each capture.

        Raises:
            OrderNotFound; the domain's RefundError (EmptyRefund, ItemNotRefundable, ...).
        """
        with self.database.transaction() as tx:
            stored = tx.order(order)
            balances = capture_balances(tx, order)
        plan = plan_refund(stored, list(selection), captures=balances)
        return RefundPreview(plan, _standing(stored))

    def request(
        self, order: str, items: Iterable[str], actor: str, *, note: str | None = None
    ) -> list[RefundView]:
        """Refund ``items`` (a bundle's id stands for those of its items that can still be
        refunded; expenses come with the last items): the records are stored now, Amazon
        is called by the worker. ``note`` goes to Amazon as the SellerRefundNote (at most
        255 characters; Amazon shows it to the buyer; in the sandbox it may carry a
        simulation string such as ``{"SandboxSimulation": {"State": "Declined", ...}}``).

        Raises:
            NoteTooLong; OrderNotFound; the OMS's EventNotAllowed for an item whose state allows no
            refund; the domain's RefundError when Amazon's limits would be broken. Nothing
            is stored then.
        """
        if note is not None and len(note) > SELLER_NOTE_LIMIT:
            raise NoteTooLong(len(note), SELLER_NOTE_LIMIT)
        with self.database.transaction() as tx:
            chosen = _unfold_bundles(tx.order(order), items)
            before = {r.id for r in tx.payments(order, PaymentKind.REFUND)}
            self.engine.fire(tx, order, "refund", chosen, actor=actor)
            made = [r for r in tx.payments(order, PaymentKind.REFUND) if r.id not in before]
            if note:
                for record in made:
                    tx.set_seller_note(record, note)
            return [_view(tx, record) for record in made]

    def refunds(self, order: str) -> list[RefundView]:
        with self.database.transaction() as tx:
            return [_view(tx, r) for r in tx.payments(order, PaymentKind.REFUND)]

    def find(self, reference_id: str) -> RefundView | None:
        """The refund with our RefundReferenceId or Amazon's refund id."""
        with self.database.transaction() as tx:
            found = tx.find_payment(PaymentKind.REFUND, reference_id=reference_id)
            found = found or tx.find_payment(PaymentKind.REFUND, amazon_id=reference_id)
            return None if found is None else _view(tx, found)


def _unfold_bundles(order: Order, selection: Iterable[str]) -> list[str]:
    bundles = {bundle.id for bundle in order.bundles}
    chosen: list[str] = []
    for line_id in selection:
        if line_id in bundles:
            children = order.children_of(BundleId(line_id))
            chosen += [child.id for child in children if refusal(order, child) is None]
        else:
            chosen.append(line_id)
    return list(dict.fromkeys(chosen))


def _standing(order: Order) -> tuple[LineStanding, ...]:
    return tuple(
        LineStanding(line.id, line.name, line.price_to_pay, refusal(order, line))
        for line in order.lines()
    )


def _view(tx: Transaction, record: PaymentRecord) -> RefundView:
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
