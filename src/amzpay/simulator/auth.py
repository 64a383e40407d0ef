"""Who is calling: the MWS request envelope checked the way Amazon checks it
(amazonpay-api.md §A.2): required parameters, a known access key, Signature Version 2,
a Timestamp within 15 minutes of Amazon's clock, the seller the key belongs to.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from . import signature
from .config import Seller, SimulatorConfig
from .errors import ApiError, invalid, missing

API_VERSION = "2013-01-01"
_REQUIRED = ("AWSAccessKeyId", "Action", "SellerId", "SignatureMethod", "SignatureVersion")
_REQUIRED_TOO = ("Version", "Signature")


def authenticate(
    config: SimulatorConfig, params: Mapping[str, str], host: str, path: str, now: datetime
) -> Seller:
    """The seller making this call; raises ApiError as Amazon would refuse it."""
    for name in (*_REQUIRED, "Timestamp", *_REQUIRED_TOO):
        if not params.get(name):
            raise missing(name)
    seller = config.seller_by_key(params["AWSAccessKeyId"])
    if seller is None:
        raise ApiError(
            "InvalidAccessKeyId",
            "The AWS Access Key Id you provided does not exist in our records.",
        )
    _check_method(params)
    if not signature.matches(seller.secret_key, host, path, params):
        raise ApiError(
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details.",
        )
    _check_timestamp(params["Timestamp"], now, config.max_clock_skew_seconds)
    if params["Version"] != API_VERSION:
        raise invalid("Version", params["Version"])
    if params["SellerId"] != seller.seller_id:
        raise ApiError(
            "UnauthorizedAccess",
            f"Access key {seller.access_key_id} is not authorized for seller {params['SellerId']}.",
        )
    return seller


def _check_method(params: Mapping[str, str]) -> None:
    if params["SignatureVersion"] != "2":
        raise invalid("SignatureVersion", params["SignatureVersion"])
    if not signature.supported_method(params["SignatureMethod"]):
        raise invalid("SignatureMethod", params["SignatureMethod"])


def _check_timestamp(text: str, now: datetime, skew_seconds: float) -> None:
    try:
        sent = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise invalid("Timestamp", text) from None
    if sent.tzinfo is None:
        raise invalid("Timestamp", text)
    if abs(now - sent) > timedelta(seconds=skew_seconds):
        raise ApiError(
            "RequestExpired",
            f"Request has expired. Timestamp date is {text}, more than "
            f"{int(skew_seconds // 60)} minutes from the server's time.",
        )
