"""The API call log: every request to Amazon, with its timing and Amazon's RequestId.

``CallLog`` is the port; ``InMemoryCallLog`` keeps calls in a list (tests, the CLI); the
database-backed log arrives with the store. What is recorded is redacted first: parameters are
kept only when they are on an allow-list of ids, reference ids, amounts and flags, so secrets
(keys, the Signature, MWSAuthToken, access tokens) and buyer data (free-text notes, addresses)
never reach a log, whatever new parameter a later operation adds.

Imports nothing but the standard library.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Final, Protocol

REDACTED: Final = "[redacted]"

_KEPT: Final = frozenset(
    {
        "Action",
        "SellerId",
        "Version",
        "Timestamp",
        "SignatureMethod",
        "SignatureVersion",
        "AmazonOrderReferenceId",
        "AmazonAuthorizationId",
        "AmazonCaptureId",
        "AmazonRefundId",
        "AuthorizationReferenceId",
        "CaptureReferenceId",
        "RefundReferenceId",
        "TransactionTimeout",
        "CaptureNow",
        "OrderReferenceAttributes.PlatformId",
        "OrderReferenceAttributes.SellerOrderAttributes.SellerOrderId",
    }
)
_KEPT_SUFFIXES: Final = (".Amount", ".CurrencyCode")


def redact(parameters: Mapping[str, str]) -> dict[str, str]:
    """``parameters`` with every value not on the allow-list replaced by ``[redacted]``."""
    return {
        name: value if name in _KEPT or name.endswith(_KEPT_SUFFIXES) else REDACTED
        for name, value in parameters.items()
    }


class CallOutcome(StrEnum):
    OK = "ok"
    DECLINED = "declined"
    FAILED = "failed"
    RETRYABLE = "retryable"


@dataclass(frozen=True, slots=True)
class ApiCall:
    """One HTTP attempt of one operation (a retried operation records each attempt).

    ``reference_id`` is our reference id of the object the call is about (a refund's, when
    refunding) and ``amazon_id`` Amazon's id of it or of its parent (the capture refunded);
    the client fills both from its request, so a log needs no knowledge of its parameters.
    ``parameters`` is the request, redacted.
    """

    operation: str
    attempt: int
    started_at: datetime
    duration_seconds: float
    outcome: CallOutcome
    http_status: int | None
    request_id: str | None
    error_code: str | None
    parameters: Mapping[str, str] = field(default_factory=dict)
    reference_id: str | None = None
    amazon_id: str | None = None


class CallLog(Protocol):
    """Where API calls are recorded. Implementations must not raise on ``record``."""

    def record(self, call: ApiCall) -> None: ...


class InMemoryCallLog:
    """A CallLog that keeps every call in ``calls``, oldest first."""

    def __init__(self) -> None:
        self.calls: list[ApiCall] = []

    def record(self, call: ApiCall) -> None:
        self.calls.append(call)
