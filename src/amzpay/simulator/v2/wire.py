"""The JSON shapes API v2 answers with (amazonpay-api.md §C.2; the SDKs' response types).

Amounts are decimal strings in the currency's minor-unit digits (JPY has none), timestamps
Amazon's compact ``20190714T155300Z``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ..model import Address, Buyer, Price
from ..money import format_amount
from .model import Charge, ChargePermission, CheckoutSession, Refund, Status
from .wallet import CARDS

Json = dict[str, Any]


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def price(value: Price | None) -> Json | None:
    if value is None:
        return None
    return {"amount": format_amount(value.amount, value.currency), "currencyCode": value.currency}


def status(value: Status, reasons_list: bool = False) -> Json:
    shown: Json = {"state": str(value.state)}
    if reasons_list:  # a charge permission lists its reasons
        reasons = [{"reasonCode": value.reason_code, "reasonDescription": None}]
        shown["reasons"] = reasons if value.reason_code else None
    else:
        shown["reasonCode"] = value.reason_code
        shown["reasonDescription"] = value.reason_description
    shown["lastUpdatedTimestamp"] = timestamp(value.last_update)
    return shown


def environment(sandbox: bool) -> str:
    return "Sandbox" if sandbox else "Live"


def checkout_session(item: CheckoutSession, redirect_url: str | None) -> Json:
    payment = item.payment
    return {
        "checkoutSessionId": item.id,
        "webCheckoutDetails": {
            "checkoutReviewReturnUrl": item.review_return_url,
            "checkoutResultReturnUrl": item.result_return_url,
            "amazonPayRedirectUrl": redirect_url,
            "checkoutMode": None,
        },
        "productType": "PayAndShip",
        "paymentDetails": {
            "paymentIntent": payment.payment_intent,
            "canHandlePendingAuthorization": payment.can_handle_pending_authorization,
            "chargeAmount": price(payment.charge_amount),
            "totalOrderAmount": price(payment.total_order_amount),
            "softDescriptor": payment.soft_descriptor,
            "presentmentCurrency": payment.presentment_currency,
            "allowOvercharge": None,
            "extendExpiration": None,
        },
        "chargePermissionType": "OneTime",
        "merchantMetadata": merchant_metadata(item.merchant_metadata),
        "supplementaryData": None,
        "buyer": buyer(item.buyer),
        "billingAddress": address(item.buyer.address) if item.buyer else None,
        "paymentPreferences": payment_preferences(item.buyer, item.card),
        "statusDetails": status(item.status),
        "shippingAddress": address(item.buyer.address) if item.buyer else None,
        "platformId": item.platform_id,
        "chargePermissionId": item.charge_permission_id,
        "chargeId": item.charge_id,
        "constraints": [],  # filled in by the caller, which knows what is missing
        "creationTimestamp": timestamp(item.created),
        "expirationTimestamp": timestamp(item.expires),
        "storeId": item.store_id,
        "providerMetadata": {"providerReferenceId": None},
        "releaseEnvironment": environment(item.sandbox),
        "deliverySpecifications": None,
    }


def charge_permission(item: ChargePermission, sandbox: bool, balance: Price) -> Json:
    return {
        "chargePermissionId": item.id,
        "chargePermissionReferenceId": None,
        "chargePermissionType": "OneTime",
        "buyer": buyer(item.buyer),
        "releaseEnvironment": environment(sandbox),
        "shippingAddress": address(item.buyer.address),
        "billingAddress": address(item.buyer.address),
        "paymentPreferences": payment_preferences(item.buyer, item.card),
        "statusDetails": status(item.status, reasons_list=True),
        "creationTimestamp": timestamp(item.created),
        "expirationTimestamp": timestamp(item.expires),
        "merchantMetadata": merchant_metadata(item.merchant_metadata),
        "platformId": item.platform_id,
        "limits": {"amountLimit": price(item.limit), "amountBalance": price(balance)},
        "presentmentCurrency": item.limit.currency,
    }


def charge(item: Charge, sandbox: bool) -> Json:
    currency = item.amount.currency
    return {
        "chargeId": item.id,
        "chargePermissionId": item.charge_permission_id,
        "chargeAmount": price(item.amount),
        "captureAmount": None if item.captured is None else price(Price(item.captured, currency)),
        "refundedAmount": price(Price(item.refunded, currency)) if item.refunded else None,
        "convertedAmount": None,
        "conversionRate": None,
        "softDescriptor": item.soft_descriptor,
        "merchantMetadata": None,
        "providerMetadata": {"providerReferenceId": None},
        "statusDetails": status(item.status),
        "creationTimestamp": timestamp(item.created),
        "expirationTimestamp": timestamp(item.expires),
        "releaseEnvironment": environment(sandbox),
    }


def refund(item: Refund, sandbox: bool) -> Json:
    return {
        "refundId": item.id,
        "chargeId": item.charge_id,
        "refundAmount": price(item.amount),
        "softDescriptor": item.soft_descriptor,
        "creationTimestamp": timestamp(item.created),
        "statusDetails": status(item.status),
        "releaseEnvironment": environment(sandbox),
    }


def merchant_metadata(values: dict[str, str | None]) -> Json:
    names = ("merchantReferenceId", "merchantStoreName", "noteToBuyer", "customInformation")
    return {name: values.get(name) for name in names}


def buyer(value: Buyer | None) -> Json | None:
    if value is None:
        return None
    return {
        "buyerId": "amzn1.account." + value.email.split("@")[0].upper().replace(".", ""),
        "name": value.name,
        "email": value.email,
        "phoneNumber": value.phone,
        "primeMembershipTypes": None,
    }


def address(value: Address) -> Json:
    return {
        "name": value.name,
        "addressLine1": value.line1,
        "addressLine2": None,
        "addressLine3": None,
        "city": value.city,
        "county": None,
        "district": None,
        "stateOrRegion": value.state_or_region,
        "postalCode": value.postal_code,
        "countryCode": value.country_code,
        "phoneNumber": value.phone,
    }


def payment_preferences(value: Buyer | None, card: str | None) -> list[Json] | None:
    if value is None or card is None:
        return None
    return [{"billingAddress": address(value.address), "paymentDescriptor": CARDS[card].descriptor}]
