"""Reference ids: unique per seller across Authorize, Capture and Refund (amazonpay-api.md §A.8).

A repeat with the same id and the same parameters gets the original result; with other
parameters on the same object, DuplicateRequest; the id used for another operation or on
another object, DuplicateReferenceId. Only calls that succeeded take an id: a refused call
leaves it free.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element

from .errors import ApiError

# operation -> (its reference id parameter, the parameter naming the object it acts on)
KEYED: dict[str, tuple[str, str]] = {
    "Authorize": ("AuthorizationReferenceId", "AmazonOrderReferenceId"),
    "Capture": ("CaptureReferenceId", "AmazonAuthorizationId"),
    "Refund": ("RefundReferenceId", "AmazonCaptureId"),
}
# Parameters of the envelope, not of the request: a retry re-signs with a new Timestamp.
_ENVELOPE = frozenset(
    {"AWSAccessKeyId", "Signature", "SignatureMethod", "SignatureVersion", "Timestamp"}
    | {"Version", "MWSAuthToken", "SellerId"}
)


@dataclass(frozen=True)
class _Use:
    action: str
    target: str
    fingerprint: frozenset[tuple[str, str]]
    result: Element


class ReferenceIds:
    """Every reference id a seller has used, with the call that used it."""

    def __init__(self) -> None:
        self._used: dict[tuple[str, str], _Use] = {}

    def replay(self, seller_id: str, action: str, params: Mapping[str, str]) -> Element | None:
        """The original result of a repeated call, None for a new id; raises the Duplicate*
        errors for an id already used otherwise."""
        if action not in KEYED:
            return None
        id_name, target_name = KEYED[action]
        use = self._used.get((seller_id, params.get(id_name, "")))
        if use is None:
            return None
        if use.action != action or use.target != params.get(target_name):
            raise ApiError(
                "DuplicateReferenceId",
                f"The {id_name} {params[id_name]} has already been used by another request.",
            )
        if use.fingerprint != _fingerprint(params):
            raise ApiError(
                "DuplicateRequest",
                f"The {id_name} {params[id_name]} was already processed with other parameters.",
            )
        return use.result

    def remember(
        self, seller_id: str, action: str, params: Mapping[str, str], result: Element
    ) -> None:
        if action in KEYED:
            id_name, target_name = KEYED[action]
            use = _Use(action, params.get(target_name, ""), _fingerprint(params), result)
            self._used[(seller_id, params[id_name])] = use


def _fingerprint(params: Mapping[str, str]) -> frozenset[tuple[str, str]]:
    """The request's own parameters, amounts compared by value ("10.0" equals "10.00")."""
    return frozenset((k, _normal(k, v)) for k, v in params.items() if k not in _ENVELOPE)


def _normal(name: str, value: str) -> str:
    if not name.endswith(".Amount"):
        return value
    try:
        return str(Decimal(value).normalize())
    except InvalidOperation:
        return value
