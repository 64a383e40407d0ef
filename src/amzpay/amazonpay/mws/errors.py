"""What can go wrong talking to the legacy API, and the one function that decides which.

    AmazonPayError
    ├── InvalidRequest (ValueError)   refused here, before anything is sent
    ├── Declined                      Amazon said no to the payment: a normal outcome, never retried
    ├── PermanentError                Amazon refused the request; resending it cannot help
    │   ├── AuthenticationFailed      bad keys or signature, account not usable
    │   ├── ObjectNotFound            an unknown Amazon id or token
    │   ├── InvalidObjectState        the object's state forbids the operation
    │   ├── ReferenceIdConflict       a reference id already used differently
    │   ├── LimitExceeded             an amount or count above Amazon's limits
    │   └── UnexpectedResponse        a reply that cannot be read
    └── RetryableError                try again later, with the same reference id
        ├── Throttled                 503 RequestThrottled
        ├── ServiceUnavailable        500/502/503/504, InternalServerError, ServiceUnavailable
        └── TransportFailure          connection errors and timeouts: no reply at all

``from_response`` is the only place an Amazon error code or HTTP status becomes a class
(codes: Amazon Pay API reference, "Error codes"; retry rules: integration guide, "Handling
errors": retry 500, 502, 503 and 504 with exponential backoff and the same reference id).
"""

from __future__ import annotations

from typing import Final

from amzpay.amazonpay.mws.elements import WireError
from amzpay.amazonpay.mws.wire import ErrorBody, read_error

RETRYABLE_STATUSES: Final = frozenset({500, 502, 503, 504})


class AmazonPayError(Exception):
    """Base of every error of the legacy API client."""

    retryable: bool = False

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        http_status: int | None = None,
        request_id: str | None = None,
    ) -> None:
        self.code, self.http_status, self.request_id = code, http_status, request_id
        self.message = message
        msg = f"{code}: {message}" if code else message
        if request_id:
            msg += f" (RequestId {request_id})"
        super().__init__(msg)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, http_status={self.http_status!r}, "
            f"request_id={self.request_id!r})"
        )


class InvalidRequest(AmazonPayError, ValueError):
    """Raised before sending, for arguments Amazon would refuse: a malformed reference id, a
    non-positive amount, a note or descriptor longer than Amazon allows."""


class Declined(AmazonPayError):
    """Raised when Amazon declines the payment itself (``code`` is the reason, e.g.
    AmazonRejected). A normal business outcome: shown to staff, never retried."""


class PermanentError(AmazonPayError):
    """Raised when Amazon refuses the request for a reason resending cannot fix."""


class AuthenticationFailed(PermanentError):
    """Raised for SignatureDoesNotMatch, unknown keys, or an account that cannot be used."""


class ObjectNotFound(PermanentError):
    """Raised for an Amazon id or token Amazon does not know."""


class InvalidObjectState(PermanentError):
    """Raised when the order reference, authorization or capture is in a state that forbids
    the operation (e.g. CaptureNotRefundable)."""


class ReferenceIdConflict(PermanentError):
    """Raised when a reference id was already used for a different request."""


class LimitExceeded(PermanentError):
    """Raised when an amount or a count is above Amazon's limits."""


class UnexpectedResponse(PermanentError):
    """Raised for a reply whose body cannot be read as the expected XML."""


class RetryableError(AmazonPayError):
    """Base of the failures worth retrying, always with the same reference id."""

    retryable = True


class Throttled(RetryableError):
    """Raised when Amazon throttles the call (503 RequestThrottled)."""


class ServiceUnavailable(RetryableError):
    """Raised for 500, 502, 503 and 504 replies."""


class TransportFailure(RetryableError):
    """Raised when no reply arrived: connection refused or reset, timeouts. Amazon may or may
    not have processed the request, which is why retries reuse the reference id."""


_CLASSES: Final[dict[str, type[AmazonPayError]]] = {
    # Payment declines: Amazon's answer about the buyer's payment, not about our request.
    **dict.fromkeys(
        (
            "AmazonRejected",
            "InvalidPaymentMethod",
            "PaymentMethodNotAllowed",
            "ProcessingFailure",
            "TransactionTimedOut",
        ),
        Declined,
    ),
    **dict.fromkeys(
        (
            "SignatureDoesNotMatch",
            "InvalidAccessKeyId",
            "InvalidClientTokenId",
            "MissingAuthenticationToken",
            "UnauthorizedAccess",
            "AccessDenied",
            "InvalidAccountStatus",
        ),
        AuthenticationFailed,
    ),
    **dict.fromkeys(
        (
            "InvalidOrderReferenceId",
            "InvalidAuthorizationId",
            "InvalidCaptureId",
            "InvalidRefundId",
            "InvalidTransactionId",
            "InvalidAddressConsentToken",
        ),
        ObjectNotFound,
    ),
    **dict.fromkeys(
        (
            "InvalidOrderReferenceStatus",
            "OrderReferenceNotModifiable",
            "InvalidAuthorizationStatus",
            "CaptureNotRefundable",
            "ConstraintsExist",
            "InvalidCancelAttempt",
            "InvalidCloseAttempt",
        ),
        InvalidObjectState,
    ),
    **dict.fromkeys(("DuplicateReferenceId", "DuplicateRequest"), ReferenceIdConflict),
    **dict.fromkeys(
        (
            "TransactionAmountExceeded",
            "TransactionCountExceeded",
            "OrderReferenceCountExceeded",
            "PeriodicAmountExceeded",
        ),
        LimitExceeded,
    ),
    "RequestThrottled": Throttled,
    "InternalServerError": ServiceUnavailable,
    "ServiceUnavailable": ServiceUnavailable,
}
"""Amazon error code -> class. Codes not listed (InvalidParameterValue, MissingParameter,
CurrencyMismatch, InvalidSandboxSimulationSpecified, …) are PermanentError, unless the HTTP
status itself says retry."""


def from_response(http_status: int, body: bytes) -> AmazonPayError:
    """The error a non-success reply stands for.

    The code decides first; a code we do not know falls back on the HTTP status (500, 502, 503,
    504 are retryable, anything else permanent). A body that is not an ErrorResponse is
    retryable on those statuses (a proxy's HTML error page) and UnexpectedResponse otherwise.
    """
    try:
        error = read_error(body)
    except WireError:
        error = ErrorBody(None, None, None, None)
    cls = _CLASSES.get(error.code or "")
    if cls is None:
        retry = http_status in RETRYABLE_STATUSES
        if error.code is None:
            cls = ServiceUnavailable if retry else UnexpectedResponse
        else:
            cls = ServiceUnavailable if retry else PermanentError
    message = error.message or f"HTTP {http_status} from Amazon"
    return cls(message, code=error.code, http_status=http_status, request_id=error.request_id)
