"""The services' views as the API's response models: one function per view."""

from __future__ import annotations

from datetime import datetime

from amzpay.domain.buyer import Buyer, ShippingAddress
from amzpay.domain.money import Money
from amzpay.domain.money_summary import MoneySummary
from amzpay.domain.order import Expense, Item, Order
from amzpay.domain.payment import PaymentRecord
from amzpay.domain.refund import RefundLine, RefundPlan
from amzpay.ports.queries import OrderSummary
from amzpay.services.ledger import OrderBooks
from amzpay.services.orders import ItemView
from amzpay.services.queries import HistoryEntry, IpnEntry, RefundAge
from amzpay.services.refunds import LineStanding, RefundView
from amzpay.web.api.responses import (
    AddressOut,
    BooksOut,
    BuyerOut,
    CaptureBooksOut,
    CaptureMoneyOut,
    CapturePart,
    ExpenseOut,
    HistoryOut,
    IpnOut,
    ItemOut,
    LineAmount,
    LineStandingOut,
    MoneyOut,
    MoneySummaryOut,
    OrderSummaryOut,
    PaymentOut,
    PreviewOut,
    RefundOut,
    RefundRowOut,
)


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


def money_summary_out(summary: MoneySummary) -> MoneySummaryOut:
    return MoneySummaryOut(
        total=money(summary.total),
        authorized=money(summary.authorized),
        captured=money(summary.captured),
        refunded=money(summary.refunded),
        pending=money(summary.pending),
        refundable=money(summary.refundable),
        captures=[
            CaptureMoneyOut(
                reference_id=c.reference_id,
                amazon_id=c.amazon_id,
                captured=money(c.captured),
                refunded=money(c.refunded),
                pending=money(c.pending),
                refundable=money(c.refundable),
                over_refund_left=money(c.over_refund_left),
                refunds=c.refunds,
            )
            for c in summary.captures
        ],
    )


def history_out(entry: HistoryEntry) -> HistoryOut:
    return HistoryOut(
        at=entry.at, kind=entry.kind, summary=entry.summary, details=dict(entry.details)
    )


def summary_out(summary: OrderSummary) -> OrderSummaryOut:
    return OrderSummaryOut(
        reference=summary.reference,
        api=summary.api,
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


def buyer_out(buyer: Buyer | None) -> BuyerOut | None:
    if buyer is None:
        return None
    return BuyerOut(name=buyer.name, email=buyer.email, phone=buyer.phone)


def address_out(address: ShippingAddress | None) -> AddressOut | None:
    if address is None:
        return None
    return AddressOut(
        name=address.name,
        lines=list(address.lines),
        city=address.city,
        postal_code=address.postal_code,
        region=address.region,
        country_code=address.country_code,
        phone=address.phone,
    )
