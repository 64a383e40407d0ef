"""The errors the simulated API answers with, as Amazon names them.

    ApiError               one Amazon error: code, HTTP status, Type and message

Each code's HTTP status and Type follow amazonpay-api.md §A.9 (Amazon's error-codes page);
where the research marks a status unconfirmed, docs/simulator.md says what was chosen.
"""

from __future__ import annotations

from typing import Final

# code -> (HTTP status, <Type>): Sender errors are the caller's fault, Receiver ones Amazon's.
_STATUS: Final[dict[str, tuple[int, str]]] = {
    "MissingParameter": (400, "Sender"),
    "InvalidParameterValue": (400, "Sender"),
    "InvalidAction": (400, "Sender"),
    "RequestExpired": (400, "Sender"),
    "InvalidAccessKeyId": (403, "Sender"),
    "SignatureDoesNotMatch": (403, "Sender"),
    "UnauthorizedAccess": (401, "Sender"),
    "InvalidOrderReferenceId": (404, "Sender"),
    "InvalidAddressConsentToken": (404, "Sender"),
    "InvalidTransactionId": (404, "Sender"),
    "OrderReferenceNotModifiable": (405, "Sender"),
    "InvalidOrderReferenceStatus": (405, "Sender"),
    "InvalidAuthorizationStatus": (405, "Sender"),
    "CaptureNotRefundable": (405, "Sender"),
    "ConstraintsExist": (400, "Sender"),
    "CurrencyMismatch": (400, "Sender"),
    "DuplicateReferenceId": (400, "Sender"),
    "DuplicateRequest": (400, "Sender"),
    "TransactionAmountExceeded": (400, "Sender"),
    "TransactionCountExceeded": (400, "Sender"),
    "InvalidSandboxSimulationSpecified": (400, "Sender"),
    # Amazon's Throttled.xml carries an empty <Type> (§A.3).
    "RequestThrottled": (503, ""),
    "ServiceUnavailable": (503, "Receiver"),
    "InternalServerError": (500, "Receiver"),
}


class ApiError(Exception):
    """Raised anywhere in a call to answer Amazon's error ``code`` instead of a result."""

    def __init__(self, code: str, message: str) -> None:
        self.code, self.message = code, message
        self.http_status, self.error_type = _STATUS[code]
        self.request_id: str | None = None
        super().__init__(f"{code}: {message}")


def missing(name: str) -> ApiError:
    """The error for a required parameter that was not sent."""
    return ApiError("MissingParameter", f"The request must contain the parameter {name}.")


def invalid(name: str, value: str) -> ApiError:
    """The error for a parameter value Amazon would not accept."""
    return ApiError(
        "InvalidParameterValue", f"The Value '{value}' is invalid for the Parameter '{name}'"
    )
