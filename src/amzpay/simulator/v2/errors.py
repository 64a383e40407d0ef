"""The errors API v2 answers with: ``{"reasonCode": ..., "message": ...}`` and an HTTP status
(amazonpay-api.md §C.6).

    V2Error          one of Amazon's v2 errors, raised anywhere in a call
    from_legacy      the same complaint, from the legacy parts the v2 side reuses

The 400 and 401 codes are the ones Amazon's error-handling page lists; the statuses of the
others (state errors and declines 422, signature 401) are the ones plugins map them from.
"""

from __future__ import annotations

import json
from typing import Final

from ..errors import ApiError

_STATUS: Final[dict[str, int]] = {
    "InvalidHeaderValue": 400,
    "InvalidRequest": 400,
    "InvalidParameterValue": 400,
    "InvalidRequestFormat": 400,
    "MissingHeader": 400,
    "MissingHeaderValue": 400,
    "MissingParameterValue": 400,
    "UnrecognizedField": 400,
    "InvalidSandboxSimulationSpecified": 400,
    "DuplicateIdempotencyKey": 400,
    "InvalidParameterCombination": 400,
    "CurrencyMismatch": 400,
    "InvalidAPIVersion": 400,
    "UnauthorizedAccess": 401,
    "InvalidRequestSignature": 401,
    "InvalidAccountStatus": 403,
    "ResourceNotFound": 404,
    "UnsupportedOperation": 405,
    "InvalidChargeStatus": 422,
    "InvalidChargePermissionStatus": 422,
    "ChargePermissionNotModifiable": 422,
    "InvalidCheckoutSessionStatus": 422,
    "CheckoutSessionCanceled": 422,
    "TransactionAmountExceeded": 422,
    "TransactionCountExceeded": 422,
    "TransactionTimedOut": 422,
    "SoftDeclined": 422,
    "HardDeclined": 422,
    "AmazonRejected": 422,
    "ProcessingFailure": 422,
    "TooManyRequests": 429,
    "InternalServerError": 500,
    "ServiceUnavailable": 503,
}


class V2Error(Exception):
    """Raised anywhere in a v2 call to answer Amazon's error ``code`` instead of a result."""

    def __init__(self, code: str, message: str) -> None:
        self.code, self.message = code, message
        self.http_status = _STATUS[code]
        super().__init__(f"{code}: {message}")

    @property
    def body(self) -> bytes:
        return json.dumps({"reasonCode": self.code, "message": self.message}).encode()


def from_legacy(error: ApiError) -> V2Error:
    """A legacy helper's complaint (an amount, a currency) as the v2 error of that name."""
    return V2Error(error.code, error.message)


def missing(name: str) -> V2Error:
    return V2Error("MissingParameterValue", f"The parameter {name} is required.")


def invalid(name: str, value: object) -> V2Error:
    return V2Error("InvalidParameterValue", f"The value {value!r} is invalid for {name}.")
