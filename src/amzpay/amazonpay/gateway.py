"""The PaymentGateway port: what amzpay asks of Amazon Pay, in the domain's words.

Adapters implement ``PaymentGateway`` over one of Amazon's APIs (``mws/`` for the legacy
OffAmazonPayments 2013-01-01 API); the tests use an in-memory fake. Callers never see wire
formats: amounts are ``Money`` in the order's currency, states are ``PaymentState``, and
every answer about a payment object is an ``Observation``.

Three outcomes, kept apart (ARCHITECTURE.md, "Errors"):

- **Amazon answered**: the method returns an ``Observation``, whatever its state. A
  *declined* authorization, capture or refund is such an answer: a normal outcome, shown to
  staff, never retried. ``Observation.declined`` says so, and ``PaymentDeclined`` wraps one
  for callers that must stop on it.
- **Amazon refused the call** (``CallRefused``): invalid parameters, a state that does not
  allow the operation, a duplicate reference id with other data. Nothing happened at Amazon;
  retrying the same call cannot help. It carries Amazon's error code and message; a refused
  Refund call sends the items down the ``refund failed`` path.
- **The call failed** (``CallFailed``): transport error, HTTP 5xx, throttling. Whether
  Amazon acted is unknown, so it is retried later **with the same reference id**; Amazon
  answers a repeat with the first result (Amazon Pay API reference, "Refund": "If called
  multiple times, with unchanged parameters (including RefundReferenceId), the same result is
  produced").

Exception tree:

    GatewayError
    ├── PaymentDeclined      Amazon declined (an Observation in state DECLINED)
    ├── CallRefused          Amazon rejected the call: code, message, HTTP status
    └── CallFailed           retry later with the same reference id
        └── Throttled        Amazon's RequestThrottled (HTTP 503)

Imports the domain only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final, Protocol

from amzpay.domain.buyer import Buyer, ShippingAddress
from amzpay.domain.money import Money

SYNCHRONOUS: Final = timedelta(0)
"""``Authorize`` with TransactionTimeout 0: Amazon answers Open or Declined at once."""

ASYNCHRONOUS: Final = timedelta(minutes=1440)
"""Amazon's default TransactionTimeout: the answer may be Pending, the result follows."""


class ObjectKind(StrEnum):
    ORDER_REFERENCE = "order reference"
    AUTHORIZATION = "authorization"
    CAPTURE = "capture"
    REFUND = "refund"


class PaymentState(StrEnum):
    """Amazon's states (legacy API, "States and reason codes"), in our words."""

    DRAFT = "draft"
    PENDING = "pending"
    OPEN = "open"
    SUSPENDED = "suspended"
    DECLINED = "declined"
    COMPLETED = "completed"
    CLOSED = "closed"
    CANCELED = "canceled"


@dataclass(frozen=True, slots=True)
class Observation:
    """What Amazon said about one payment object at ``updated_at``.

    ``amount`` is the object's own amount (authorized, captured, refunded); ``settled`` what
    followed from it (captured of an authorization, refunded of a capture), when Amazon says.
    ``children`` are the Amazon ids Amazon lists under the object (an authorization's
    captures, a capture's refunds). ``reason_code`` is Amazon's, unchanged
    ("AmazonRejected", "MaxCapturesProcessed"); unknown codes are kept, never refused.
    ``order_reference_id`` is the Amazon order reference the object belongs to (an order
    reference's own id), when the adapter can tell; None when it cannot.
    """

    kind: ObjectKind
    amazon_id: str
    reference_id: str | None  # ours; an order reference has none
    state: PaymentState
    updated_at: datetime
    amount: Money | None = None
    settled: Money | None = None
    reason_code: str | None = None
    reason_description: str | None = None
    created_at: datetime | None = None
    expires_at: datetime | None = None
    children: tuple[str, ...] = ()
    soft_decline: bool = False
    order_reference_id: str | None = None

    @property
    def declined(self) -> bool:
        return self.state is PaymentState.DECLINED


@dataclass(frozen=True, slots=True)
class CheckoutDetails:
    """The buyer's order reference as the buyer's consent lets the shop see it at checkout:
    its state and total (``order_reference``), who buys, where it ships and the payment
    method chosen as Amazon describes it to the buyer ("Amazon Pay (Visa **11)"). Amazon may
    leave any of the three out; an address without a name or street is left out too."""

    order_reference: Observation
    buyer: Buyer | None
    shipping_address: ShippingAddress | None
    payment_descriptor: str | None


