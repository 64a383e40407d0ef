"""What the v2 simulator tests drive it with, as a shop would: an RSASSA-PSS request signer
written from Amazon's description (amazonpay-api.md §C.3, sharing nothing with the
simulator), a small client, and builders for checkout sessions, charges and refunds."""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from amzpay.simulator import Seller
from amzpay.simulator.clock import Clock

V2_HOST = "pay-api.amazon.eu"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key: rsa.RSAPrivateKey) -> str:
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return public.decode()


SANDBOX_SELLER = Seller(
    seller_id="A1V2SHOP",
    access_key_id="AKIAV2SHOP",
    secret_key="v2-shop-secret",
    ipn_url="https://shop.example/amazon/ipn",
    public_key_id="SANDBOX-AHV2SHOPKEY0001",
    public_key_pem=pem(KEY),
)
LIVE_SELLER = Seller(
    seller_id="A1V2LIVESHOP",
    access_key_id="AKIAV2LIVE",
    secret_key="v2-live-secret",
    public_key_id="LIVE-AHV2LIVEKEY0001",
    public_key_pem=pem(KEY),
)
PLAIN_SELLER = Seller(
    seller_id="A1V2PLAINSHOP",
    access_key_id="AKIAV2PLAIN",
    secret_key="v2-plain-secret",
    public_key_id="AHV2PLAINKEY0001",
    public_key_pem=pem(KEY),
)
V2_SELLERS = (SANDBOX_SELLER, LIVE_SELLER, PLAIN_SELLER)


def sign(
    key: rsa.RSAPrivateKey,
    algorithm: str,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes,
) -> str:
    """The signature of a request with no query, over all of ``headers``."""
    names = sorted(headers)
    lines = [method, quote(path, safe="/-_.~"), ""]
    lines += [f"{name}:{headers[name]}" for name in names]
    canonical = "\n".join(lines) + "\n\n" + ";".join(names) + "\n"
    canonical += hashlib.sha256(body).hexdigest()
    text = f"{algorithm}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    salt = 32 if algorithm.endswith("-V2") else 20
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=salt)
    return base64.b64encode(key.sign(text.encode(), pss, hashes.SHA256())).decode()


class Pay:
    """A shop's v2 client: signs like the official SDKs and sends through ``http``."""

    def __init__(
        self,
        http: httpx.Client,
        clock: Clock,
        seller: Seller = SANDBOX_SELLER,
        prefix: str = "",
    ) -> None:
        self.http, self.clock, self.seller, self.prefix = http, clock, seller, prefix
        self.key = KEY
        self.algorithm = "AMZN-PAY-RSASSA-PSS-V2"
        self.node_dates = False  # Node's ISO form of x-amz-pay-date instead of PHP/Java's
        self._keys = itertools.count(1)

    def fresh_key(self) -> str:
        return f"key{next(self._keys):04d}"

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        form = "%Y-%m-%dT%H:%M:%SZ" if self.node_dates else "%Y%m%dT%H%M%SZ"
        return {
            "accept": "application/json",
            "content-type": "application/json",
            "x-amz-pay-date": self.clock.now().strftime(form),
            "x-amz-pay-host": V2_HOST,
            "x-amz-pay-region": "EU",
            **(extra or {}),
        }

    def send(
        self,
        method: str,
        path: str,
        payload: dict[str, Any] | None = None,
        *,
        key: str | None = None,
        simulation: str | None = None,
        headers: dict[str, str] | None = None,
        unsigned: dict[str, str] | None = None,
        content: bytes | None = None,
    ) -> httpx.Response:
        """Sign and send; ``key`` and ``simulation`` are signed like every other header
        given (as Java and Node do), ``unsigned`` headers are sent without being signed."""
        body = json.dumps(payload).encode() if payload is not None else content or b""
        extra = dict(headers or {})
        if key is not None:
            extra["x-amz-pay-idempotency-key"] = key
        if simulation is not None:
            extra["x-amz-pay-simulation-code"] = simulation
        signed = self.headers(extra)
        full = self.prefix + path
        signature = sign(self.key, self.algorithm, method, urlsplit(full).path, signed, body)
        authorization = (
            f"{self.algorithm} PublicKeyId={self.seller.public_key_id}, "
            f"SignedHeaders={';'.join(sorted(signed))}, Signature={signature}"
        )
        sent = {**signed, **(unsigned or {}), "authorization": authorization}
        return self.http.request(method, full, content=body, headers=sent)

    def post(self, path: str, payload: dict[str, Any], **options: Any) -> httpx.Response:
        if "key" not in options:
            options["key"] = self.fresh_key()
        return self.send("POST", path, payload, **options)

    def ok(self, method: str, path: str, payload: Any = None, **options: Any) -> dict[str, Any]:
        """The JSON of a call that must succeed."""
        if method == "POST" and "key" not in options:
            options["key"] = self.fresh_key()
        answer = self.send(method, path, payload, **options)
        assert answer.status_code in (200, 201, 202), answer.text
        data: dict[str, Any] = answer.json()
        return data

    def error(self, method: str, path: str, payload: Any = None, **options: Any) -> tuple[int, str]:
        """The HTTP status and reasonCode of a call that must fail."""
        if method == "POST" and "key" not in options:
            options["key"] = self.fresh_key()
        answer = self.send(method, path, payload, **options)
        assert answer.status_code >= 400, answer.text
        return answer.status_code, answer.json()["reasonCode"]


