"""The read side's records: pages of orders, refunds, IPNs and mails with their filters,
the rows an order's history is merged from, and what /metrics reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from amzpay.domain.money import Money
from amzpay.domain.order import AmazonApi
from amzpay.domain.payment import UNSETTLED, PaymentKind, PaymentState, RefundState


@dataclass(frozen=True, slots=True)
class PendingAges:
    """Refunds not yet settled by Amazon: how many, the oldest one's age, and how many are
    at most each of ``bounds`` old (cumulative, as a Prometheus histogram counts)."""

    count: int
    oldest_seconds: float
    at_most: tuple[tuple[timedelta, int], ...]


@dataclass(frozen=True, slots=True)
class Gauges:
    refunds_by_state: dict[str, int]
    pending: PendingAges
    api_calls: dict[tuple[str, str], int]  # (operation, outcome) -> attempts
    api_throttled: dict[str, int]  # operation -> answers RequestThrottled
    mails_by_status: dict[str, int]  # due, sent, failed
    ipn_inbox: dict[str, int]  # waiting, retrying, applied, noted, failed
    jobs_by_status: dict[str, int]  # the OMS's commands: due, running, done, failed


@dataclass(frozen=True, slots=True)
class MailRow:
    id: int
    order: str | None  # the order's reference; None once the order is gone
    kind: str
    audience: str  # buyer or staff
    status: str  # due, sent, failed
    attempts: int
    mail: str  # amzpay.mail.Mail as JSON
    created_at: datetime
    not_before: datetime  # the next try, while due
    sent_at: datetime | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class OrderFilter:
    """Which orders a page holds: ``search`` matches part of the order's reference, Amazon
    order reference id or buyer e-mail (any case); ``state``: at least one item in it;
    ``placed_from`` inclusive, ``placed_to`` exclusive."""

    search: str | None = None
    state: str | None = None
    placed_from: datetime | None = None
    placed_to: datetime | None = None


@dataclass(frozen=True, slots=True)
class OrderSummary:
    reference: str
    amazon_order_reference_id: str | None
    customer_email: str
    placed_at: datetime
    closed: bool
    total: Money  # every item's and expense's price to pay
    item_count: int
    states: tuple[tuple[str, int], ...]  # (item state, how many items are in it), by state
    api: AmazonApi = AmazonApi.LEGACY  # the Amazon API the order is paid through


@dataclass(frozen=True, slots=True)
class OrderFacts:
    """What the orders row says beyond the order itself."""

    process: str
    placed_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class RefundFilter:
    """``state`` of the record, ``order`` reference, ``requested_before``: requested before
    this moment (how "older than" is asked)."""

    state: str | None = None
    order: str | None = None
    requested_before: datetime | None = None


@dataclass(frozen=True, slots=True)
class RefundSummary:
    reference_id: str
    amazon_id: str | None
    order: str
    state: RefundState
    amount: Money
    reason_code: str | None
    requested_at: datetime
    updated_at: datetime

    @property
    def unsettled(self) -> bool:
        return self.state in UNSETTLED


@dataclass(frozen=True, slots=True)
class IpnRow:
    message_id: str
    notification_type: str
    received_at: datetime
    processed_at: datetime | None
    error: str | None
    body: str  # the raw SNS message as Amazon sent it (no buyer data: ids and amounts)
    # What it is about, as read at receipt (None: stored before that was kept, or about
    # nothing we read).
    object_kind: str | None = None
    amazon_id: str | None = None
    state: str | None = None
    order: str | None = None


@dataclass(frozen=True, slots=True)
class PaymentMoment:
    """One Amazon payment record as an order's history shows it."""

    kind: PaymentKind
    reference_id: str
    amazon_id: str | None
    state: PaymentState
    reason_code: str | None
    error_code: str | None
    amount: Money
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class MailMoment:
    id: int
    kind: str
    audience: str  # buyer or staff (never the address: buyer data stays out of the history)
    status: str
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    last_error: str | None
