"""What the API answers: pydantic models, so that /openapi.json documents them (``convert.py``
fills them from the services' views).

Amounts are ``{"amount": "19.99", "minor": 1999, "currency": "EUR"}``: the decimal string for
people, the integer minor units for programs, never a float. Times are UTC, ISO 8601 with
the zone (``2026-03-02T09:30:00Z``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from amzpay.domain.money import Money
from amzpay.domain.order import AmazonApi

UtcTime = Annotated[
    datetime, Field(description="UTC, ISO 8601 with the zone: 2026-03-02T09:30:00Z")
]


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
    created_at: UtcTime
    updated_at: UtcTime


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


class CaptureMoneyOut(BaseModel):
    reference_id: str = Field(description="Our CaptureReferenceId")
    amazon_id: str | None
    captured: MoneyOut
    refunded: MoneyOut = Field(description="Refunds Amazon completed")
    pending: MoneyOut = Field(description="Refunds sent to Amazon and not yet settled")
    refundable: MoneyOut = Field(
        description="What items and expenses may still take of this capture; "
        "zero once it is closed or has had Amazon's ten refunds"
    )
    over_refund_left: MoneyOut = Field(
        description="Amazon's allowance above the captured amount (the lesser of 15 % and 75) "
        "still unused"
    )
    refunds: int = Field(description="Refunds sent, declined ones included")


class MoneySummaryOut(BaseModel):
    total: MoneyOut = Field(description="The order total: every item and expense to pay")
    authorized: MoneyOut = Field(description="What Amazon authorized")
    captured: MoneyOut
    refunded: MoneyOut
    pending: MoneyOut = Field(description="Refunds sent to Amazon and not yet settled")
    refundable: MoneyOut = Field(description="Still refundable, over every capture")
    captures: list[CaptureMoneyOut]


class HistoryOut(BaseModel):
    at: UtcTime
    kind: str = Field(description="state, payment, api_call, ipn or mail")
    summary: str
    details: dict[str, str]


class BuyerOut(BaseModel):
    name: str
    email: str
    phone: str | None


class AddressOut(BaseModel):
    name: str
    lines: list[str] = Field(description="The street lines, one to three")
    city: str
    postal_code: str | None
    region: str | None = Field(description="State, region, county or district, if any")
    country_code: str = Field(description="ISO 3166-1 alpha-2")
    phone: str | None


class OrderOut(BaseModel):
    reference: str
    api: AmazonApi = Field(
        description="The Amazon API the order is paid through: legacy (order reference) or "
        "v2 (charge permission, in amazon_order_reference_id)"
    )
    amazon_order_reference_id: str | None
    currency: str
    customer_email: str
    locale: str
    process: str
    placed_at: UtcTime
    closed_at: UtcTime | None
    buyer: BuyerOut | None = Field(description="Who bought, as Amazon told at checkout")
    shipping_address: AddressOut | None = Field(
        description="Where the order ships, as Amazon told at checkout"
    )
    total: MoneyOut
    items: list[ItemOut]
    expenses: list[ExpenseOut]
    payments: list[PaymentOut]
    refunds: list[RefundOut]
    books: BooksOut
    money: MoneySummaryOut = Field(
        description="Total, authorized, captured, refunded, pending and still refundable "
        "(per capture), from the payment records"
    )
    history: list[HistoryOut]


class OrderSummaryOut(BaseModel):
    reference: str
    api: AmazonApi
    amazon_order_reference_id: str | None
    customer_email: str
    placed_at: UtcTime
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
    requested_at: UtcTime
    updated_at: UtcTime
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
    received_at: UtcTime
    processed_at: UtcTime | None
    note: str | None = Field(description="What the worker noted: why nothing changed, a failure")
    order: str | None
    amazon_id: str | None
    state: str | None


class IpnsPage(BaseModel):
    ipns: list[IpnOut]
    total: int
    limit: int
    offset: int


class ButtonOut(BaseModel):
    """What the storefront's page needs for Amazon's button and widgets (legacy API)."""

    seller_id: str = Field(description="The seller's id (sellerId of the button and widgets)")
    client_id: str = Field(description="Login with Amazon's client id (amazon.Login.setClientId)")
    widgets_url: str = Field(description="The widgets script the page loads")
    sandbox: bool


class CheckoutDetailsOut(BaseModel):
    """The buyer's order reference as Amazon shows it with the buyer's consent token."""

    amazon_order_reference_id: str
    state: str = Field(description="draft until the order is placed")
    buyer: BuyerOut | None
    shipping_address: AddressOut | None
    payment_descriptor: str | None = Field(
        description='The payment method as Amazon shows it to the buyer, e.g. "Visa ****1111"'
    )
