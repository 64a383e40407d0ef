"""Checkout sessions: Create, Get, Update, Complete (amazonpay-api.md §C.1, §C.8).

A session is Open for 24 hours (then Canceled/Expired). It can be completed once the buyer
has signed in and chosen an address and a card (the control API plays that part) and the
shop has set the result URL, the payment intent and the charge amount: until then
``constraints`` lists what is missing and ``amazonPayRedirectUrl`` is null. Completing
creates the charge permission and, unless the intent is Confirm, the charge; when that
charge is declined the session is Canceled/Declined and the permission Closed/AmazonClosed.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from ..model import Buyer
from . import charges, wire
from .body import Body
from .call import Answer, Books, Call
from .errors import V2Error
from .model import (
    ChargePermission,
    ChargeState,
    CheckoutSession,
    PermissionState,
    SessionState,
    Status,
)
from .simulations import CANCELS_CHECKOUT
from .wallet import CARDS

SESSION_HOURS = 24
PERMISSION_DAYS = 180
INTENTS = ("Confirm", "Authorize", "AuthorizeWithCapture")
_WEB = ("checkoutReviewReturnUrl", "checkoutResultReturnUrl", "checkoutMode")
_METADATA = ("merchantReferenceId", "merchantStoreName", "noteToBuyer", "customInformation")
_PAYMENT = (
    "paymentIntent",
    "canHandlePendingAuthorization",
    "chargeAmount",
    "totalOrderAmount",
    "softDescriptor",
    "presentmentCurrency",
    "allowOvercharge",
    "extendExpiration",
)
_COMMON = (
    "webCheckoutDetails",
    "paymentDetails",
    "merchantMetadata",
    "platformId",
    "providerMetadata",
    "supplementaryData",
    "deliverySpecifications",
)
URL_LIMIT = 1024


def create(books: Books, call: Call) -> Answer:
    body = Body.parse(call.body, (*_COMMON, "storeId", "chargePermissionType", "scopes"))
    store_id = body.required_text("storeId", 255)
    web = body.nested("webCheckoutDetails", _WEB, required=True)
    assert web is not None
    review_url = web.required_text("checkoutReviewReturnUrl", URL_LIMIT)
    body.choice("chargePermissionType", ("OneTime",))
    now = books.now()
    session = CheckoutSession(
        id=books.ids.request_id(),
        seller_id=call.seller_id,
        sandbox=call.sandbox,
        store_id=store_id,
        review_return_url=review_url,
        created=now,
        expires=now + timedelta(hours=SESSION_HOURS),
        status=Status(SessionState.OPEN, now),
    )
    _apply(session, body, web)
    books.add(session, call.seller_id, call.sandbox, announce=False)
    books.later(SESSION_HOURS * 3600.0, lambda: _expire(books, session))
    return 201, shown(session, call.redirect_base)


def get(books: Books, call: Call) -> Answer:
    return 200, shown(books.session(call.the_id(), *call.owner), call.redirect_base)


def update(books: Books, call: Call) -> Answer:
    body = Body.parse(call.body, _COMMON)
    session = books.session(call.the_id(), *call.owner)
    _must_be_open(session)
    _apply(session, body, body.nested("webCheckoutDetails", _WEB))
    return 200, shown(session, call.redirect_base)


def complete(books: Books, call: Call) -> Answer:
    body = Body.parse(call.body, ("chargeAmount", "totalOrderAmount"))
    amount = body.required_price("chargeAmount")
    session = books.session(call.the_id(), *call.owner)
    if session.status.state == SessionState.CANCELED:
        raise _canceled(session)
    _must_be_open(session)
    missing = constraints(session)
    if missing:
        raise V2Error(
            "InvalidCheckoutSessionStatus",
            f"The checkout session cannot be completed yet: {', '.join(missing)}.",
        )
    if session.needs_authentication and not session.authenticated:
        raise V2Error(
            "InvalidCheckoutSessionStatus",
            "The buyer has not confirmed the payment at amazonPayRedirectUrl yet.",
        )
    if amount != session.payment.charge_amount:
        raise V2Error(
            "InvalidParameterValue",
            "chargeAmount must equal the paymentDetails.chargeAmount of the checkout session.",
        )
    assert session.buyer is not None
    assert session.card is not None
    cancel = call.simulation if call.simulation in CANCELS_CHECKOUT else None
    cancel = cancel or CARDS[session.card].cancels_checkout
    if cancel is not None:
        books.move(session, SessionState.CANCELED, cancel)
        raise _canceled(session)
    permission = _open_permission(books, call, session, session.buyer, session.card)
    status = 200
    if session.payment.payment_intent != "Confirm":
        pending = call.simulation == "AuthorizationInitiated"
        try:
            charge = charges.authorize(
                books,
                call,
                permission,
                amount,
                capture_now=session.payment.payment_intent == "AuthorizeWithCapture",
                can_handle_pending=session.payment.can_handle_pending_authorization,
                soft_descriptor=session.payment.soft_descriptor,
                pending=pending,
            )
        except V2Error:
            # The checkout failed with its payment: the session is over and its
            # permission closed, so a repeat of Complete cannot open a second one.
            session.charge_permission_id = permission.id
            books.move(session, SessionState.CANCELED, "Declined")
            books.move(permission, PermissionState.CLOSED, "AmazonClosed")
            raise
        session.charge_id = charge.id
        status = 202 if charge.status.state == ChargeState.AUTHORIZATION_INITIATED else 200
    session.charge_permission_id = permission.id
    books.move(session, SessionState.COMPLETED)
    return status, shown(session, call.redirect_base)


def sign_in(books: Books, session_id: str, buyer: Buyer, card: str) -> CheckoutSession:
    """What a signed-in buyer does on Amazon's pages: choose an address and a card (and,
    once the shop has set the payment, approve it by following amazonPayRedirectUrl)."""
    session = books.sessions[session_id]
    _must_be_open(session)
    session.buyer, session.card = buyer, card
    return session


def constraints(session: CheckoutSession) -> list[str]:
    """What still keeps the session from being completed, in Amazon's constraint ids."""
    found = []
    if session.buyer is None:
        found.append("BuyerNotAssociated")
    if session.result_return_url is None:
        found.append("CheckoutResultReturnUrlNotSet")
    if session.payment.charge_amount is None:
        found.append("ChargeAmountNotSet")
    if session.payment.payment_intent is None:
        found.append("PaymentIntentNotSet")
    return found


