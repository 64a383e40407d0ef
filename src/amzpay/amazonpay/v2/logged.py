"""A v2 request as the call log keeps it: its JSON body flattened and redacted, and the
headers that say which request it was.

The body is flattened to dotted names (``refundAmount.amount``) and kept only for names on an
allow-list of ids, amounts, currency codes and flags; every other value (buyer data such as
names, e-mail and postal addresses and phone numbers, notes, descriptors, return URLs) becomes
``[redacted]``, whatever field a later operation adds. Of the headers, the signature in
``authorization`` is always redacted; the key itself never reaches a request.

Imports amzpay.amazonpay.calllog and the standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from amzpay.amazonpay.calllog import REDACTED

_KEPT_FIELDS: Final = frozenset(
    {
        "chargeId",
        "chargePermissionId",
        "checkoutSessionId",
        "refundId",
        "amount",
        "currencyCode",
        "captureNow",
        "canHandlePendingAuthorization",
        "cancelPendingCharges",
        "paymentIntent",
        "merchantReferenceId",
    }
)
_KEPT_HEADERS: Final = frozenset(
    {"x-amz-pay-date", "x-amz-pay-host", "x-amz-pay-region", "x-amz-pay-idempotency-key"}
)
_SIGNATURE_HEADERS: Final = frozenset({"authorization"})


def logged_request(headers: Mapping[str, str], body: Any) -> dict[str, str]:
    """What the call log records of a request with ``headers`` and decoded JSON ``body``."""
    kept: dict[str, str] = {}
    for name, value in headers.items():
        lowered = name.lower()
        if lowered in _KEPT_HEADERS:
            kept[lowered] = value
        elif lowered in _SIGNATURE_HEADERS:
            kept[lowered] = REDACTED
    for name, value in _flat(body, ""):
        leaf = name.rsplit(".", 1)[-1]
        kept[name] = value if leaf in _KEPT_FIELDS else REDACTED
    return kept


def _flat(value: Any, prefix: str) -> list[tuple[str, str]]:
    if isinstance(value, Mapping):
        return [
            pair
            for name, inner in value.items()
            for pair in _flat(inner, f"{prefix}.{name}" if prefix else str(name))
        ]
    if isinstance(value, list):
        return [pair for i, inner in enumerate(value) for pair in _flat(inner, f"{prefix}.{i}")]
    if value is None:
        return []
    if isinstance(value, bool):
        return [(prefix, "true" if value else "false")]
    return [(prefix, str(value))]
