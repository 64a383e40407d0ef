"""Amazon's reason codes and our states in words staff read at a glance.

The reason codes are Amazon's (Amazon Pay API reference, "Authorization states and reason
codes", "Capture ...", "Refund states and reason codes"); an unknown code is shown as it is.
"""

from __future__ import annotations

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
    # calls Amazon refused
    "InvalidOrderReferenceStatus": (
        "Amazon's order reference is not Open (suspended, closed or cancelled), so the call "
        "was refused and nothing happened at Amazon; a suspended one waits for the buyer to "
        "choose another payment method"
    ),
}

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
    if "requested" in state or "pending" in state or state == "suspended":
        return "wait"
    if "declined" in state or "failed" in state:
        return "bad"
    if state.endswith(("completed", "captured")) or state in ("closed", "open", "authorized"):
        return "good"
    return ""
