"""The Amazon Pay button of API v2 (checkout.js ``amazon.Pay.renderButton``) as Amazon checks
it: the shop signs the button's payload, the JSON body of Create Checkout Session, with its
API v2 key, and Amazon verifies that signature against the registered public key before it
makes the buyer's checkout session (amazonpay-api.md §C.3, point 7).

The string signed is ``<algorithm>\\n<hex SHA-256 of payloadJSON>``, exactly the bytes the
page hands over: a payload re-encoded on the way (other spacing, other escapes) does not
verify, which is the "Invalid Signature" shops meet when page and server encode differently.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from ..config import Seller, SimulatorConfig
from . import signing
from .auth import _public_key, environment
from .errors import V2Error

DEFAULT_ALGORITHM = "AMZN-PAY-RSASSA-PSS"  # checkout.js's when the config names none


class ButtonRefused(Exception):
    """Why Amazon does not start a checkout from this button: its code and a message the
    button shows."""

    def __init__(self, code: str, message: str) -> None:
        self.code, self.message = code, message
        super().__init__(f"{code}: {message}")


@dataclass(frozen=True)
class ButtonPress:
    """What checkout.js sends when the buyer presses the button."""

    merchant_id: str
    public_key_id: str
    payload_json: str
    signature: str
    algorithm: str
    sandbox: bool


def string_to_sign(algorithm: str, payload_json: str) -> str:
    return f"{algorithm}\n{hashlib.sha256(payload_json.encode()).hexdigest()}"


def verify(config: SimulatorConfig, press: ButtonPress) -> tuple[Seller, bool]:
    """The seller whose key signed the button's payload, and whether it is the sandbox;
    raises ButtonRefused naming what is wrong."""
    if press.algorithm not in signing.SALT_LENGTHS:
        known = ", ".join(sorted(signing.SALT_LENGTHS))
        raise ButtonRefused("InvalidParameterValue", f"algorithm must be one of {known}.")
    seller = config.seller_by_public_key(press.public_key_id)
    if seller is None or seller.public_key_pem is None:
        raise ButtonRefused(
            "UnauthorizedAccess", f"The public key id {press.public_key_id!r} is not registered."
        )
    if press.merchant_id != seller.seller_id:
        raise ButtonRefused(
            "InvalidParameterValue",
            f"The merchant id {press.merchant_id!r} does not own public key id "
            f"{press.public_key_id}.",
        )
    try:
        sandbox = environment(press.public_key_id, press.sandbox)
        key = _public_key(seller.public_key_pem)
    except V2Error as error:
        raise ButtonRefused(error.code, error.message) from None
    try:
        signature = base64.b64decode(press.signature, validate=True)
    except (binascii.Error, ValueError):
        signature = b""
    text = string_to_sign(press.algorithm, press.payload_json)
    if not signature or not signing.verifies(key, press.algorithm, text, signature):
        raise ButtonRefused(
            "InvalidSignature",
            "The button's signature does not verify against the public key "
            f"{press.public_key_id}: sign the payloadJSON exactly as the page sends it.",
        )
    return seller, sandbox