class GatewayError(Exception):
    """Base of what a gateway raises."""


class PaymentDeclined(GatewayError):
    """Amazon declined: a normal outcome, never retried. Gateways return declines as
    observations; callers that must stop raise this with it."""

    def __init__(self, observation: Observation) -> None:
        self.observation = observation
        reason = observation.reason_code or "no reason given"
        msg = f"{observation.kind} {observation.amazon_id} declined: {reason}"
        super().__init__(msg)


class CallRefused(GatewayError):
    """Amazon rejected the call itself; the same call will be rejected again."""

    def __init__(
        self, operation: str, code: str, message: str, *, http_status: int | None = None
    ) -> None:
        self.operation, self.code, self.message = operation, code, message
        self.http_status = http_status
        msg = f"{operation} refused by Amazon: {code}: {message}"
        super().__init__(msg)


class CallFailed(GatewayError):
    """The call's outcome is unknown (transport error, 5xx): retry with the same reference
    id after ``retry_after``; with a ``backoff_ceiling``, each further failure waits about
    twice as long, up to that ceiling."""

    def __init__(
        self,
        operation: str,
        reason: str,
        *,
        retry_after: timedelta = timedelta(seconds=30),
        backoff_ceiling: timedelta | None = None,
        http_status: int | None = None,
    ) -> None:
        self.operation, self.reason = operation, reason
        self.retry_after, self.http_status = retry_after, http_status
        self.backoff_ceiling = backoff_ceiling
        msg = f"{operation} failed, to be retried: {reason}"
        super().__init__(msg)


class Throttled(CallFailed):
    """Amazon's RequestThrottled (HTTP 503): over the operation's quota for now. The gateway
    sets ``retry_after`` and ``backoff_ceiling`` from the operation's quota."""


class PaymentGateway(Protocol):
    """Amazon Pay, as amzpay uses it. Every method may raise ``CallRefused`` or
    ``CallFailed``; none raises for a decline. Write calls carry our reference id, generated
    once and stored before the call, so that a retry is the same request."""

    def authorize(
        self,
        *,
        order_reference_id: str,
        reference_id: str,
        amount: Money,
        capture_now: bool = False,
        transaction_timeout: timedelta = ASYNCHRONOUS,
        note: str | None = None,
    ) -> Observation:
        """Authorize ``amount`` on the order reference. With ``capture_now`` the money is
        captured too and the observation lists the capture's Amazon id in ``children``
        (the capture's reference id is then ``reference_id``)."""

    def capture(
        self, *, authorization_id: str, reference_id: str, amount: Money, note: str | None = None
    ) -> Observation: ...

    def close_authorization(self, *, authorization_id: str, reason: str | None = None) -> None: ...

    def close_order_reference(self, *, order_reference_id: str, reason: str | None = None) -> None:
        """Close the order reference: no new authorizations; refunds remain possible."""

    def cancel_order_reference(self, *, order_reference_id: str, reason: str | None = None) -> None:
        """Cancel the order reference; Amazon refuses once anything is captured."""

    def refund(
        self, *, capture_id: str, reference_id: str, amount: Money, note: str | None = None
    ) -> Observation:
        """Ask Amazon to refund ``amount`` of a capture; the answer is Pending (legacy API:
        always), the result follows by IPN or ``refund_details``."""

    def set_order_reference_details(
        self,
        order_reference_id: str,
        amount: Money,
        seller_order_id: str,
        note: str | None = None,
    ) -> Observation:
        """Give the buyer's Draft order reference our order's total and number (Amazon:
        SetOrderReferenceDetails, allowed only while Draft). The observation is the order
        reference, still Draft, with ``amount`` the order total."""

    def confirm_order_reference(self, order_reference_id: str) -> None:
        """Confirm the Draft order reference: it becomes Open and may be authorized. Amazon
        refuses while constraints exist (``ConstraintsExist``) or once it is not Draft."""

    def order_reference_details(self, order_reference_id: str) -> Observation: ...

    def checkout_details(self, order_reference_id: str, *, consent_token: str) -> CheckoutDetails:
        """The buyer, the shipping address and the payment method of the buyer's order
        reference, read with the buyer's consent token (the access token the sign-in gave
        the shop's page). A token that is unknown, expired or another buyer's is refused
        (``CallRefused``)."""

    def authorization_details(self, authorization_id: str) -> Observation: ...

    def capture_details(self, capture_id: str) -> Observation: ...

    def refund_details(self, refund_id: str) -> Observation: ...
