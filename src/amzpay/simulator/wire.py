"""Amazon's XML: the response and error envelopes and the four ``*Details`` elements.

Element names, order and namespace follow Amazon's datatype pages as summarised in
amazonpay-api.md §A.3 and §A.5. The namespace is written as a plain ``xmlns`` attribute on the
root, so every child is in it without a prefix, as in Amazon's own answers.

Every text goes through ``xml_text``: a value a caller sent (an id, a note) may hold characters
XML 1.0 cannot carry, and an answer that repeats it must still parse.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from xml.etree.ElementTree import Element, SubElement, tostring

from .buyers import PAYMENT_METHODS
from .clock import amazon_timestamp
from .errors import ApiError
from .model import Authorization, Capture, OrderReference, Price, Refund, Status
from .money import format_amount

NAMESPACE = "http://mws.amazonservices.com/schema/OffAmazonPayments/2013-01-01"


# XML 1.0 §2.2 "Char": tab, LF, CR and everything from U+0020 but the surrogates, U+FFFE, U+FFFF.
_NOT_XML_CHAR = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

Result = Element | Sequence[Element] | None


def xml_text(value: str) -> str:
    """``value`` with each character XML cannot carry written as a visible escape
    (``\\x01``, ``\\ufffe``), so the answer stays well-formed and says what was sent."""
    return _NOT_XML_CHAR.sub(_escape, value)


def _escape(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def response(action: str, result: Result, request_id: str) -> bytes:
    """``<{Action}Response>`` with its (possibly empty) ``<{Action}Result>`` and metadata;
    ``result`` is the one element the result holds, or several (GetServiceStatus)."""
    root = Element(f"{action}Response", {"xmlns": NAMESPACE})
    result_element = SubElement(root, f"{action}Result")
    if isinstance(result, Element):
        result_element.append(result)
    elif result is not None:
        result_element.extend(result)
    metadata = SubElement(root, "ResponseMetadata")
    _text(metadata, "RequestId", request_id)
    return _document(root)


def error_response(error: ApiError, request_id: str) -> bytes:
    """``<ErrorResponse>``; a throttled answer spells ``RequestID`` as Amazon's does (§A.3)."""
    root = Element("ErrorResponse", {"xmlns": NAMESPACE})
    body = SubElement(root, "Error")
    _text(body, "Type", error.error_type)
    _text(body, "Code", error.code)
    _text(body, "Message", error.message)
    _text(root, "RequestID" if error.code == "RequestThrottled" else "RequestId", request_id)
    return _document(root)


def order_reference_details(order: OrderReference, full: bool) -> Element:
    """``OrderReferenceDetails``; ``full`` adds the buyer's name, contact and street address
    and the payment method chosen (with its account's last digits), which Amazon only shows
    once the order is confirmed or to a caller holding the buyer's access token."""
    root = Element("OrderReferenceDetails")
    _text(root, "AmazonOrderReferenceId", order.id)
    if full:
        buyer = SubElement(root, "Buyer")
        _text(buyer, "Name", order.buyer.name)
        _text(buyer, "Email", order.buyer.email)
        _optional(buyer, "Phone", order.buyer.phone)
    if order.total is not None:
        _price(root, "OrderTotal", order.total)
    _optional(root, "SellerNote", order.seller_note)
    _optional(root, "PlatformId", order.platform_id)
    _destination(root, order, full)
    if full:
        _payment_descriptor(root, order)
    _text(root, "ReleaseEnvironment", "Sandbox" if order.sandbox else "Live")
    _seller_order_attributes(root, order)
    _provider_attributes(root, order)
    _status(root, "OrderReferenceStatus", order.status)
    if order.constraints:
        constraints = SubElement(root, "Constraints")
        for constraint in order.constraints:
            item = SubElement(constraints, "Constraint")
            _text(item, "ConstraintID", constraint)
            _text(item, "Description", f"The order reference has the constraint {constraint}.")
    _text(root, "CreationTimestamp", amazon_timestamp(order.created))
    _text(root, "ExpirationTimestamp", amazon_timestamp(order.expires))
    _id_list(root, order.authorization_ids)
    if order.request_payment_authorization is not None:
        _flag(root, "RequestPaymentAuthorization", order.request_payment_authorization)
    return root


