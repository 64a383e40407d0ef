"""The call log's and the IPN inbox's records: one call to Amazon, what an IPN is about."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from amzpay.domain.payment import PaymentKind


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One attempt of one Amazon API operation, as the call log keeps it."""

    operation: str
    attempt: int
    outcome: str  # ok, declined, failed (Amazon refused it), retryable
    started_at: datetime
    duration_ms: int
    reference_id: str | None = None  # ours: Authorization/Capture/RefundReferenceId
    amazon_id: str | None = None  # the Amazon object the call was about
    http_status: int | None = None
    request_id: str | None = None
    error_code: str | None = None
    parameters: Mapping[str, str] = field(default_factory=dict)  # redacted before


@dataclass(frozen=True, slots=True)
class IpnSubject:
    """What a notification is about: the kind of Amazon object (``ObjectKind``'s value), its
    id and state (None: an API v2 message, which names the object without its state), and
    our order if one of ours is concerned."""

    object_kind: str
    amazon_id: str
    state: str | None
    order: str | None


@dataclass(frozen=True, slots=True)
class IpnObject:
    """What a notification is about, as read from it, before our order of it is known: the
    kind of Amazon object (``ObjectKind``'s value), its id and state; the kind of our record of
    it (None for an order reference) and our reference id; the Amazon order reference it
    belongs to. The store finds the order as ``order_of_payment`` does (for an order
    reference, as ``order_of_amazon_reference``)."""

    object_kind: str
    amazon_id: str
    state: str | None  # None: an API v2 message, which says no state
    record_kind: PaymentKind | None
    reference_id: str | None
    order_reference_id: str | None