def money(amount: str, currency: str = "EUR") -> dict[str, str]:
    return {"amount": amount, "currencyCode": currency}


class Checkout:
    """Builders: a completed checkout, a charge, a captured charge, made through the API and
    the simulator's control API (for the buyer's part)."""

    def __init__(self, pay: Pay) -> None:
        self.pay = pay

    def session(self, **payment: Any) -> dict[str, Any]:
        """An Open checkout session with its payment details set and no buyer yet."""
        created = self.pay.ok(
            "POST",
            "/v2/checkoutSessions",
            {
                "webCheckoutDetails": {"checkoutReviewReturnUrl": "https://shop.example/review"},
                "storeId": "amzn1.application-oa2-client.simulator",
            },
        )
        details = {"paymentIntent": "Authorize", "chargeAmount": money("100.00"), **payment}
        return self.pay.ok(
            "PATCH",
            f"/v2/checkoutSessions/{created['checkoutSessionId']}",
            {
                "webCheckoutDetails": {"checkoutResultReturnUrl": "https://shop.example/result"},
                "paymentDetails": details,
            },
        )

    def buyer(self, session_id: str, card: str = "visa", **person: str) -> httpx.Response:
        return self.pay.http.post(
            f"/_sim/v2/checkout-sessions/{session_id}/buyer", json={"card": card, **person}
        )

    def completed(
        self, card: str = "visa", amount: str = "100.00", currency: str = "EUR", **payment: Any
    ) -> dict[str, Any]:
        """A Completed checkout session (its chargePermissionId and chargeId filled in)."""
        session = self.session(chargeAmount=money(amount, currency), **payment)
        session_id = session["checkoutSessionId"]
        assert self.buyer(session_id, card).status_code == 200
        return self.pay.ok(
            "POST",
            f"/v2/checkoutSessions/{session_id}/complete",
            {"chargeAmount": money(amount, currency)},
        )

    def captured(self, amount: str = "100.00", currency: str = "EUR") -> str:
        """The id of a Captured charge of ``amount``."""
        done = self.completed(
            amount=amount, currency=currency, paymentIntent="AuthorizeWithCapture"
        )
        charge_id: str = done["chargeId"]
        return charge_id

    def refund(
        self,
        charge_id: str,
        amount: str,
        currency: str = "EUR",
        descriptor: str | None = None,
        **options: Any,
    ) -> httpx.Response:
        body: dict[str, Any] = {"chargeId": charge_id, "refundAmount": money(amount, currency)}
        if descriptor is not None:
            body["softDescriptor"] = descriptor
        return self.pay.post("/v2/refunds", body, **options)
