"""The legacy API's XML, read into typed, frozen values.

Responses are ``<{Action}Response><{Action}Result><…Details>…</…Details></{Action}Result>
<ResponseMetadata><RequestId>…`` (Amazon Pay API reference, each operation's "Response
elements"); errors are ``<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId>``,
where the throttled form spells ``RequestID`` (research: amazonpay-api.md A.3). The same
``…Details`` elements travel inside IPN NotificationData, so ``ipn`` reuses these readers.

Amounts become ``Money`` in the currency the element names, never floats. Buyer data (Buyer,
Destination, BillingAddress, notes) is deliberately not read here, so that polls and IPNs
never carry it; only the checkout's read with the buyer's consent token does (``checkout``).

Errors are those of ``elements``: MalformedXml, MissingElement, InvalidValue (all WireError).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from amzpay.amazonpay.mws.elements import MissingElement, Node, parse_xml
from amzpay.domain.money import Money

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Status:
    """An object's ``…Status``: Amazon's state and reason code, kept as Amazon spells them
    (unknown reason codes must be accepted: research A.7)."""

    state: str
    reason_code: str | None
    reason_description: str | None
    last_update: datetime | None


@dataclass(frozen=True, slots=True)
class OrderReferenceDetails:
    amazon_order_reference_id: str
    status: Status
    order_total: Money | None
    release_environment: str | None
    seller_order_id: str | None
    authorization_ids: tuple[str, ...]
    created_at: datetime | None
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class AuthorizationDetails:
    amazon_authorization_id: str
    authorization_reference_id: str
    amount: Money
    captured_amount: Money | None
    fee: Money | None
    status: Status
    capture_ids: tuple[str, ...]
    capture_now: bool
    soft_decline: bool | None
    created_at: datetime | None
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class CaptureDetails:
    amazon_capture_id: str
    capture_reference_id: str
    amount: Money
    refunded_amount: Money | None
    fee: Money | None
    status: Status
    refund_ids: tuple[str, ...]
    created_at: datetime | None


@dataclass(frozen=True, slots=True)
class RefundDetails:
    amazon_refund_id: str
    refund_reference_id: str
    refund_type: str | None
    amount: Money
    fee_refunded: Money | None
    status: Status
    created_at: datetime | None


@dataclass(frozen=True, slots=True)
class ServiceStatus:
    """GetServiceStatus: ``GREEN``, ``GREEN_I``, ``YELLOW`` or ``RED``, and when Amazon
    evaluated it."""

    status: str
    evaluated_at: datetime | None


@dataclass(frozen=True, slots=True)
class OrderReferencePage:
    """A page of ListOrderReference(ByNextToken), and the token of the next one if any."""

    order_references: tuple[OrderReferenceDetails, ...]
    next_page_token: str | None


@dataclass(frozen=True, slots=True)
class Reply(Generic[T]):
    """What an operation returned, with the RequestId Amazon gave the call."""

    value: T
    request_id: str | None


@dataclass(frozen=True, slots=True)
class ErrorBody:
    """The fields of an ``ErrorResponse``; every one may be missing from a broken reply."""

    type: str | None
    code: str | None
    message: str | None
    request_id: str | None


# -- element readers (shared with ipn) ---------------------------------------------------------


def read_status(node: Node, name: str) -> Status:
    status = node.child(name)
    return Status(
        state=status.text("State"),
        reason_code=status.optional_text("ReasonCode"),
        reason_description=status.optional_text("ReasonDescription"),
        last_update=status.optional_timestamp("LastUpdateTimestamp"),
    )


def read_order_reference(node: Node) -> OrderReferenceDetails:
    attributes = node.find("SellerOrderAttributes")
    return OrderReferenceDetails(
        amazon_order_reference_id=node.text("AmazonOrderReferenceId"),
        status=read_status(node, "OrderReferenceStatus"),
        order_total=node.optional_money("OrderTotal"),
        release_environment=node.optional_text("ReleaseEnvironment"),
        seller_order_id=attributes.optional_text("SellerOrderId")
        if attributes is not None
        else None,
        authorization_ids=node.ids("IdList"),
        created_at=node.optional_timestamp("CreationTimestamp"),
        expires_at=node.optional_timestamp("ExpirationTimestamp"),
    )


def read_authorization(node: Node) -> AuthorizationDetails:
    return AuthorizationDetails(
        amazon_authorization_id=node.text("AmazonAuthorizationId"),
        authorization_reference_id=node.text("AuthorizationReferenceId"),
        amount=node.money("AuthorizationAmount"),
        captured_amount=node.optional_money("CapturedAmount"),
        fee=node.optional_money("AuthorizationFee"),
        status=read_status(node, "AuthorizationStatus"),
        capture_ids=node.ids("IdList"),
        capture_now=node.optional_boolean("CaptureNow") or False,
        soft_decline=node.optional_boolean("SoftDecline"),
        created_at=node.optional_timestamp("CreationTimestamp"),
        expires_at=node.optional_timestamp("ExpirationTimestamp"),
    )


def read_capture(node: Node) -> CaptureDetails:
    return CaptureDetails(
        amazon_capture_id=node.text("AmazonCaptureId"),
        capture_reference_id=node.text("CaptureReferenceId"),
        amount=node.money("CaptureAmount"),
        refunded_amount=node.optional_money("RefundedAmount"),
        fee=node.optional_money("CaptureFee"),
        status=read_status(node, "CaptureStatus"),
        refund_ids=node.ids("IdList"),
        created_at=node.optional_timestamp("CreationTimestamp"),
    )


def read_refund(node: Node) -> RefundDetails:
    return RefundDetails(
        amazon_refund_id=node.text("AmazonRefundId"),
        refund_reference_id=node.text("RefundReferenceId"),
        refund_type=node.optional_text("RefundType"),
        amount=node.money("RefundAmount"),
        fee_refunded=node.optional_money("FeeRefunded"),
        status=read_status(node, "RefundStatus"),
        created_at=node.optional_timestamp("CreationTimestamp"),
    )


def read_service_status(result: Node) -> ServiceStatus:
    """A ``GetServiceStatusResult``: its elements sit straight in the result."""
    return ServiceStatus(result.text("Status"), result.optional_timestamp("Timestamp"))


def read_account_status(result: Node) -> str:
    """A ``GetMerchantAccountStatusResult``'s ``AccountStatus`` (ACTIVE or INACTIVE)."""
    return result.text("AccountStatus")


