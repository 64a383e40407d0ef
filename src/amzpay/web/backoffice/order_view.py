"""What the order page shows, read through the services: the items grouped under their
bundles with their states, the events staff may fire on them and why they cannot be refunded,
the expenses, the order's authorizations, captures and refunds, and its money summary."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from amzpay.domain.buyer import OrderBuyer
from amzpay.domain.money import Money
from amzpay.domain.money_summary import MoneySummary
from amzpay.domain.order import AmazonApi, Order
from amzpay.domain.payment import PaymentKind, PaymentRecord
from amzpay.services.refunds import REFUND_EVENT  # fired through the refund form, not a button
from amzpay.web.context import Services


@dataclass(frozen=True, slots=True)
class Line:
    """An item or an expense as the page shows it."""

    id: str
    name: str
    price: Money
    state: str | None
    events: tuple[str, ...]
    refused: str | None  # why it cannot be refunded now; None: it can


@dataclass(frozen=True, slots=True)
class Group:
    """A bundle and its items, or (``bundle_id`` None) an item sold alone."""

    bundle_id: str | None
    name: str
    price: Money
    items: tuple[Line, ...]

    @property
    def refundable(self) -> bool:
        return any(item.refused is None for item in self.items)


@dataclass(frozen=True, slots=True)
class OrderPage:
    reference: str
    currency: str
    process: str
    api: AmazonApi
    amazon_order_reference_id: str | None
    order_reference_state: str | None
    groups: tuple[Group, ...]
    expenses: tuple[Line, ...]
    payments: dict[PaymentKind, list[PaymentRecord]]
    names: dict[str, str]  # item and expense ids -> names, for the refunds' lines
    money: MoneySummary
    buyer: OrderBuyer  # who bought and where it ships, when Amazon told

    @property
    def events(self) -> dict[str, list[str]]:
        """Each manual event (but refund) with the items that allow it, in the order's order."""
        found: dict[str, list[str]] = {}
        for group in self.groups:
            for item in group.items:
                for event in item.events:
                    if event != REFUND_EVENT:
                        found.setdefault(event, []).append(item.id)
        return found

    @property
    def refundable(self) -> bool:
        return any(group.refundable for group in self.groups)

    @property
    def unsettled(self) -> bool:
        """Something waits on Amazon: the page keeps asking until it is settled."""
        return any(r.unsettled for records in self.payments.values() for r in records)


def read_order_page(services: Services, reference: str) -> OrderPage:
    """Raises the store's OrderNotFound."""
    views = {view.id: view for view in services.orders.items(reference)}
    standing = {line.line_id: line for line in services.refunds.standing(reference)}
    money = services.ledger.money_summary(reference)
    detail = services.queries.order(reference)
    order = detail.order
    payments = {kind: [p for p in detail.payments if p.kind is kind] for kind in PaymentKind}

    def line(line_id: str, name: str) -> Line:
        view = views.get(line_id)
        stand = standing[line_id]
        state, events = (view.state, view.manual_events) if view else (None, ())
        return Line(line_id, name, stand.price_to_pay, state, events, stand.refused)

    return OrderPage(
        reference=order.reference,
        currency=order.currency,
        process=detail.facts.process,
        api=order.api,
        amazon_order_reference_id=order.amazon_order_reference_id,
        order_reference_state=detail.order_reference_state,
        groups=tuple(_groups(order, [line(i.id, i.name) for i in order.items])),
        expenses=tuple(line(e.id, e.name) for e in order.expenses),
        payments=payments,
        names={line.id: line.name for line in order.lines()},
        money=money,
        buyer=detail.buyer,
    )


def _groups(order: Order, lines: list[Line]) -> Iterable[Group]:
    """Items in the order's order, each bundle's items together where its first item is."""
    by_id = {line.id: line for line in lines}
    bundles = {bundle.id: bundle for bundle in order.bundles}
    shown: set[str] = set()
    for item in order.items:
        if item.bundle_id is None:
            line = by_id[item.id]
            yield Group(None, line.name, line.price, (line,))
        elif item.bundle_id not in shown:
            shown.add(item.bundle_id)
            bundle = bundles[item.bundle_id]
            children = tuple(by_id[child.id] for child in order.children_of(bundle.id))
            price = Money.total((child.price for child in children), order.currency)
            yield Group(bundle.id, bundle.name, price, children)