def order_reference_summary(order: OrderReference) -> Element:
    """One ``OrderReference`` of a ListOrderReference answer, with the elements (and in the
    order) of Amazon's sample ListOrderReferenceResponse."""
    root = Element("OrderReference")
    _text(root, "ReleaseEnvironment", "Sandbox" if order.sandbox else "Live")
    _status(root, "OrderReferenceStatus", order.status)
    _text(root, "AmazonOrderReferenceId", order.id)
    _text(root, "CreationTimestamp", amazon_timestamp(order.created))
    _seller_order_attributes(root, order)
    if order.total is not None:
        _price(root, "OrderTotal", order.total)
    return root


def order_reference_notice(order: OrderReference) -> Element:
    """The ``OrderReference`` element of an OrderReferenceNotification (§B.4)."""
    root = Element("OrderReference")
    _text(root, "AmazonOrderReferenceId", order.id)
    if order.total is not None:
        _price(root, "OrderTotal", order.total)
    _seller_order_attributes(root, order)
    _status(root, "OrderReferenceStatus", order.status)
    _text(root, "CreationTimestamp", amazon_timestamp(order.created))
    _text(root, "ExpirationTimestamp", amazon_timestamp(order.expires))
    return root


def authorization_details(auth: Authorization, captured: Decimal | None = None) -> Element:
    """``AuthorizationDetails``; ``captured`` replaces the amount captured so far (an
    Authorize with CaptureNow answers 0, as Amazon's sample AuthorizeResponse does)."""
    root = Element("AuthorizationDetails")
    _text(root, "AmazonAuthorizationId", auth.id)
    _text(root, "AuthorizationReferenceId", auth.reference_id)
    _text(root, "SellerAuthorizationNote", auth.note or "")
    _price(root, "AuthorizationAmount", auth.amount)
    _total(root, "CapturedAmount", auth.captured if captured is None else captured, auth.amount)
    _zero(root, "AuthorizationFee", auth.amount.currency)
    _id_list(root, auth.capture_ids)
    _text(root, "CreationTimestamp", amazon_timestamp(auth.created))
    _text(root, "ExpirationTimestamp", amazon_timestamp(auth.expires))
    _status(root, "AuthorizationStatus", auth.status)
    _text(root, "CaptureNow", "true" if auth.capture_now else "false")
    _optional(root, "SoftDescriptor", auth.soft_descriptor)
    if auth.soft_decline is not None:
        _text(root, "SoftDecline", "true" if auth.soft_decline else "false")
    return root


def capture_details(capture: Capture) -> Element:
    root = Element("CaptureDetails")
    _text(root, "AmazonCaptureId", capture.id)
    _text(root, "CaptureReferenceId", capture.reference_id)
    _text(root, "SellerCaptureNote", capture.note or "")
    _price(root, "CaptureAmount", capture.amount)
    _total(root, "RefundedAmount", capture.refunded, capture.amount)
    _zero(root, "CaptureFee", capture.amount.currency)
    _id_list(root, capture.refund_ids)
    _text(root, "CreationTimestamp", amazon_timestamp(capture.created))
    _status(root, "CaptureStatus", capture.status)
    _optional(root, "SoftDescriptor", capture.soft_descriptor)
    return root


def refund_details(refund: Refund) -> Element:
    root = Element("RefundDetails")
    _text(root, "AmazonRefundId", refund.id)
    _text(root, "RefundReferenceId", refund.reference_id)
    _text(root, "SellerRefundNote", refund.note or "")
    _text(root, "RefundType", refund.refund_type)
    _price(root, "RefundAmount", refund.amount)
    _zero(root, "FeeRefunded", refund.amount.currency)
    _text(root, "CreationTimestamp", amazon_timestamp(refund.created))
    _status(root, "RefundStatus", refund.status)
    _optional(root, "SoftDescriptor", refund.soft_descriptor)
    return root


