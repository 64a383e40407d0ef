"""What the API answers: pydantic models (so /openapi.json documents them) and the one
function per service view that fills each.

Amounts are ``{"amount": "19.99", "minor": 1999, "currency": "EUR"}``: the decimal string for
people, the integer minor units for programs, never a float.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from amzpay.domain.money import Money
from amzpay.domain.order import Expense, Item, Order
from amzpay.domain.refund import RefundLine, RefundPlan
from amzpay.services.ledger import OrderBooks
from amzpay.services.orders import ItemView
from amzpay.services.queries import HistoryEntry, IpnEntry, RefundAge
from amzpay.services.refunds import LineStanding, RefundView
from amzpay.store.payments import PaymentRecord
from amzpay.store.query_rows import OrderSummary


class MoneyOut(BaseModel):
    amount: str = Field(description="Decimal string with the currency's decimals")
    minor: int = Field(description="Integer minor units (cents)")
    currency: str

    @classmethod
    def of(cls, money: Money) -> MoneyOut:
        return cls(amount=money.to_wire(), minor=money.minor, currency=money.currency)


class LineAmount(BaseModel):
    line_id: str
    amount: MoneyOut


class ItemOut(BaseModel):
    id: str
    sku: str
    name: str
    bundle_id: str | None
    shipment_id: str | None
    capture_id: str | None
    price_to_pay: MoneyOut
    state: str | None = Field(description="The item's state in the order's process")
    manual_events: list[str] = Field(description="Events that may be fired on it now")
    refund_status: str
    refunded: MoneyOut
    refund_pending: MoneyOut


class ExpenseOut(BaseModel):
    id: str
    type: str
    name: str
    shipment_id: str | None
    capture_id: str | None
    price_to_pay: MoneyOut
    refund_status: str
    refunded: MoneyOut
    refund_pending: MoneyOut


class PaymentOut(BaseModel):
    kind: str = Field(description="authorization, capture or refund")
    reference_id: str
    amazon_id: str | None
    state: str
    reason_code: str | None
    error_code: str | None
    amount: MoneyOut
    created_at: datetime
    updated_at: datetime


class RefundOut(BaseModel):
    reference_id: str = Field(description="Our RefundReferenceId")
    amazon_id: str | None
    state: str = Field(description="requested, pending, completed, declined or failed")
    amount: MoneyOut
    reason_code: str | None
    error_code: str | None
    booked: bool
    lines: list[LineAmount]


class CaptureBooksOut(BaseModel):
    reference_id: str
    amazon_id: str | None
    captured: MoneyOut
    refunded: MoneyOut
    pending: MoneyOut
    refunds: int


class BooksOut(BaseModel):
    captured: MoneyOut
    booked: MoneyOut = Field(description="Every refund booking of the order")
    captures: list[CaptureBooksOut]


class HistoryOut(BaseModel):
    at: datetime
    kind: str = Field(description="state, payment, api_call, ipn or mail")
    summary: str
    details: dict[str, str]


class OrderOut(BaseModel):
    reference: str
    amazon_order_reference_id: str | None
    currency: str
    customer_email: str
    locale: str
    process: str
    placed_at: datetime
    closed_at: datetime | None
    total: MoneyOut
    items: list[ItemOut]
    expenses: list[ExpenseOut]
    payments: list[PaymentOut]
    refunds: list[RefundOut]
    books: BooksOut
    history: list[HistoryOut]


class OrderSummaryOut(BaseModel):
    reference: str
    amazon_order_reference_id: str | None
    customer_email: str
    placed_at: datetime
    closed: bool
    total: MoneyOut
    item_count: int
    states: dict[str, int] = Field(description="How many items are in each state")


class OrdersPage(BaseModel):
    orders: list[OrderSummaryOut]
    total: int
    limit: int
    offset: int


class CapturePart(BaseModel):
    capture_id: str
    amount: MoneyOut
    over_refund: MoneyOut
    items: list[LineAmount]
    expenses: list[LineAmount]


class LineStandingOut(BaseModel):
    line_id: str
    name: str
    price_to_pay: MoneyOut
    refundable: bool
    reason: str | None = Field(description="Why it cannot be refunded now")


class PreviewOut(BaseModel):
    total: MoneyOut | None = Field(description="null when nothing was chosen")
    captures: list[CapturePart] = Field(description="One Refund call per capture")
    lines: list[LineStandingOut] = Field(description="Every item and expense of the order")


class RefundRowOut(BaseModel):
    reference_id: str
    amazon_id: str | None
    order: str
    state: str
    amount: MoneyOut
    reason_code: str | None
    requested_at: datetime
    updated_at: datetime
    age_seconds: int = Field(description="Since it was requested")


class RefundsPage(BaseModel):
    refunds: list[RefundRowOut]
    total: int
    limit: int
    offset: int


class CheckOut(BaseModel):
    refund: RefundOut
    answered: bool = Field(description="Amazon answered (the state may be unchanged)")
    error: str | None = Field(description="Why Amazon could not be asked")


class IpnOut(BaseModel):
    message_id: str
    notification_type: str
    received_at: datetime
    processed_at: datetime | None
    note: str | None = Field(description="What the worker noted: why nothing changed, a failure")
    order: str | None
    amazon_id: str | None
    state: str | None


class IpnsPage(BaseModel):
    ipns: list[IpnOut]
    total: int
    limit: int
    offset: int


# -- from the services' views -------------------------------------------------------------------


def money(value: Money) -> MoneyOut:
    return MoneyOut.of(value)


def line_amounts(lines: tuple[RefundLine, ...]) -> list[LineAmount]:
    return [LineAmount(line_id=x.line_id, amount=money(x.amount)) for x in lines]


def item_out(order: Order, item: Item, view: ItemView | None) -> ItemOut:
    held = order.refunded(item.id)
    return ItemOut(
        id=item.id,
        sku=item.sku,
        name=item.name,
        bundle_id=item.bundle_id,
        shipment_id=item.shipment_id,
        capture_id=item.capture_id,
        price_to_pay=money(item.price_to_pay),
        state=None if view is None else view.state,
        manual_events=[] if view is None else list(view.manual_events),
        refund_status=held.status.value,
        refunded=money(held.booked),
        refund_pending=money(held.pending),
    )


def expense_out(order: Order, expense: Expense) -> ExpenseOut:
    held = order.refunded(expense.id)
    return ExpenseOut(
        id=expense.id,
        type=expense.type,
        name=expense.name,
        shipment_id=expense.shipment_id,
        capture_id=expense.capture_id,
        price_to_pay=money(expense.price_to_pay),
        refund_status=held.status.value,
        refunded=money(held.booked),
        refund_pending=money(held.pending),
    )


def payment_out(record: PaymentRecord) -> PaymentOut:
    return PaymentOut(
        kind=record.kind.value,
        reference_id=record.reference_id,
        amazon_id=record.amazon_id,
        state=record.state,
        reason_code=record.reason_code,
        error_code=record.error_code,
        amount=money(record.amount),
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


def refund_out(view: RefundView) -> RefundOut:
    return RefundOut(
        reference_id=view.reference_id,
        amazon_id=view.amazon_id,
        state=view.state,
        amount=money(view.amount),
        reason_code=view.reason_code,
        error_code=view.error_code,
        booked=view.booked,
        lines=[LineAmount(line_id=line, amount=money(amount)) for line, amount in view.lines],
    )


def books_out(books: OrderBooks) -> BooksOut:
    return BooksOut(
        captured=money(books.captured),
        booked=money(books.booked),
        captures=[
            CaptureBooksOut(
                reference_id=c.reference_id,
                amazon_id=c.amazon_id,
                captured=money(c.captured),
                refunded=money(c.refunded),
                pending=money(c.pending),
                refunds=c.refunds,
            )
            for c in books.captures
        ],
    )


def history_out(entry: HistoryEntry) -> HistoryOut:
    return HistoryOut(
        at=entry.at, kind=entry.kind, summary=entry.summary, details=dict(entry.details)
    )


def summary_out(summary: OrderSummary) -> OrderSummaryOut:
    return OrderSummaryOut(
        reference=summary.reference,
        amazon_order_reference_id=summary.amazon_order_reference_id,
        customer_email=summary.customer_email,
        placed_at=summary.placed_at,
        closed=summary.closed,
        total=money(summary.total),
        item_count=summary.item_count,
        states=dict(summary.states),
    )


def preview_out(plan: RefundPlan | None, standing: tuple[LineStanding, ...]) -> PreviewOut:
    """The refund ``plan`` (None: nothing chosen) and the standing of every line."""
    parts = () if plan is None else plan.parts
    return PreviewOut(
        total=None if plan is None else money(plan.total),
        captures=[
            CapturePart(
                capture_id=part.capture_id,
                amount=money(part.amount),
                over_refund=money(part.over_refund),
                items=line_amounts(part.items),
                expenses=line_amounts(part.expenses),
            )
            for part in parts
        ],
        lines=[
            LineStandingOut(
                line_id=line.line_id,
                name=line.name,
                price_to_pay=money(line.price_to_pay),
                refundable=line.refused is None,
                reason=line.refused,
            )
            for line in standing
        ],
    )


def stuck_out(record: PaymentRecord, now: datetime) -> RefundRowOut:
    return RefundRowOut(
        reference_id=record.reference_id,
        amazon_id=record.amazon_id,
        order=record.order,
        state=record.state,
        amount=money(record.amount),
        reason_code=record.reason_code,
        requested_at=record.created_at,
        updated_at=record.updated_at,
        age_seconds=int((now - record.created_at).total_seconds()),
    )


def refund_row_out(row: RefundAge) -> RefundRowOut:
    refund = row.refund
    return RefundRowOut(
        reference_id=refund.reference_id,
        amazon_id=refund.amazon_id,
        order=refund.order,
        state=refund.state,
        amount=money(refund.amount),
        reason_code=refund.reason_code,
        requested_at=refund.requested_at,
        updated_at=refund.updated_at,
        age_seconds=int(row.age.total_seconds()),
    )


def ipn_out(entry: IpnEntry) -> IpnOut:
    return IpnOut(
        message_id=entry.message_id,
        notification_type=entry.notification_type,
        received_at=entry.received_at,
        processed_at=entry.processed_at,
        note=entry.error,
        order=entry.order,
        amazon_id=entry.amazon_id,
        state=entry.state,
    )
