"""The shop side of a refund: which amount to ask Amazon for, per capture.

Amazon only receives an amount, so the shop computes it (ARCHITECTURE.md, "The refund, step by
step", step 2). ``plan_refund`` takes the order, the chosen items and the state of each capture
and returns a ``RefundPlan``: the amount of every item and expense, split per capture because
one Amazon Refund call refunds one capture. Nothing is sent or stored here; every reason to
refuse a refund is raised before anything is.

The rules:

- an item's amount is its price to pay (discounts, tax and options inside) less what completed
  refunds booked of it; an item that is never captured, whose capture has not taken the money
  yet (requested, pending or declined at Amazon), refund pending or already refunded cannot be
  chosen;
- choosing a bundle chooses those of its items that can still be refunded; its items can also
  be chosen one by one;
- expenses (shipping) come with the refund that takes the last refundable items of the order
  (Spryker's rule), or already with the last items of their shipment under
  ``ExpensePolicy.WITH_LAST_ITEM_OF_SHIPMENT``; an expense may also be chosen by its id;
- per capture, items and expenses never take more than captured less what other item and
  expense refunds took or hold (refunded and pending), a capture takes
  at most 10 refunds, and one refund at most Amazon's maximum amount (Amazon Pay API reference,
  "Refund": RefundAmount);
- Amazon's over-refund allowance (the lesser of 15 % and 75 currency units above the captured
  amount, per capture) is used only when the caller asks for an ``over_refund`` amount, and
  what earlier over-refunds used of it is gone; an over-refund never takes the room that the
  capture's items still need.

Imports nothing but the standard library.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from amzpay.domain.errors import (
    CaptureExhausted,
    CurrencyMismatch,
    EmptyRefund,
    ItemNotRefundable,
    OverRefundNotAllowed,
    RefundTooLarge,
    TooManyRefunds,
    UnknownCapture,
    UnknownItem,
)
from amzpay.domain.money import Money
from amzpay.domain.order import (
    CaptureId,
    Expense,
    ExpenseId,
    Item,
    ItemId,
    Order,
    RefundStatus,
)
from amzpay.domain.payment import (
    MAX_REFUND_UNITS,
    MAX_REFUNDS_PER_CAPTURE,
    OVER_REFUND_CAP_UNITS,
    OVER_REFUND_PERCENT,
    CaptureBalance,
)

__all__ = [
    "CaptureBalance",
    "CaptureRefund",
    "ExpensePolicy",
    "RefundLine",
    "RefundPlan",
    "plan_refund",
    "refusal",
]


NOT_CAPTURED_YET = "its capture has not taken the money yet"


class ExpensePolicy(StrEnum):
    """When expenses (shipping) are refunded."""

    WITH_LAST_ITEM_OF_ORDER = "order"
    WITH_LAST_ITEM_OF_SHIPMENT = "shipment"


@dataclass(frozen=True, slots=True)
class RefundLine:
    """The amount refunded of one item or expense."""

    line_id: ItemId | ExpenseId
    amount: Money


@dataclass(frozen=True, slots=True)
class CaptureRefund:
    """The part of a refund that one Amazon Refund call takes from one capture."""

    capture_id: CaptureId
    items: tuple[RefundLine, ...]
    expenses: tuple[RefundLine, ...]
    over_refund: Money
    amount: Money


@dataclass(frozen=True, slots=True)
class RefundPlan:
    """What to refund of an order: one ``CaptureRefund`` per capture touched."""

    order_reference: str
    currency: str
    parts: tuple[CaptureRefund, ...]
    total: Money

    @property
    def items(self) -> tuple[RefundLine, ...]:
        return tuple(line for part in self.parts for line in part.items)

    @property
    def expenses(self) -> tuple[RefundLine, ...]:
        return tuple(line for part in self.parts for line in part.expenses)


def plan_refund(
    order: Order,
    selection: Iterable[str],
    *,
    captures: Iterable[CaptureBalance],
    expense_policy: ExpensePolicy = ExpensePolicy.WITH_LAST_ITEM_OF_ORDER,
    over_refund: Mapping[CaptureId, Money] | None = None,
) -> RefundPlan:
    """Compute the refund of the items, bundles or expenses named in ``selection``.

    Raises:
        EmptyRefund, UnknownItem, ItemNotRefundable: the selection cannot be refunded.
        UnknownCapture: an item's capture is not in ``captures``.
        TooManyRefunds, CaptureExhausted, RefundTooLarge, OverRefundNotAllowed: a capture's
            part breaks one of Amazon's limits.
    """
    balances = {balance.id: balance for balance in captures}
    refundable = {item.id for item in order.items if refusal(order, item, balances) is None}
    items, chosen_expenses = _resolve(order, selection, refundable, balances)
    expenses = _expenses_due(order, items, refundable, expense_policy, balances)
    expenses += [e for e in chosen_expenses if e not in expenses]
    extra = dict(over_refund or {})
    parts = tuple(
        _capture_refund(order, balances, capture_id, lines, extra.pop(capture_id, None))
        for capture_id, lines in _by_capture(items, expenses).items()
    )
    if extra:
        capture_id = next(iter(extra))
        raise OverRefundNotAllowed(capture_id, "no item of this capture is being refunded")
    total = Money.total((part.amount for part in parts), order.currency)
    return RefundPlan(order.reference, order.currency, parts, total)


def refusal(
    order: Order, line: Item | Expense, captured: Collection[CaptureId] | None = None
) -> str | None:
    """Why ``line`` cannot be refunded now, or None when it can.

    ``captured`` holds the captures that took money (completed or closed at Amazon); None
    leaves that unchecked. A line whose capture is still requested or pending, or was
    declined, has nothing to refund yet.
    """
    if line.capture_id is None:
        return "never captured"
    if captured is not None and line.capture_id not in captured:
        return NOT_CAPTURED_YET
    held = order.refunds.get(line.id)
    if held is None:  # no refund ever touched it
        return None
    if held.status is RefundStatus.PENDING:
        return "refund pending"
    if held.status is RefundStatus.REFUNDED or (
        line.price_to_pay and held.booked >= line.price_to_pay
    ):
        return "already refunded"
    return None


def _resolve(
    order: Order,
    selection: Iterable[str],
    refundable: set[ItemId],
    captured: Collection[CaptureId],
) -> tuple[list[Item], list[Expense]]:
    """The chosen items (bundles unfolded) and expenses, each once, in the order's order."""
    wanted = set(selection)
    if not wanted:
        raise EmptyRefund(order.reference)
    bundle_ids = {bundle.id for bundle in order.bundles}
    known = {line.id for line in order.lines()} | bundle_ids
    unknown = sorted(wanted - known)
    if unknown:
        raise UnknownItem(order.reference, unknown[0])
    chosen_bundles = wanted & bundle_ids
    items: list[Item] = []
    for item in order.items:
        if item.id in wanted:
            if item.id not in refundable:
                raise ItemNotRefundable(item.id, refusal(order, item, captured) or "")
            items.append(item)
        elif item.bundle_id in chosen_bundles and item.id in refundable:
            items.append(item)
    empty_bundles = sorted(chosen_bundles - {item.bundle_id for item in items})
    if empty_bundles:
        raise ItemNotRefundable(empty_bundles[0], "no item of this bundle can be refunded")
    expenses = [expense for expense in order.expenses if expense.id in wanted]
    for expense in expenses:
        reason = refusal(order, expense, captured)
        if reason is not None:
            raise ItemNotRefundable(expense.id, reason)
    return items, expenses


