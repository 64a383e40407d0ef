"""Order reference operations: what a buyer's sign-in creates and what the seller then
calls on it (amazonpay-api.md §A.4, states §A.7).

Amazon's own moves are scheduled here too: a Draft not confirmed within 3 hours is
Canceled/Stale, an order is Closed/Expired 180 days after creation (§A.7).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from xml.etree.ElementTree import Element

from . import scenarios
from .buyers import PAYMENT_METHODS
from .errors import ApiError
from .ledger import Ledger
from .model import Buyer, OrderReference, SellerOrder, Status
from .params import NOTE_LIMIT, Call
from .wire import order_reference_details

STALE_AFTER = 3 * 3600.0
EXPIRES_AFTER = timedelta(days=180)
_ATTRIBUTES = "OrderReferenceAttributes"


def open_order_reference(ledger: Ledger, seller_id: str, buyer: Buyer, sandbox: bool) -> str:
    """A Draft order reference, as Amazon creates one when ``buyer`` signs in on the shop."""
    now = ledger.now()
    order = OrderReference(
        id=ledger.ids.order_reference(sandbox),
        seller_id=seller_id,
        sandbox=sandbox,
        buyer=buyer,
        created=now,
        expires=now + EXPIRES_AFTER,
        status=Status("Draft", now),
    )
    refresh_constraints(order)
    ledger.add(order, seller_id, sandbox)
    ledger.later(STALE_AFTER, lambda: _cancel_if_draft(ledger, order))
    ledger.at(EXPIRES_AFTER, lambda: _close_if_live(ledger, order, "Expired"))
    return order.id


def change_payment_method(ledger: Ledger, order_id: str, payment_method: str) -> None:
    """The buyer picks another entry of the wallet for this order, as in Amazon's wallet
    widget shown again after a soft decline: a Suspended order reference is Open again and
    says so by IPN (§A.7; the seller then authorizes again). Raises KeyError for an unknown
    order, ValueError for an unknown payment method or an order no longer live."""
    order = ledger.orders[order_id]
    if payment_method not in PAYMENT_METHODS:
        known = ", ".join(sorted(PAYMENT_METHODS))
        raise ValueError(f"unknown payment method {payment_method!r}; known: {known}")
    if order.status.state not in ("Draft", "Open", "Suspended"):
        raise ValueError(f"order reference {order_id} is {order.status.state}")
    order.buyer = replace(order.buyer, payment_method=payment_method)
    refresh_constraints(order)
    if order.status.state == "Suspended":
        ledger.move(order, "Open")


def get_details(ledger: Ledger, call: Call) -> Element:
    """The buyer's Login with Amazon token (AddressConsentToken, or AccessToken as Amazon
    renamed it; one of the two) shows before confirmation what confirming shows: the buyer,
    the full address and the payment method chosen. Without a token a Draft shows only the
    city, postal code and country; a token that is unknown, expired or another buyer's is
    refused with InvalidAddressConsentToken, as Amazon does (§A.9)."""
    order = _order(ledger, call)
    consent, access = call.params.get("AddressConsentToken"), call.params.get("AccessToken")
    if consent and access:
        raise ApiError(
            "InvalidParameterValue",
            "Send either AddressConsentToken or AccessToken, not both.",
        )
    token = consent or access
    if token:
        login = ledger.logins.of(token, ledger.now())
        if login is None or (login.account.email, login.seller_id) != (
            order.buyer.email,
            order.seller_id,
        ):
            raise ApiError(
                "InvalidAddressConsentToken",
                "The AddressConsentToken or AccessToken you submitted is invalid or has expired.",
            )
    return order_reference_details(order, full=bool(token) or order.status.state != "Draft")


def set_details(ledger: Ledger, call: Call) -> Element:
    """SetOrderReferenceDetails: only while Draft (OrderReferenceNotModifiable otherwise)."""
    order = _order(ledger, call)
    total = call.price(f"{_ATTRIBUTES}.OrderTotal")
    note = call.optional(f"{_ATTRIBUTES}.SellerNote", 1024)
    simulation = scenarios.read("SetOrderReferenceDetails", note) if call.sandbox else None
    if order.status.state != "Draft":
        raise ApiError(
            "OrderReferenceNotModifiable",
            f"OrderReference {order.id} is not in draft state and cannot be modified with the "
            "request submitted by you.",
        )
    order.total, order.seller_note = total, note
    order.platform_id = call.optional(f"{_ATTRIBUTES}.PlatformId")
    order.seller_order = SellerOrder(
        seller_order_id=call.optional(f"{_ATTRIBUTES}.SellerOrderAttributes.SellerOrderId"),
        store_name=call.optional(f"{_ATTRIBUTES}.SellerOrderAttributes.StoreName"),
        custom_information=call.optional(f"{_ATTRIBUTES}.SellerOrderAttributes.CustomInformation"),
    )
    refresh_constraints(order, simulation.constraint if simulation else None)
    return order_reference_details(order, full=False)


def confirm(ledger: Ledger, call: Call) -> None:
    """ConfirmOrderReference: Draft -> Open, refused while constraints exist."""
    order = _order(ledger, call)
    if order.status.state != "Draft":
        raise ApiError(
            "OrderReferenceNotModifiable",
            f"OrderReference {order.id} is not in draft state and cannot be confirmed.",
        )
    if order.constraints:
        raise ApiError(
            "ConstraintsExist",
            f"OrderReference {order.id} has constraints {', '.join(order.constraints)} "
            "and cannot be confirmed.",
        )
    ledger.move(order, "Open")


def cancel(ledger: Ledger, call: Call) -> None:
    """CancelOrderReference: only while nothing has been captured (§A.7)."""
    order = _order(ledger, call)
    call.optional("CancelationReason", NOTE_LIMIT)
    if order.status.state not in ("Draft", "Open", "Suspended") or order.captured > 0:
        raise _status_error(order, "canceled")
    ledger.move(order, "Canceled", "SellerCanceled")
    for auth_id in order.authorization_ids:
        auth = ledger.authorizations[auth_id]
        if auth.status.state in ("Pending", "Open"):
            ledger.move(auth, "Closed", "OrderReferenceCanceled")


def close(ledger: Ledger, call: Call) -> None:
    """CloseOrderReference: Open or Suspended -> Closed; closing a Closed order is a no-op.

    Open authorizations stay capturable and captures refundable (§A.7 "mark-order-as-closed").
    """
    order = _order(ledger, call)
    reason = call.optional("ClosureReason", NOTE_LIMIT)
    simulation = scenarios.read("CloseOrderReference", reason) if call.sandbox else None
    if order.status.state == "Closed":
        return
    if order.status.state not in ("Open", "Suspended"):
        raise _status_error(order, "closed")
    ledger.move(order, "Closed", simulation.reason_code if simulation else "SellerClosed")


def _order(ledger: Ledger, call: Call) -> OrderReference:
    return ledger.order(call.required("AmazonOrderReferenceId"), call.seller_id, call.sandbox)


def refresh_constraints(order: OrderReference, simulated: str | None = None) -> None:
    method = PAYMENT_METHODS[order.buyer.payment_method]
    found = [] if order.total else ["AmountNotSet"]
    found += [c for c in (method.constraint, simulated) if c]
    order.constraints = sorted(set(found))


def _status_error(order: OrderReference, verb: str) -> ApiError:
    return ApiError(
        "InvalidOrderReferenceStatus",
        f"OrderReference {order.id} is in state {order.status.state} and cannot be {verb}.",
    )


def _cancel_if_draft(ledger: Ledger, order: OrderReference) -> None:
    if order.status.state == "Draft":
        ledger.move(order, "Canceled", "Stale")


def _close_if_live(ledger: Ledger, order: OrderReference, reason: str) -> None:
    if order.status.state in ("Open", "Suspended"):
        ledger.move(order, "Closed", reason)
