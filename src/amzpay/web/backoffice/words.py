"""Amazon's reason codes and our states in words staff read at a glance.

The reason codes are Amazon's, of both APIs (legacy API reference, "Authorization states and
reason codes", "Capture ...", "Refund states and reason codes"; API v2's Charge, Charge
Permission and Refund objects, their ``statusDetails.reasonCode``); an unknown code is shown
as it is.
"""

from __future__ import annotations

from urllib.parse import quote

REASONS = {
    # refunds and captures
    "AmazonRejected": (
        "Amazon rejected it, usually because the seller account's balance cannot cover it: "
        "check the balance in Seller Central, then try again"
    ),
    "ProcessingFailure": (
        "Amazon could not process it (or the buyer was already refunded through an A-to-z "
        "claim or a chargeback): check Seller Central before trying again"
    ),
    "AmazonA-ZRefund": "Amazon Pay refunded the buyer itself (A-to-z claim)",
    "BuyerCanceled": "the buyer cancelled the direct debit",
    "MaxCapturesProcessed": "the authorization has already been captured",
    "MaxAmountCharged": "the authorization's amount has been captured in full",
    # authorizations
    "InvalidPaymentMethod": "the buyer's payment method was declined; the buyer may choose another",
    "TransactionTimedOut": "Amazon could not decide in time",
    "ExpiredUnused": "the authorization expired unused",
    "AmazonClosed": "Amazon closed it",
    "SellerClosed": "the shop closed it",
    "OrderReferenceCanceled": "the order reference was cancelled",
    # API v2: charges
    "SoftDeclined": (
        "the buyer's payment method was declined for now; the charge may be tried again, or "
        "the buyer may choose another payment method"
    ),
    "HardDeclined": (
        "the buyer's payment method was declined for good; the buyer must choose another"
    ),
    "MFANotCompleted": "the buyer did not complete the bank's authentication (3-D Secure)",
    "PaymentMethodNotAllowed": "the buyer's payment method is not allowed for this charge",
    "Declined": "Amazon declined it",
    "MerchantCanceled": "the shop cancelled the charge",
    "AmazonCanceled": "Amazon cancelled it",
    "ChargePermissionCanceled": "the charge permission was closed with its pending charges",
    # API v2: charge permissions
    "ChargeInProgress": "a charge is being decided; the charge permission takes none meanwhile",
    "PaymentMethodInvalid": "the buyer's payment method is no longer valid",
    "PaymentMethodDeleted": "the buyer deleted the payment method",
    "PaymentMethodExpired": "the buyer's payment method has expired",
    "BillingAddressDeleted": "the buyer deleted the billing address",
    "MerchantClosed": "the shop closed it",
    "BuyerClosed": "the buyer closed it",
    "Expired": "it expired (180 days after it was made)",
    # calls Amazon refused
    "InvalidOrderReferenceStatus": (
        "Amazon's order reference is not Open (suspended, closed or cancelled), so the call "
        "was refused and nothing happened at Amazon; a suspended one waits for the buyer to "
        "choose another payment method"
    ),
}

API_NAMES = {"legacy": "legacy API", "v2": "API v2"}
"""Each of Amazon's APIs (``AmazonApi``'s values) as staff read it."""

AMAZON_IDS = {"legacy": "Amazon order reference", "v2": "charge permission"}
"""What the order's Amazon id is called in each API."""

SELLER_CENTRAL = {
    "na": "https://sellercentral.amazon.com",
    "eu": "https://sellercentral-europe.amazon.com",
    "jp": "https://sellercentral-japan.amazon.com",
}
"""Seller Central by region; its payment details page finds a legacy order reference and a
v2 charge permission by the same parameter."""


def seller_central_url(base: str, amazon_id: str) -> str:
    """The Seller Central page of the order reference or charge permission ``amazon_id``."""
    return f"{base}/hz/me/pmd/payment-details?orderReferenceId={quote(amazon_id, safe='')}"


def api_name(api: str) -> str:
    return API_NAMES.get(api, api)


NORMAL = frozenset({"MaxCapturesProcessed", "MaxAmountCharged", "SellerClosed"})
"""Reason codes of an ordinary course of events (an authorization closed because it was
captured, or by the shop): information, not a problem."""


def reason_words(code: str | None) -> str:
    """What Amazon's reason code means, or "" when it is not known."""
    return REASONS.get(code or "", "")


def is_normal(code: str | None) -> bool:
    return code in NORMAL


def reason_in_words(code: str | None) -> str:
    if not code:
        return ""
    words = REASONS.get(code)
    return f"{code}: {words}" if words else code


def tone(state: str) -> str:
    """How a state looks: ``wait`` (on Amazon), ``bad`` (declined, failed), ``good`` (done)."""
    if any(word in state for word in ("requested", "pending", "initiated")) or state == "suspended":
        return "wait"
    if "declined" in state or "failed" in state:
        return "bad"
    done = ("completed", "captured", "refunded")
    if state.endswith(done) or state in ("closed", "open", "authorized"):
        return "good"
    return ""