def read_order_reference_page(result: Node) -> OrderReferencePage:
    """A ``ListOrderReference(ByNextToken)Result``: each ``OrderReference`` carries the
    fields of OrderReferenceDetails that a list shows (id, status, total, seller order id)."""
    listed = result.find("OrderReferenceList")
    found = listed.children("OrderReference") if listed is not None else iter(())
    return OrderReferencePage(
        tuple(read_order_reference(order) for order in found),
        result.optional_text("NextPageToken"),
    )


# -- whole responses ---------------------------------------------------------------------------


def _request_id(root: Node) -> str | None:
    # NA answers RequestId, the EU endpoint and throttled replies RequestID (research A.3).
    for name in ("RequestId", "RequestID"):
        found = root.descendant(name)
        if found is not None and found.value:
            return found.value
    return None


def read_reply(body: bytes, details: str, reader: Callable[[Node], T]) -> Reply[T]:
    """The ``details`` element of a successful response, read by ``reader``.

    Raises:
        MalformedXml, MissingElement, InvalidValue: the body is not the expected response.
    """
    root = parse_xml(body)
    node = root.descendant(details)
    if node is None:
        raise MissingElement(f"{root.name}//{details}")
    return Reply(reader(node), _request_id(root))


def read_acknowledgement(body: bytes) -> Reply[None]:
    """A response with an empty result (Confirm, Cancel, Close): only its RequestId."""
    return Reply(None, _request_id(parse_xml(body)))


def read_error(body: bytes) -> ErrorBody:
    """The fields of an ``ErrorResponse`` (raises MalformedXml when it is not XML)."""
    root = parse_xml(body)
    error = root.find("Error")
    if error is None:
        error = root
    return ErrorBody(
        type=error.optional_text("Type"),
        code=error.optional_text("Code"),
        message=error.optional_text("Message"),
        request_id=_request_id(root),
    )
