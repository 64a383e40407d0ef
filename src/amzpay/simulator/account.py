"""GetServiceStatus and GetMerchantAccountStatus (amazonpay-api.md §A.4; Amazon's
"GetServiceStatus" and "GetMerchantAccountStatus" pages and the Java SDK's sample answers).

The simulator is always up: GREEN, evaluated now. A seller's account status is its
``Seller.account_status`` (ACTIVE unless configured INACTIVE).
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from .clock import amazon_timestamp
from .ledger import Ledger
from .params import Call


def service_status(ledger: Ledger, call: Call) -> list[Element]:
    """``Status`` and the ``Timestamp`` it was evaluated at, straight in the result."""
    status, evaluated = Element("Status"), Element("Timestamp")
    status.text, evaluated.text = "GREEN", amazon_timestamp(ledger.now())
    return [status, evaluated]


def merchant_account_status(ledger: Ledger, call: Call) -> Element:
    """``AccountStatus`` of the calling seller (the envelope already checked that the access
    key belongs to ``SellerId``)."""
    seller = next(s for s in ledger.config.sellers if s.seller_id == call.seller_id)
    status = Element("AccountStatus")
    status.text = seller.account_status
    return status
