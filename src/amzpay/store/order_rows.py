"""Orders in and out of their tables: explicit conversion between rows and domain objects."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from itertools import groupby
from typing import Any, Final

from sqlalchemy import Row, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from amzpay.domain import ledger
from amzpay.domain.money import Money
from amzpay.domain.order import (
    AmazonApi,
    Bundle as DomainBundle,
    BundleId,
    CaptureId,
    Expense,
    ExpenseId,
    Item,
    ItemId,
    LineId,
    Order,
    ProductOption,
    Refunded,
    Shipment,
    ShipmentId,
)
from amzpay.domain.payment import OrderReferenceState, RefundState
from amzpay.domain.refund import RefundLine
from amzpay.ports.errors import DuplicateOrder, OrderNotFound
from amzpay.ports.flow import Addressee
from amzpay.store import tables as t
from amzpay.store.base import Rows


class OrderRows(Rows):
    def add_order(self, order: Order, *, process: str, at: datetime) -> int:
        """Store a new order; its items get no state until its process starts. Raises
        DuplicateOrder when its reference is taken (the unit of work is then spoiled: end it)."""
        try:
            inserted = self.conn.execute(
                insert(t.orders).values(
                    reference=order.reference,
                    currency=order.currency,
                    customer_email=order.customer_email,
                    locale=order.locale,
                    amazon_order_reference_id=order.amazon_order_reference_id,
                    amazon_api=order.api.value,
                    process=process,
                    created_at=at,
                )
            )
        except IntegrityError as error:
            raise DuplicateOrder(order.reference) from error
        order_id = self.inserted_id(inserted)
        self._add_parts(order, order_id)
        if order.amazon_order_reference_id is not None:
            # Amazon's order reference is confirmed (Open) before the shop receives the order.
            self.conn.execute(
                insert(t.order_references).values(
                    order_id=order_id,
                    amazon_order_reference_id=order.amazon_order_reference_id,
                    state=OrderReferenceState.OPEN.value,
                    updated_at=at,
                )
            )
        return order_id

    def order(self, reference: str) -> Order:
        """The order with what refunds hold of its lines. Raises OrderNotFound."""
        head = self.conn.execute(_ORDER_HEAD, {"reference": reference}).first()
        if head is None:
            raise OrderNotFound(reference)
        return self._order_from_rows(head)

    def addressee(self, reference: str, lines: Sequence[str]) -> Addressee:
        """What a mail about the order needs of it, without reading the whole order: the
        buyer's address and locale, and the names of those of ``lines`` that are its items.
        Raises OrderNotFound."""
        head = self.conn.execute(_ORDER_HEAD, {"reference": reference}).first()
        if head is None:
            raise OrderNotFound(reference)
        names = self.conn.execute(_ITEM_NAMES, {"order_id": head.id, "lines": list(lines)})
        item_names = {str(item): str(name) for item, name in names}
        return Addressee(reference, head.customer_email, head.locale, item_names)

    def set_capture(self, reference: str, lines: Sequence[str], capture_id: str) -> None:
        """Note which capture took the money of these items and expenses."""
        order_id = self.order_id(reference)
        for table, key in ((t.items, t.items.c.item_id), (t.expenses, t.expenses.c.expense_id)):
            self.conn.execute(
                update(table)
                .where(table.c.order_id == order_id, key.in_(list(lines)))
                .values(capture_id=capture_id)
            )

    def _add_parts(self, order: Order, order_id: int) -> None:
        for shipment in order.shipments:
            self.conn.execute(
                insert(t.shipments).values(
                    order_id=order_id, shipment_id=shipment.id, method=shipment.method
                )
            )
        for bundle in order.bundles:
            self.conn.execute(
                insert(t.bundles).values(
                    order_id=order_id,
                    bundle_id=bundle.id,
                    sku=bundle.sku,
                    name=bundle.name,
                    gross_price=bundle.gross_price.minor,
                )
            )
        for position, item in enumerate(order.items):
            self.conn.execute(insert(t.items).values(_item_values(order, item, order_id, position)))
        for position, expense in enumerate(order.expenses):
            self.conn.execute(
                insert(t.expenses).values(_expense_values(order, expense, order_id, position))
            )

    def _order_from_rows(self, head: Row[Any]) -> Order:
        currency, order_id = head.currency, head.id
        key = {"order_id": order_id}
        items = self.conn.execute(_ORDER_PARTS["items"], key).all()
        expenses = self.conn.execute(_ORDER_PARTS["expenses"], key).all()
        bundles = self.conn.execute(_ORDER_PARTS["bundles"], key).all()
        shipments = self.conn.execute(_ORDER_PARTS["shipments"], key).all()
        return Order(
            reference=head.reference,
            currency=currency,
            customer_email=head.customer_email,
            locale=head.locale,
            items=tuple(_item(row, currency) for row in items),
            amazon_order_reference_id=head.amazon_order_reference_id,
            expenses=tuple(_expense(row, currency) for row in expenses),
            bundles=tuple(
                DomainBundle(BundleId(b.bundle_id), b.sku, b.name, Money(b.gross_price, currency))
                for b in bundles
            ),
            shipments=tuple(Shipment(ShipmentId(s.shipment_id), s.method) for s in shipments),
            refunds=self._line_refunds(order_id, currency),
            api=AmazonApi(head.amazon_api),
        )

    def _line_refunds(self, order_id: int, currency: str) -> dict[LineId, Refunded]:
        """What the order's refunds hold of its lines, from the refunds' own states and lines
        (a refund's state lives on its record only)."""
        rows = self.conn.execute(_LINE_REFUNDS, {"order_id": order_id}).all()
        asked = [
            (RefundState(state), [_refund_line(row, currency) for row in lines])
            for (_, state), lines in groupby(rows, key=lambda row: (row.id, row.state))
        ]
        return ledger.line_refunds(currency, asked)


def _line_values(line: Item | Expense) -> dict[str, object]:
    return {
        "discount": line.discount.minor,
        "tax_rate": str(line.tax_rate),
        "tax_amount": line.tax_amount.minor,
        "shipment_id": line.shipment_id,
        "capture_id": line.capture_id,
    }


# Built once, bound on each call: an order is read and its refund holdings written whenever a
# refund moves, and building a statement costs more than running it.
_ORDER_HEAD: Final = select(t.orders).where(t.orders.c.reference == bindparam("reference"))
_ORDER_PARTS: Final = {
    "items": select(t.items)
    .where(t.items.c.order_id == bindparam("order_id"))
    .order_by(t.items.c.position),
    "expenses": select(t.expenses)
    .where(t.expenses.c.order_id == bindparam("order_id"))
    .order_by(t.expenses.c.position),
    "bundles": select(t.bundles)
    .where(t.bundles.c.order_id == bindparam("order_id"))
    .order_by(t.bundles.c.id),
    "shipments": select(t.shipments)
    .where(t.shipments.c.order_id == bindparam("order_id"))
    .order_by(t.shipments.c.id),
}
_LINE_REFUNDS: Final = (
    select(
        t.refunds.c.id,
        t.refunds.c.state,
        t.refund_lines.c.kind,
        t.refund_lines.c.line_id,
        t.refund_lines.c.amount,
    )
    .join(t.refund_lines, t.refund_lines.c.refund_id == t.refunds.c.id)
    .where(t.refunds.c.order_id == bindparam("order_id"))
    .order_by(t.refunds.c.id, t.refund_lines.c.id)
)
_ITEM_NAMES: Final = select(t.items.c.item_id, t.items.c.name).where(
    t.items.c.order_id == bindparam("order_id"),
    t.items.c.item_id.in_(bindparam("lines", expanding=True)),
)


def _item_values(order: Order, item: Item, order_id: int, position: int) -> dict[str, object]:
    options = [
        {
            "sku": o.sku,
            "name": o.name,
            "gross_price": o.gross_price.minor,
            "discount": o.discount.minor,
        }
        for o in item.options
    ]
    return {
        "order_id": order_id,
        "item_id": item.id,
        "position": position,
        "sku": item.sku,
        "name": item.name,
        "unit_gross_price": item.unit_gross_price.minor,
        "options": options,
        "bundle_id": item.bundle_id,
        **_line_values(item),
    }


def _expense_values(
    order: Order, expense: Expense, order_id: int, position: int
) -> dict[str, object]:
    return {
        "order_id": order_id,
        "expense_id": expense.id,
        "position": position,
        "type": expense.type,
        "name": expense.name,
        "gross_price": expense.gross_price.minor,
        **_line_values(expense),
    }


def _item(row: Row[Any], currency: str) -> Item:
    options = tuple(
        ProductOption(
            o["sku"], o["name"], Money(o["gross_price"], currency), Money(o["discount"], currency)
        )
        for o in row.options
    )
    return Item(
        id=ItemId(row.item_id),
        sku=row.sku,
        name=row.name,
        unit_gross_price=Money(row.unit_gross_price, currency),
        discount=Money(row.discount, currency),
        tax_rate=Decimal(row.tax_rate),
        tax_amount=Money(row.tax_amount, currency),
        options=options,
        bundle_id=BundleId(row.bundle_id) if row.bundle_id else None,
        shipment_id=ShipmentId(row.shipment_id) if row.shipment_id else None,
        capture_id=CaptureId(row.capture_id) if row.capture_id else None,
    )


def _expense(row: Row[Any], currency: str) -> Expense:
    return Expense(
        id=ExpenseId(row.expense_id),
        type=row.type,
        name=row.name,
        gross_price=Money(row.gross_price, currency),
        discount=Money(row.discount, currency),
        tax_rate=Decimal(row.tax_rate),
        tax_amount=Money(row.tax_amount, currency),
        shipment_id=ShipmentId(row.shipment_id) if row.shipment_id else None,
        capture_id=CaptureId(row.capture_id) if row.capture_id else None,
    )


def _refund_line(row: Row[Any, Any, Any, Any, Any], currency: str) -> RefundLine:
    line_id = ItemId(row.line_id) if row.kind == "item" else ExpenseId(row.line_id)
    return RefundLine(line_id, Money(row.amount, currency))
