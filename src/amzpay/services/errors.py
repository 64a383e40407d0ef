"""The services' exception tree: what a caller (the web layer, the command line) maps.

    ServiceError
    ├── InvalidOrderSpec (ValueError)     an order to import is malformed; ``field`` names where
    │   └── ProcessNotForApi              the process chosen runs the other Amazon API's orders
    ├── NoteTooLong (ValueError)          a note longer than Amazon takes
    ├── OrderReferenceNotOpen             an event that asks Amazon for an authorization while
    │                                     the order reference takes none (Suspended, Closed)
    ├── CheckoutRefused                   Amazon refused the buyer's checkout: ``code`` names why
    ├── IpnRejected (ValueError)          an IPN failed verification: answer 4xx, Amazon stops
    ├── IpnDeferred (RuntimeError)        an IPN cannot be verified now: answer 5xx, Amazon retries
    └── IpnNotStored (RuntimeError)       an IPN could not be stored: answer 5xx, Amazon retries

The domain's, the OMS's and the store's errors pass through unchanged (RefundError,
OmsError, OrderNotFound): each already says what went wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from amzpay.domain.order import AmazonApi


class ServiceError(Exception):
    """Base of the services' own errors."""


class InvalidOrderSpec(ServiceError, ValueError):
    """Raised when an order to import is malformed; ``field`` is its path in the spec
    (``lines[1].unit_price``)."""

    def __init__(self, field: str, reason: str) -> None:
        self.field, self.reason = field, reason
        super().__init__(f"{field}: {reason}")


class ProcessNotForApi(InvalidOrderSpec):
    """Raised when an order is to follow a process made for the other Amazon API: its states
    and calls are that API's. ``choices`` are the processes of the order's API."""

    def __init__(
        self, process: str, process_api: AmazonApi, order_api: AmazonApi, choices: Sequence[str]
    ) -> None:
        self.process, self.process_api, self.order_api = process, process_api, order_api
        self.choices = tuple(choices)
        super().__init__(
            "process",
            f"process {process!r} runs orders paid through {API_WORDS[process_api]}, and this "
            f"order is paid through {API_WORDS[order_api]}; choose one of "
            f"{', '.join(self.choices)}",
        )


API_WORDS: Final = {AmazonApi.LEGACY: "the legacy API", AmazonApi.V2: "API v2"}


class NoteTooLong(ServiceError, ValueError):
    """Raised when a note for Amazon is longer than the ``limit`` it accepts."""

    def __init__(self, length: int, limit: int) -> None:
        self.length, self.limit = length, limit
        super().__init__(f"a note of {length} characters; Amazon takes at most {limit}")


class CheckoutRefused(ServiceError):
    """Raised when Amazon refuses a step of the buyer's checkout; ``code`` names the cause
    (``consent_token_invalid``, ``order_reference_not_found``, ``order_reference_not_draft``,
    ``amount_refused``, ``payment_method_declined``, ``constraints_exist``), ``status`` is the
    HTTP status that fits it and ``field`` the request's field at fault, if one is. Nothing
    was stored."""

    def __init__(self, code: str, message: str, *, status: int, field: str | None = None) -> None:
        self.code, self.status, self.field = code, status, field
        super().__init__(message)

    @property
    def choose_another_payment_method(self) -> bool:
        """Whether the buyer may still pay by choosing another payment method in Amazon's
        wallet (then place the order again)."""
        return self.code == "payment_method_declined"


class OrderReferenceNotOpen(ServiceError):
    """Raised when ``event`` would ask Amazon for an authorization while the order
    reference is ``state``: Amazon authorizes only on an Open order reference (Amazon Pay API
    reference, "Authorize": InvalidOrderReferenceStatus). Nothing changed."""

    def __init__(self, order: str, event: str, state: str) -> None:
        self.order, self.event, self.state = order, event, state
        if state == "suspended":
            then = (
                "the buyer must first choose another payment method; amzpay authorizes again "
                "by itself once Amazon opens the order reference"
            )
        else:
            then = "Amazon takes no new authorization on it"
        super().__init__(
            f"{event!r} is not possible while Amazon's order reference of order {order} is "
            f"{state}: {then}"
        )


class IpnRejected(ServiceError, ValueError):
    """Raised when an IPN fails verification; ``http_status`` 400 (Amazon does not retry a
    4xx, right for a message that will never verify). Nothing was stored."""

    http_status = 400

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"IPN rejected: {reason}")


class IpnDeferred(ServiceError, RuntimeError):
    """Raised when an IPN cannot be verified now (its certificate is not fetched at this
    moment, or its host failed for now); ``http_status`` 503, so that Amazon delivers it
    again later. Nothing was stored."""

    http_status = 503

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"IPN not verified now: {reason}")


class IpnNotStored(ServiceError, RuntimeError):
    """Raised when a verified IPN could not be stored; ``http_status`` 503, so that Amazon
    delivers it again later (it retries 5xx answers for 14 days)."""

    http_status = 503

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"IPN not stored: {reason}")