def _expenses_due(
    order: Order,
    chosen: list[Item],
    refundable: set[ItemId],
    policy: ExpensePolicy,
    captured: Collection[CaptureId],
) -> list[Expense]:
    """The expenses this refund takes: those whose last refundable items it refunds."""
    chosen_ids = {item.id for item in chosen}
    left_in_order = 0
    left_in_shipment: Counter[str | None] = Counter()
    for item in order.items:
        if item.id in refundable and item.id not in chosen_ids:
            left_in_order += 1
            left_in_shipment[item.shipment_id] += 1
    touched = {item.shipment_id for item in chosen}
    last_of_order = bool(chosen) and not left_in_order
    per_shipment = policy is ExpensePolicy.WITH_LAST_ITEM_OF_SHIPMENT
    due = []
    for expense in order.expenses:
        if refusal(order, expense, captured) is not None:
            continue
        # The last items of the order take every expense still open, whatever the policy,
        # so that nothing paid stays behind once the whole order is refunded.
        last_of_shipment = (
            per_shipment
            and expense.shipment_id in touched
            and not left_in_shipment[expense.shipment_id]
        )
        if last_of_order or last_of_shipment:
            due.append(expense)
    return due


def _by_capture(
    items: list[Item], expenses: list[Expense]
) -> dict[CaptureId, tuple[list[Item], list[Expense]]]:
    groups: dict[CaptureId, tuple[list[Item], list[Expense]]] = {}
    for item in items:
        assert item.capture_id is not None  # refusal() let only captured items through
        groups.setdefault(item.capture_id, ([], []))[0].append(item)
    for expense in expenses:
        assert expense.capture_id is not None
        groups.setdefault(expense.capture_id, ([], []))[1].append(expense)
    return groups


