"""Properties of refunds over random orders and random sequences of partial refunds.

For any order and any sequence of partial refunds that covers every item, with refunds
overlapping while pending and some declined and asked again: the completed refunds add up to
exactly what was captured, each expense is refunded exactly once, nothing is refunded twice,
and no capture is asked for more than it took. Each capture's balance is what the worker
computes: ``ledger.capture_balance`` over its refunds and their states, and each settlement
moves the order's lines by the ledger function the worker runs for it.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import event, given, settings, strategies as st

from amzpay.domain.ledger import capture_balance, line_refunds
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
    RefundStatus,
    Shipment,
    ShipmentId,
)
from amzpay.domain.payment import RefundState
from amzpay.domain.refund import CaptureRefund, ExpensePolicy, plan_refund
from amzpay.domain.units import BundleChild, tax_included, unfold_bundle

from builders import captures_of

CURRENCIES = ["EUR", "JPY", "KWD"]


@st.composite
def orders(draw):
    currency = draw(st.sampled_from(CURRENCIES))
    captures = [CaptureId(f"C{n}") for n in range(draw(st.integers(1, 3)))]
    shipments = [ShipmentId(f"S{n}") for n in range(draw(st.integers(0, 2)))]
    zero = Money.zero(currency)

    def amount(high):
        return Money(draw(st.integers(0, high)), currency)

    items = []
    for n in range(draw(st.integers(1, 5))):
        price = amount(100_000)
        discount = Money(draw(st.integers(0, price.minor)), currency)
        items.append(
            Item(
                id=ItemId(f"I{n}"),
                sku=f"SKU{n}",
                name="Product",
                unit_gross_price=price,
                discount=discount,
                tax_rate=Decimal(19),
                tax_amount=tax_included(price - discount, Decimal(19)),
                shipment_id=draw(st.sampled_from([None, *shipments])),
                capture_id=draw(st.sampled_from(captures)),
            )
        )
    bundles = []
    if draw(st.booleans()):
        bundle = Bundle(BundleId("B"), "SET", "Set", amount(100_000))
        weights = draw(st.lists(st.integers(0, 50_000), min_size=1, max_size=3))
        children = [
            BundleChild(ItemId(f"B{n}"), f"C{n}", "Child", Money(w, currency), Decimal(7))
            for n, w in enumerate(weights)
        ]
        items += unfold_bundle(
            bundle,
            children,
            shipment_id=draw(st.sampled_from([None, *shipments])),
            capture_id=draw(st.sampled_from(captures)),
        )
        bundles.append(bundle)
    expenses = [
        Expense(ExpenseId(f"SHIP-{s}"), "shipping", "Shipping", amount(2_000), zero, Decimal(0), zero, s, draw(st.sampled_from(captures)))
        for s in [*shipments, None] if draw(st.booleans())
    ]  # fmt: skip
    order = Order(
        reference="P-1",
        currency=currency,
        customer_email="buyer@example.com",
        locale="en_GB",
        items=tuple(items),
        expenses=tuple(expenses),
        bundles=tuple(bundles),
        shipments=tuple(Shipment(s, "standard") for s in shipments),
    )
    return order


@st.composite
def refund_sequences(draw):
    """An order, the groups its items are refunded in (a bundle sometimes chosen by its id),
    the expense policy, and the draws that interleave, settle and decline the refunds."""
    order = draw(orders())
    ids = draw(st.permutations([item.id for item in order.items]))
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(ids) - 1)), max_size=len(ids))))
    groups = [ids[a:b] for a, b in zip([0, *cuts], [*cuts, len(ids)], strict=True) if ids[a:b]]
    children = {item.id for item in order.items if item.bundle_id is not None}
    if children:
        for group in groups:
            if children <= set(group) and draw(st.booleans()):
                group[:] = [i for i in group if i not in children] + ["B"]
    policy = draw(st.sampled_from(list(ExpensePolicy)))
    return order, groups, policy, draw(st.data())


@settings(max_examples=300, deadline=None)
@given(refund_sequences())
def test_refunds_covering_every_item_add_up_to_exactly_what_was_captured(sequence):
    order, groups, policy, data = sequence
    captured = {c.id: c.captured for c in captures_of(order)}
    # Each capture's refund records with their states, as the store keeps them.
    records: dict[CaptureId, list[tuple[CaptureRefund, RefundState]]] = {c: [] for c in captured}

    asked: list[tuple[CaptureRefund, RefundState]] = []  # every refund, in request order

    def balances():
        return {c: capture_balance(c, captured[c], records[c]) for c in captured}

    def books():
        """The order as the store reads it: its lines folded from the refunds' states."""
        held = line_refunds(order.currency, [(s, (*p.items, *p.expenses)) for p, s in asked])
        return replace(order, refunds=held)

    def settle(part, state):
        entries = records[part.capture_id]
        entries[entries.index((part, RefundState.PENDING))] = (part, state)
        asked[asked.index((part, RefundState.PENDING))] = (part, state)

    queue, in_flight, completed = list(groups), [], []
    declines_left = 2  # with at most 8 items, no capture reaches Amazon's ten refunds

    while queue or in_flight:
        do_settle = not queue or (in_flight and data.draw(st.booleans()))
        if not do_settle:
            before = balances()
            plan = plan_refund(
                books(), queue.pop(0), captures=before.values(), expense_policy=policy
            )
            for part in plan.parts:
                assert part.amount <= before[part.capture_id].available
                records[part.capture_id].append((part, RefundState.PENDING))
                asked.append((part, RefundState.PENDING))
            in_flight.append(plan)
            continue
        plan = in_flight.pop(data.draw(st.integers(0, len(in_flight) - 1)))
        declined = declines_left > 0 and data.draw(st.booleans())
        for part in plan.parts:
            settle(part, RefundState.DECLINED if declined else RefundState.COMPLETED)
        event(f"settled with {len(in_flight)} other refunds in flight")
        if declined:
            event("a refund was declined and asked again")
            declines_left -= 1
            queue.append([line.line_id for line in plan.items])
        else:
            completed.append(plan)

    refunded_lines = [line.line_id for plan in completed for line in (*plan.items, *plan.expenses)]
    assert sorted(refunded_lines) == sorted(line.id for line in order.lines())  # each exactly once
    total = Money.total((plan.total for plan in completed), order.currency)
    assert total == Money.total(captured.values(), order.currency)
    for capture in balances().values():
        assert capture.refunded == capture.captured
        assert capture.pending == Money.zero(order.currency)
    for line in order.lines():
        held = books().refunded(line.id)
        assert (held.status, held.booked) == (RefundStatus.REFUNDED, line.price_to_pay)


@given(
    price=st.integers(0, 10**9),
    discount_share=st.integers(0, 100),
    weights=st.lists(st.integers(0, 10**6), min_size=1, max_size=8),
    currency=st.sampled_from(CURRENCIES),
)
def test_a_bundles_children_add_up_to_exactly_the_bundles_price_and_discount(
    price, discount_share, weights, currency
):
    bundle = Bundle(BundleId("B"), "SET", "Set", Money(price, currency))
    discount = Money(price * discount_share // 100, currency)
    children = [
        BundleChild(ItemId(f"B{n}"), "X", "X", Money(w, currency), Decimal(19))
        for n, w in enumerate(weights)
    ]

    items = unfold_bundle(bundle, children, discount=discount)

    assert Money.total((i.unit_gross_price for i in items), currency) == bundle.gross_price
    assert Money.total((i.discount for i in items), currency) == discount
    assert all(not i.price_to_pay.is_negative for i in items)
