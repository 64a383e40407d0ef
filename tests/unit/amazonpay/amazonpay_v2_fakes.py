"""Test doubles for the API v2 client: Amazon's answers played by an httpx.MockTransport,
a merchant key pair, sample objects in Amazon's JSON, and a check of a request's signature
made with ``cryptography`` alone (not with the client's signing code)."""

from __future__ import annotations

import base64
import hashlib
import json
from functools import cache
from typing import Any
from urllib.parse import unquote

import httpx
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

PUBLIC_KEY_ID = "SANDBOX-AHEXAMPLEKEYID0123456789"
CHARGE_PERMISSION = "S02-5105180-3221187"
CHARGE = "S02-5105180-3221187-C056351"
REFUND = "S02-5105180-3221187-R022311"
CHECKOUT_SESSION = "bd504926-f659-4ad7-a1a9-9a747aaf5275"


@cache
def private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class FakeAmazonV2:
    """Answers queued replies in order and keeps every request."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self._replies: list[httpx.Response | Exception] = []

    def reply(
        self, status: int, body: dict[str, Any] | bytes, request_id: str = "req-1"
    ) -> FakeAmazonV2:
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {"content-type": "application/json", "x-amz-pay-request-id": request_id}
        self._replies.append(httpx.Response(status, content=content, headers=headers))
        return self

    def fail(self, error: Exception) -> FakeAmazonV2:
        self._replies.append(error)
        return self

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        reply = self._replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply

    def bodies(self) -> list[Any]:
        return [json.loads(r.content) if r.content else None for r in self.requests]


def error_body(code: str, message: str = "what Amazon says") -> dict[str, str]:
    return {"reasonCode": code, "message": message}


def money(amount: str, currency: str = "EUR") -> dict[str, str]:
    return {"amount": amount, "currencyCode": currency}


def status(state: str, reason: str | None = None) -> dict[str, Any]:
    return {
        "state": state,
        "reasonCode": reason,
        "reasonDescription": None if reason is None else f"because {reason}",
        "lastUpdatedTimestamp": "20190714T155300Z",
    }


def refund_json(state: str = "RefundInitiated", amount: str = "12.30", currency: str = "EUR"):
    return {
        "refundId": REFUND,
        "chargeId": CHARGE,
        "creationTimestamp": "20190714T155300Z",
        "refundAmount": money(amount, currency),
        "softDescriptor": "Descriptor",
        "statusDetails": status(state),
        "releaseEnvironment": "Sandbox",
    }


def charge_json(state: str = "Authorized", amount: str = "14.00", reason: str | None = None):
    return {
        "chargeId": CHARGE,
        "chargePermissionId": CHARGE_PERMISSION,
        "chargeAmount": money(amount),
        "captureAmount": money(amount) if state == "Captured" else None,
        "refundedAmount": None,
        "softDescriptor": None,
        "providerMetadata": {"providerReferenceId": None},
        "convertedAmount": None,
        "conversionRate": None,
        "creationTimestamp": "2019-07-14T15:53:00Z",
        "expirationTimestamp": "2019-08-13T15:53:00.000Z",
        "statusDetails": status(state, reason),
        "releaseEnvironment": "Sandbox",
    }


def charge_permission_json(state: str = "Chargeable"):
    return {
        "chargePermissionId": CHARGE_PERMISSION,
        "buyer": {"name": "Jane Buyer", "email": "jane@example.com", "buyerId": "B-1"},
        "shippingAddress": {
            "name": "Jane Buyer",
            "addressLine1": "1 Street",
            "phoneNumber": "0123",
        },
        "statusDetails": {
            "state": state,
            "reasons": [{"reasonCode": "BillingAddressDeleted", "reasonDescription": "gone"}]
            if state == "NonChargeable"
            else None,
            "lastUpdatedTimestamp": "20190714T155300Z",
        },
        "limits": {"amountLimit": money("200.00"), "amountBalance": money("186.00")},
        "merchantMetadata": {"merchantReferenceId": "order-1001"},
        "creationTimestamp": "20190714T155300Z",
        "expirationTimestamp": "20200714T155300Z",
        "releaseEnvironment": "Sandbox",
    }


def checkout_session_json(state: str = "Open"):
    return {
        "checkoutSessionId": CHECKOUT_SESSION,
        "webCheckoutDetails": {"amazonPayRedirectUrl": "https://pay.example/redirect"},
        "paymentDetails": {"paymentIntent": "Authorize", "chargeAmount": money("14.00")},
        "merchantMetadata": {"merchantReferenceId": "order-1001"},
        "buyer": {"name": "Jane Buyer", "email": "jane@example.com"},
        "statusDetails": status(state),
        "chargePermissionId": CHARGE_PERMISSION if state == "Completed" else None,
        "chargeId": CHARGE if state == "Completed" else None,
        "creationTimestamp": "20190714T155300Z",
        "releaseEnvironment": "Sandbox",
    }


def verify_request(request: httpx.Request, public_key: rsa.RSAPublicKey) -> str:
    """Rebuild the canonical request from what travelled and verify its signature with
    ``cryptography`` (research C.3); returns the algorithm. Raises InvalidSignature."""
    algorithm, _, rest = request.headers["authorization"].partition(" ")
    fields = dict(part.strip().split("=", 1) for part in rest.split(", "))
    names = fields["SignedHeaders"].split(";")
    headers = "".join(f"{name}:{request.headers[name]}\n" for name in names)
    canonical = "\n".join(
        (
            request.method,
            unquote(request.url.raw_path.decode().split("?")[0]),
            "",
            headers,
            ";".join(names),
            hashlib.sha256(request.content).hexdigest(),
        )
    )
    text = f"{algorithm}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    salt = {"AMZN-PAY-RSASSA-PSS-V2": 32, "AMZN-PAY-RSASSA-PSS": 20}[algorithm]
    public_key.verify(
        base64.b64decode(fields["Signature"]),
        text.encode(),
        padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=salt),
        hashes.SHA256(),
    )
    return algorithm