def _capture_refund(
    order: Order,
    balances: Mapping[CaptureId, CaptureBalance],
    capture_id: CaptureId,
    lines: tuple[list[Item], list[Expense]],
    over_refund: Money | None,
) -> CaptureRefund:
    items, expenses = lines
    balance = balances.get(capture_id)
    if balance is None:
        raise UnknownCapture(capture_id, items[0].id if items else expenses[0].id)
    if balance.captured.currency != order.currency:
        raise CurrencyMismatch(order.currency, balance.captured.currency, f"capture {capture_id}")
    if balance.refund_count >= MAX_REFUNDS_PER_CAPTURE:
        raise TooManyRefunds(capture_id, balance.refund_count, MAX_REFUNDS_PER_CAPTURE)
    item_lines = tuple(_line(order, item) for item in items)
    expense_lines = tuple(_line(order, expense) for expense in expenses)
    lines_total = Money.total(
        (line.amount for line in (*item_lines, *expense_lines)), order.currency
    )
    if lines_total > balance.available:
        raise CaptureExhausted(capture_id, lines_total, balance.available)
    extra = _checked_over_refund(balance, over_refund, order.currency)
    amount = lines_total + extra
    maximum = MAX_REFUND_UNITS.get(order.currency)
    if maximum is not None and amount.minor > maximum * 10**amount.exponent:
        raise RefundTooLarge(
            capture_id, amount, Money(maximum * 10**amount.exponent, amount.currency)
        )
    return CaptureRefund(capture_id, item_lines, expense_lines, extra, amount)


def _line(order: Order, line: Item | Expense) -> RefundLine:
    return RefundLine(line.id, line.price_to_pay - order.refunded(line.id).booked)


def _checked_over_refund(balance: CaptureBalance, requested: Money | None, currency: str) -> Money:
    if requested is None:
        return Money.zero(currency)
    if requested.currency != currency:
        raise OverRefundNotAllowed(balance.id, f"{requested} is not in the order's {currency}")
    if requested.minor <= 0:
        raise OverRefundNotAllowed(balance.id, f"{requested} is not a positive amount")
    if requested > balance.over_refund_left:
        raise OverRefundNotAllowed(
            balance.id,
            f"{requested} asked, Amazon's allowance leaves {balance.over_refund_left} "
            f"(the lesser of {OVER_REFUND_PERCENT} % and {OVER_REFUND_CAP_UNITS} {currency})",
        )
    return requested