def shown(session: CheckoutSession, redirect_base: str) -> wire.Json:
    missing = constraints(session)
    open_ = session.status.state == SessionState.OPEN
    ready = open_ and not missing
    url = f"{redirect_base}/_sim/v2/checkout/{session.id}" if ready else None
    answer = wire.checkout_session(session, url)
    answer["constraints"] = [
        {"constraintId": c, "description": _DESCRIPTIONS[c]} for c in missing if open_
    ]
    return answer


_DESCRIPTIONS = {
    "BuyerNotAssociated": "There is no buyer associated with the Checkout Session.",
    "CheckoutResultReturnUrlNotSet": "checkoutResultReturnUrl is not set.",
    "ChargeAmountNotSet": "chargeAmount is not set.",
    "PaymentIntentNotSet": "paymentIntent is not set.",
}


def _apply(session: CheckoutSession, body: Body, web: Body | None) -> None:
    if web is not None and web.has("checkoutResultReturnUrl"):
        session.result_return_url = web.text("checkoutResultReturnUrl", URL_LIMIT)
    payment = body.nested("paymentDetails", _PAYMENT)
    if payment is not None:
        _apply_payment(session, payment)
    metadata = body.nested("merchantMetadata", _METADATA)
    if metadata is not None:
        limits = {"customInformation": 4096, "noteToBuyer": 255}
        session.merchant_metadata |= {
            name: metadata.text(name, limits.get(name, 255)) for name in metadata.data
        }
    if body.has("platformId"):
        session.platform_id = body.text("platformId", 20)


def _apply_payment(session: CheckoutSession, payment: Body) -> None:
    details = session.payment
    intent = payment.choice("paymentIntent", INTENTS) or details.payment_intent
    charge_amount = payment.price("chargeAmount") or details.charge_amount
    total = payment.price("totalOrderAmount") or details.total_order_amount
    if charge_amount and total and charge_amount.currency != total.currency:
        raise V2Error("CurrencyMismatch", "chargeAmount and totalOrderAmount differ in currency.")
    descriptor = payment.text("softDescriptor", 16) or details.soft_descriptor
    session.payment = replace(
        details,
        payment_intent=intent,
        can_handle_pending_authorization=payment.flag(
            "canHandlePendingAuthorization", details.can_handle_pending_authorization
        ),
        charge_amount=charge_amount,
        total_order_amount=total,
        soft_descriptor=descriptor,
        presentment_currency=payment.text("presentmentCurrency") or details.presentment_currency,
    )


def _open_permission(
    books: Books, call: Call, session: CheckoutSession, buyer: Buyer, card: str
) -> ChargePermission:
    now = books.now()
    limit = session.payment.total_order_amount or session.payment.charge_amount
    assert limit is not None
    permission = ChargePermission(
        id=books.ids.order_reference(call.sandbox),
        session_id=session.id,
        buyer=buyer,
        card=card,
        created=now,
        expires=now + timedelta(days=PERMISSION_DAYS),
        status=Status(PermissionState.CHARGEABLE, now),
        limit=limit,
        merchant_metadata=dict(session.merchant_metadata),
        platform_id=session.platform_id,
    )
    books.add(permission, call.seller_id, call.sandbox, announce=False)
    books.later(PERMISSION_DAYS * 86400.0, lambda: _expire_permission(books, permission))
    return permission


def _must_be_open(session: CheckoutSession) -> None:
    if session.status.state != SessionState.OPEN:
        raise V2Error(
            "InvalidCheckoutSessionStatus",
            f"The checkout session is {session.status.state}, not Open.",
        )


def _canceled(session: CheckoutSession) -> V2Error:
    return V2Error(
        "CheckoutSessionCanceled",
        f"The checkout session was canceled ({session.status.reason_code}).",
    )


def _expire(books: Books, session: CheckoutSession) -> None:
    if session.status.state == SessionState.OPEN:
        books.move(session, SessionState.CANCELED, "Expired")


def _expire_permission(books: Books, permission: ChargePermission) -> None:
    if permission.status.state != PermissionState.CLOSED:
        books.move(permission, PermissionState.CLOSED, "Expired")
