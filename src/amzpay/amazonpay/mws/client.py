"""The legacy Amazon Pay API (OffAmazonPayments 2013-01-01): one typed method per operation.

    client = MwsClient(httpx.Client(timeout=10), Endpoint.of(Region.EU, Environment.SANDBOX),
                       Credentials(seller_id, access_key_id, secret_key))
    reply = client.refund("S02-…-C000001", "rf-0001", Money(1230, "EUR"))
    reply.value.status.state   # "Pending": legacy refunds always are (research A.7)

Amounts are ``Money`` and travel in their own currency (the order's), as decimal strings.
Parameter names follow the Amazon Pay API reference page of each operation. Arguments Amazon
would refuse for certain (a malformed reference id, a non-positive amount, an over-long note)
raise ``InvalidRequest`` before anything is sent.

Raises the errors of ``mws.errors``: Declined, PermanentError (and subclasses), RetryableError
(after the retries are spent), InvalidRequest.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final, TypeVar

import httpx

from amzpay.amazonpay.calllog import CallLog
from amzpay.amazonpay.mws import wire
from amzpay.amazonpay.mws.checkout import BuyerView, read_buyer_view
from amzpay.amazonpay.mws.elements import Node
from amzpay.amazonpay.mws.errors import InvalidRequest
from amzpay.amazonpay.mws.regions import Endpoint
from amzpay.amazonpay.mws.transport import Credentials, MwsTransport, Pacing
from amzpay.amazonpay.mws.wire import (
    AuthorizationDetails,
    CaptureDetails,
    OrderReferenceDetails,
    OrderReferencePage,
    RefundDetails,
    Reply,
    ServiceStatus,
)
from amzpay.domain.money import Money

# Authorize, Capture and Refund reference ids: "a-z A-Z 0-9 - _", at most 32 characters,
# unique per seller (Amazon Pay API reference, "Refund": RefundReferenceId).
_REFERENCE_ID: Final = re.compile(r"[A-Za-z0-9_-]{1,32}")
# SellerAuthorizationNote, SellerCaptureNote, SellerRefundNote and ClosureReason: 255.
_NOTE_MAX: Final = 255
_SOFT_DESCRIPTOR_MAX: Final = 16
_ORDER_REFERENCE: Final = "OrderReferenceDetails"
_AUTHORIZATION: Final = "AuthorizationDetails"
_CAPTURE: Final = "CaptureDetails"
_REFUND: Final = "RefundDetails"
# ListOrderReference's PaymentDomain: the region and ledger currency (API reference).
_PAYMENT_DOMAINS: Final = {"USD": "NA_USD", "EUR": "EU_EUR", "GBP": "EU_GBP", "JPY": "FE_JPY"}

T = TypeVar("T")


def _reference_id(value: str) -> str:
    if not _REFERENCE_ID.fullmatch(value):
        raise InvalidRequest(f"reference id {value!r}: 1-32 characters of A-Z a-z 0-9 _ -")
    return value


def _amount(prefix: str, amount: Money) -> dict[str, str]:
    if amount.minor <= 0:
        raise InvalidRequest(f"{prefix} must be positive, got {amount}")
    return {f"{prefix}.Amount": amount.to_wire(), f"{prefix}.CurrencyCode": amount.currency}


def _optional(name: str, value: str | None, limit: int = _NOTE_MAX) -> dict[str, str]:
    if value is None:
        return {}
    if len(value) > limit:
        raise InvalidRequest(f"{name} is limited to {limit} characters, got {len(value)}")
    return {name: value}


class MwsClient:
    """The legacy API's payment operations, and the service status, account status and order
    reference search around them, over an injected ``httpx.Client``."""

    def __init__(
        self,
        http: httpx.Client,
        endpoint: Endpoint,
        credentials: Credentials,
        *,
        pacing: Pacing | None = None,
        call_log: CallLog | None = None,
    ) -> None:
        self._transport = MwsTransport(
            http, endpoint, credentials, pacing=pacing, call_log=call_log
        )

    # -- order reference ------------------------------------------------------------------

    def get_order_reference_details(
        self, order_reference_id: str, *, access_token: str | None = None
    ) -> Reply[OrderReferenceDetails]:
        parameters = {"AmazonOrderReferenceId": order_reference_id}
        parameters |= _optional("AccessToken", access_token, limit=4096)
        return self._details(
            "GetOrderReferenceDetails", parameters, _ORDER_REFERENCE, wire.read_order_reference
        )

    def get_buyer_view(
        self, order_reference_id: str, *, address_consent_token: str
    ) -> Reply[BuyerView]:
        """GetOrderReferenceDetails with the buyer's AddressConsentToken (the access token of
        the buyer's sign-in): the details with the buyer, the full shipping address and the
        payment descriptor, which Amazon shows a Draft only to a holder of the token."""
        if not address_consent_token:
            raise InvalidRequest("the buyer's address consent token is required")
        parameters = {"AmazonOrderReferenceId": order_reference_id}
        parameters |= _optional("AddressConsentToken", address_consent_token, limit=4096)
        return self._details(
            "GetOrderReferenceDetails", parameters, _ORDER_REFERENCE, read_buyer_view
        )

    def set_order_reference_details(
        self,
        order_reference_id: str,
        order_total: Money,
        *,
        seller_order_id: str | None = None,
        store_name: str | None = None,
        seller_note: str | None = None,
    ) -> Reply[OrderReferenceDetails]:
        parameters = {"AmazonOrderReferenceId": order_reference_id}
        parameters |= _order_attributes(
            "OrderReferenceAttributes", order_total, seller_order_id, store_name, seller_note
        )
        return self._details(
            "SetOrderReferenceDetails", parameters, _ORDER_REFERENCE, wire.read_order_reference
        )

    def confirm_order_reference(
        self, order_reference_id: str, *, authorization_amount: Money | None = None
    ) -> Reply[None]:
        parameters = {"AmazonOrderReferenceId": order_reference_id}
        if authorization_amount is not None:
            parameters |= _amount("AuthorizationAmount", authorization_amount)
        return self._acknowledged("ConfirmOrderReference", parameters)

    def cancel_order_reference(
        self, order_reference_id: str, *, reason: str | None = None
    ) -> Reply[None]:
        parameters = {"AmazonOrderReferenceId": order_reference_id}
        # Amazon spells it with one "l" (API reference, "CancelOrderReference").
        parameters |= _optional("CancelationReason", reason)
        return self._acknowledged("CancelOrderReference", parameters)

    def close_order_reference(
        self, order_reference_id: str, *, reason: str | None = None
    ) -> Reply[None]:
        parameters = {"AmazonOrderReferenceId": order_reference_id}
        parameters |= _optional("ClosureReason", reason)
        return self._acknowledged("CloseOrderReference", parameters)

    def set_order_attributes(
        self,
        order_reference_id: str,
        *,
        order_total: Money | None = None,
        seller_order_id: str | None = None,
        store_name: str | None = None,
        seller_note: str | None = None,
    ) -> Reply[OrderReferenceDetails]:
        """Set attributes of an order reference; once it is confirmed Amazon only lets
        attributes not yet set be added, and the total no longer changes."""
        parameters = {"AmazonOrderReferenceId": order_reference_id}
        parameters |= _order_attributes(
            "OrderAttributes", order_total, seller_order_id, store_name, seller_note
        )
        return self._details(
            "SetOrderAttributes", parameters, _ORDER_REFERENCE, wire.read_order_reference
        )

    def list_order_references(
        self, seller_order_id: str, currency: str, *, page_size: int | None = None
    ) -> Reply[OrderReferencePage]:
        """The order references carrying ``seller_order_id``, in ``currency``'s payment
        domain, newest first; ``list_more_order_references`` fetches further pages."""
        if currency not in _PAYMENT_DOMAINS:
            raise InvalidRequest(f"no payment domain for {currency}; known: USD EUR GBP JPY")
        parameters = {
            "QueryId": seller_order_id,
            "QueryIdType": "SellerOrderId",
            "PaymentDomain": _PAYMENT_DOMAINS[currency],
        }
        if page_size is not None:
            if page_size < 1:
                raise InvalidRequest(f"PageSize must be positive, got {page_size}")
            parameters["PageSize"] = str(page_size)
        return self._result("ListOrderReference", parameters, wire.read_order_reference_page)

    def list_more_order_references(self, next_page_token: str) -> Reply[OrderReferencePage]:
        return self._result(
            "ListOrderReferenceByNextToken",
            {"NextPageToken": next_page_token},
            wire.read_order_reference_page,
        )

    # -- the service and the account ------------------------------------------------------

    def get_service_status(self) -> Reply[ServiceStatus]:
        return self._result("GetServiceStatus", {}, wire.read_service_status)

    def get_merchant_account_status(self) -> Reply[str]:
        """``ACTIVE`` or ``INACTIVE``."""
        return self._result("GetMerchantAccountStatus", {}, wire.read_account_status)

    # -- authorization --------------------------------------------------------------------

    def authorize(
        self,
        order_reference_id: str,
        reference_id: str,
        amount: Money,
        *,
        transaction_timeout: int | None = None,
        capture_now: bool = False,
        seller_note: str | None = None,
        soft_descriptor: str | None = None,
    ) -> Reply[AuthorizationDetails]:
        """Authorize ``amount``. ``transaction_timeout=0`` asks for a synchronous answer
        (Open or Declined, never Pending); ``capture_now`` captures at once."""
        parameters = {
            "AmazonOrderReferenceId": order_reference_id,
            "AuthorizationReferenceId": _reference_id(reference_id),
        }
        parameters |= _amount("AuthorizationAmount", amount)
        if transaction_timeout is not None:
            if not 0 <= transaction_timeout <= 1440:
                raise InvalidRequest("TransactionTimeout is 0 to 1440 minutes")
            parameters["TransactionTimeout"] = str(transaction_timeout)
        parameters["CaptureNow"] = "true" if capture_now else "false"
        parameters |= _optional("SellerAuthorizationNote", seller_note)
        if soft_descriptor is not None and not capture_now:
            # SoftDescriptor on Authorize is honoured only with CaptureNow (API reference).
            raise InvalidRequest("a SoftDescriptor on Authorize needs capture_now=True")
        parameters |= _optional("SoftDescriptor", soft_descriptor, _SOFT_DESCRIPTOR_MAX)
        return self._details("Authorize", parameters, _AUTHORIZATION, wire.read_authorization)

    def get_authorization_details(self, authorization_id: str) -> Reply[AuthorizationDetails]:
        return self._details(
            "GetAuthorizationDetails",
            {"AmazonAuthorizationId": authorization_id},
            _AUTHORIZATION,
            wire.read_authorization,
        )

    def close_authorization(
        self, authorization_id: str, *, reason: str | None = None
    ) -> Reply[None]:
        parameters = {"AmazonAuthorizationId": authorization_id}
        parameters |= _optional("ClosureReason", reason)
        return self._acknowledged("CloseAuthorization", parameters)

    # -- capture and refund ---------------------------------------------------------------

    def capture(
        self,
        authorization_id: str,
        reference_id: str,
        amount: Money,
        *,
        seller_note: str | None = None,
        soft_descriptor: str | None = None,
    ) -> Reply[CaptureDetails]:
        parameters = {
            "AmazonAuthorizationId": authorization_id,
            "CaptureReferenceId": _reference_id(reference_id),
        }
        parameters |= _amount("CaptureAmount", amount)
        parameters |= _optional("SellerCaptureNote", seller_note)
        parameters |= _optional("SoftDescriptor", soft_descriptor, _SOFT_DESCRIPTOR_MAX)
        return self._details("Capture", parameters, _CAPTURE, wire.read_capture)

    def get_capture_details(self, capture_id: str) -> Reply[CaptureDetails]:
        return self._details(
            "GetCaptureDetails", {"AmazonCaptureId": capture_id}, _CAPTURE, wire.read_capture
        )

    def refund(
        self,
        capture_id: str,
        reference_id: str,
        amount: Money,
        *,
        seller_note: str | None = None,
        soft_descriptor: str | None = None,
    ) -> Reply[RefundDetails]:
        """Ask Amazon to refund ``amount`` of a capture. The answer is always Pending; the end
        state arrives by IPN or GetRefundDetails. Retries repeat ``reference_id``."""
        parameters = {
            "AmazonCaptureId": capture_id,
            "RefundReferenceId": _reference_id(reference_id),
        }
        parameters |= _amount("RefundAmount", amount)
        parameters |= _optional("SellerRefundNote", seller_note)
        parameters |= _optional("SoftDescriptor", soft_descriptor, _SOFT_DESCRIPTOR_MAX)
        return self._details("Refund", parameters, _REFUND, wire.read_refund)

    def get_refund_details(self, refund_id: str) -> Reply[RefundDetails]:
        return self._details(
            "GetRefundDetails", {"AmazonRefundId": refund_id}, _REFUND, wire.read_refund
        )

    # -- reading replies ------------------------------------------------------------------

    def _details(
        self, action: str, parameters: dict[str, str], element: str, reader: Callable[[Node], T]
    ) -> Reply[T]:
        return self._transport.call(
            action, parameters, lambda body: wire.read_reply(body, element, reader)
        )

    def _result(
        self, action: str, parameters: dict[str, str], reader: Callable[[Node], T]
    ) -> Reply[T]:
        """For answers whose elements sit straight in ``<{Action}Result>``."""
        return self._details(action, parameters, f"{action}Result", reader)

    def _acknowledged(self, action: str, parameters: dict[str, str]) -> Reply[None]:
        return self._transport.call(action, parameters, wire.read_acknowledgement)

    @property
    def call_log(self) -> CallLog:
        return self._transport.call_log


def _order_attributes(
    prefix: str,
    order_total: Money | None,
    seller_order_id: str | None,
    store_name: str | None,
    seller_note: str | None,
) -> dict[str, str]:
    """The order's attributes under ``prefix`` (OrderReferenceAttributes for
    SetOrderReferenceDetails, OrderAttributes for SetOrderAttributes): the same fields."""
    parameters = {} if order_total is None else _amount(f"{prefix}.OrderTotal", order_total)
    seller = f"{prefix}.SellerOrderAttributes"
    parameters |= _optional(f"{seller}.SellerOrderId", seller_order_id)
    parameters |= _optional(f"{seller}.StoreName", store_name)
    parameters |= _optional(f"{prefix}.SellerNote", seller_note, limit=1024)
    return parameters
