"""The objects Amazon keeps: order references, authorizations, captures and refunds.

States are Amazon's names, and ``TRANSITIONS`` is the one table of the moves each kind of
object may make (amazonpay-api.md §A.7). ``Status.move`` is the only way a state changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Final, Literal

Kind = Literal["OrderReference", "Authorization", "Capture", "Refund"]

TRANSITIONS: Final[dict[Kind, dict[str, frozenset[str]]]] = {
    "OrderReference": {
        "Draft": frozenset({"Open", "Canceled"}),
        "Open": frozenset({"Suspended", "Canceled", "Closed"}),
        "Suspended": frozenset({"Open", "Canceled", "Closed"}),
        "Canceled": frozenset(),
        "Closed": frozenset(),
    },
    "Authorization": {
        "Pending": frozenset({"Open", "Declined", "Closed"}),
        "Open": frozenset({"Closed"}),
        "Declined": frozenset(),
        "Closed": frozenset(),
    },
    "Capture": {
        "Pending": frozenset({"Completed", "Declined", "Closed"}),
        "Completed": frozenset({"Closed"}),
        "Declined": frozenset(),
        "Closed": frozenset(),
    },
    "Refund": {
        "Pending": frozenset({"Completed", "Declined"}),
        "Completed": frozenset(),
        "Declined": frozenset(),
    },
}


class IllegalTransition(RuntimeError):
    """Raised when the simulator itself tries a move Amazon's state table does not have."""

    def __init__(self, kind: str, current: str, target: str) -> None:
        self.kind, self.current, self.target = kind, current, target
        super().__init__(f"{kind} cannot move from {current} to {target}")


@dataclass
class Status:
    """An object's State, with when it last changed and why."""

    state: str
    last_update: datetime
    reason_code: str | None = None
    reason_description: str | None = None

    def move(self, kind: Kind, target: str, at: datetime, reason: str | None = None) -> None:
        self.follow(TRANSITIONS[kind], kind, target, at, reason)

    def follow(
        self,
        moves: Mapping[str, frozenset[str]],
        kind: str,
        target: str,
        at: datetime,
        reason: str | None = None,
    ) -> None:
        """Move to ``target`` if ``moves`` (a kind's transition table) allows it."""
        if target not in moves[self.state]:
            raise IllegalTransition(kind, self.state, target)
        self.state, self.last_update, self.reason_code = target, at, reason
        self.reason_description = None


@dataclass(frozen=True)
class Price:
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class Address:
    name: str
    line1: str
    city: str
    postal_code: str
    country_code: str
    state_or_region: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Buyer:
    """Who signed in with Amazon, and what the wallet widget let them choose."""

    name: str
    email: str
    address: Address
    payment_method: str
    phone: str | None = None


@dataclass
class SellerOrder:
    """The seller's own attributes of an order reference."""

    seller_order_id: str | None = None
    store_name: str | None = None
    custom_information: str | None = None
    supplementary_data: str | None = None
    item_categories: tuple[str, ...] = ()


@dataclass
class ProviderAttributes:
    """What a payment service provider (PSP) records on an order reference."""

    provider_id: str | None = None
    provider_order_id: str | None = None


@dataclass
class OrderReference:
    id: str
    seller_id: str
    sandbox: bool
    buyer: Buyer
    created: datetime
    expires: datetime
    status: Status
    total: Price | None = None
    seller_note: str | None = None
    platform_id: str | None = None
    seller_order: SellerOrder = field(default_factory=SellerOrder)
    provider: ProviderAttributes = field(default_factory=ProviderAttributes)
    request_payment_authorization: bool | None = None
    constraints: list[str] = field(default_factory=list)
    authorization_ids: list[str] = field(default_factory=list)
    captured: Decimal = Decimal(0)
    kind: Kind = "OrderReference"


@dataclass
class Authorization:
    id: str
    order_reference_id: str
    reference_id: str
    amount: Price
    created: datetime
    expires: datetime
    status: Status
    capture_now: bool
    note: str | None = None
    soft_descriptor: str | None = None
    soft_decline: bool | None = None
    captured: Decimal = Decimal(0)
    capture_ids: list[str] = field(default_factory=list)
    kind: Kind = "Authorization"


@dataclass
class Capture:
    id: str
    authorization_id: str
    reference_id: str
    amount: Price
    created: datetime
    status: Status
    note: str | None = None
    soft_descriptor: str | None = None
    refunded: Decimal = Decimal(0)
    refund_ids: list[str] = field(default_factory=list)
    kind: Kind = "Capture"


@dataclass
class Refund:
    id: str
    capture_id: str
    reference_id: str
    amount: Price
    created: datetime
    status: Status
    note: str | None = None
    soft_descriptor: str | None = None
    refund_type: str = "SellerInitiated"
    kind: Kind = "Refund"


Payment = OrderReference | Authorization | Capture | Refund
