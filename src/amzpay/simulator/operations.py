"""The operations by Action name, and the call path through them.

``perform`` is what one authenticated call does: replay or refuse a repeated reference id,
run the operation, remember the result, and wrap it in Amazon's response XML.
"""

from __future__ import annotations

from collections.abc import Callable
from xml.etree.ElementTree import Element

from . import account, authorizations, captures, listing, order_attributes, orders, refunds
from .errors import ApiError
from .idempotency import ReferenceIds
from .ledger import Ledger
from .params import Call
from .wire import Result, response

Operation = Callable[[Ledger, Call], Result]

OPERATIONS: dict[str, Operation] = {
    "GetOrderReferenceDetails": orders.get_details,
    "SetOrderReferenceDetails": orders.set_details,
    "ConfirmOrderReference": orders.confirm,
    "CancelOrderReference": orders.cancel,
    "CloseOrderReference": orders.close,
    "Authorize": authorizations.authorize,
    "GetAuthorizationDetails": authorizations.get_details,
    "CloseAuthorization": authorizations.close,
    "Capture": captures.capture,
    "GetCaptureDetails": captures.get_details,
    "Refund": refunds.refund,
    "GetRefundDetails": refunds.get_details,
    "SetOrderAttributes": order_attributes.set_attributes,
    "ListOrderReference": listing.list_order_references,
    "ListOrderReferenceByNextToken": listing.next_page,
    "GetServiceStatus": account.service_status,
    "GetMerchantAccountStatus": account.merchant_account_status,
}


def perform(ledger: Ledger, references: ReferenceIds, call: Call, request_id: str) -> bytes:
    """The response body of ``call``; raises ApiError for Amazon's error answers."""
    operation = OPERATIONS.get(call.action)
    if operation is None:
        raise ApiError("InvalidAction", f"The action {call.action} is not valid.")
    original = references.replay(call.seller_id, call.action, call.params)
    if original is not None:
        return response(call.action, original, request_id)
    result = operation(ledger, call)
    if isinstance(result, Element):
        references.remember(call.seller_id, call.action, call.params, result)
    return response(call.action, result, request_id)