def _destination(root: Element, order: OrderReference, full: bool) -> None:
    address = order.buyer.address
    destination = SubElement(root, "Destination")
    _text(destination, "DestinationType", "Physical")
    physical = SubElement(destination, "PhysicalDestination")
    if full:
        _text(physical, "Name", address.name)
        _text(physical, "AddressLine1", address.line1)
    _text(physical, "City", address.city)
    _optional(physical, "StateOrRegion", address.state_or_region)
    _text(physical, "PostalCode", address.postal_code)
    _text(physical, "CountryCode", address.country_code)
    if full:
        _optional(physical, "Phone", address.phone)


def _seller_order_attributes(root: Element, order: OrderReference) -> None:
    attributes = order.seller_order
    if attributes == type(attributes)():
        return
    element = SubElement(root, "SellerOrderAttributes")
    _optional(element, "SellerOrderId", attributes.seller_order_id)
    _optional(element, "StoreName", attributes.store_name)
    _optional(element, "CustomInformation", attributes.custom_information)
    _optional(element, "SupplementaryData", attributes.supplementary_data)
    if attributes.item_categories:
        categories = SubElement(element, "OrderItemCategories")
        for category in attributes.item_categories:
            _text(categories, "OrderItemCategory", category)


def _provider_attributes(root: Element, order: OrderReference) -> None:
    provider = order.provider
    if provider.provider_id is None and provider.provider_order_id is None:
        return
    element = SubElement(root, "PaymentServiceProviderAttributes")
    _optional(element, "PaymentServiceProviderId", provider.provider_id)
    _optional(element, "PaymentServiceProviderOrderId", provider.provider_order_id)


def _payment_descriptor(root: Element, order: OrderReference) -> None:
    method = PAYMENT_METHODS[order.buyer.payment_method]
    element = SubElement(root, "PaymentDescriptor")
    _text(element, "Name", method.name)
    _text(element, "AccountNumberTail", method.tail)
    _text(element, "FullDescriptor", method.full_descriptor)
    _flag(element, "UseAmazonBalanceFirst", False)


def _status(parent: Element, tag: str, status: Status) -> None:
    element = SubElement(parent, tag)
    _text(element, "State", status.state)
    _text(element, "LastUpdateTimestamp", amazon_timestamp(status.last_update))
    _optional(element, "ReasonCode", status.reason_code)
    _optional(element, "ReasonDescription", status.reason_description)


def _price(parent: Element, tag: str, price: Price) -> None:
    element = SubElement(parent, tag)
    _text(element, "Amount", format_amount(price.amount, price.currency))
    _text(element, "CurrencyCode", price.currency)


def _zero(parent: Element, tag: str, currency: str) -> None:
    _price(parent, tag, Price(Decimal(0), currency))


def _total(parent: Element, tag: str, amount: Decimal, of: Price) -> None:
    """A running total (captured, refunded) in ``of``'s currency: Amazon's samples write
    nothing yet as ``0``, where fees stay ``0.00`` (§A.5)."""
    element = SubElement(parent, tag)
    _text(element, "Amount", format_amount(amount, of.currency) if amount else "0")
    _text(element, "CurrencyCode", of.currency)


def _flag(parent: Element, tag: str, value: bool) -> None:
    _text(parent, tag, "true" if value else "false")


def _id_list(parent: Element, ids: list[str]) -> None:
    element = SubElement(parent, "IdList")
    for member in ids:
        _text(element, "member", member)


def _optional(parent: Element, tag: str, value: str | None) -> None:
    if value is not None:
        _text(parent, tag, value)


def _text(parent: Element, tag: str, value: str) -> Element:
    element = SubElement(parent, tag)
    element.text = xml_text(value)
    return element


def _document(root: Element) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode").encode()
