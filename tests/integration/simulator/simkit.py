"""What the simulator's tests drive it with, as a shop would: an independent Signature V2
signer (written from Amazon's description, sharing nothing with the simulator), a small client,
XML helpers, an IPN inbox and builders for orders, captures and refunds."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import quote
from xml.etree import ElementTree

import httpx

from amzpay.simulator import Ipn, Seller, Simulator
from amzpay.simulator.clock import Clock

NS = {"a": "http://mws.amazonservices.com/schema/OffAmazonPayments/2013-01-01"}
HOST = "mws-eu.amazonservices.com"
SANDBOX = "/OffAmazonPayments_Sandbox/2013-01-01"
LIVE = "/OffAmazonPayments/2013-01-01"
SELLER = Seller(
    seller_id="A1SHOPSELLER",
    access_key_id="AKIASHOPKEY",
    secret_key="shop-secret",
    ipn_url="https://shop.example/amazon/ipn",
)


def sign_v2(secret: str, host: str, path: str, params: dict[str, str]) -> str:
    """Signature V2 with HmacSHA256, from Amazon's MWS description."""

    def enc(text: str) -> str:
        return quote(text, safe="-_.~")

    query = "&".join(f"{enc(k)}={enc(params[k])}" for k in sorted(params))
    message = "\n".join(["POST", host, path, query])
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class Amazon:
    """What a shop's client does: sign, POST, read XML."""

    def __init__(self, http: httpx.Client, clock: Clock, seller: Seller = SELLER) -> None:
        self.http, self.clock, self.seller, self.path = http, clock, seller, SANDBOX

    def post(self, action: str, secret: str | None = None, **params: str) -> httpx.Response:
        signed = self.envelope(action) | params
        signed["Signature"] = sign_v2(secret or self.seller.secret_key, HOST, self.path, signed)
        return self.http.post(self.path, data=signed)

    def envelope(self, action: str) -> dict[str, str]:
        return {
            "AWSAccessKeyId": self.seller.access_key_id,
            "Action": action,
            "SellerId": self.seller.seller_id,
            "SignatureMethod": "HmacSHA256",
            "SignatureVersion": "2",
            "Timestamp": self.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2013-01-01",
        }

    def ok(self, action: str, **params: str) -> ElementTree.Element:
        """The ``<{action}Result>`` of a call that must succeed."""
        answer = self.post(action, **params)
        assert answer.status_code == 200, answer.text
        result = ElementTree.fromstring(answer.content).find(f"a:{action}Result", NS)
        assert result is not None
        return result

    def error(self, action: str, **params: str) -> tuple[int, str]:
        """The HTTP status and error Code of a call that must fail."""
        answer = self.post(action, **params)
        code = ElementTree.fromstring(answer.content).findtext("a:Error/a:Code", None, NS)
        assert code is not None, answer.text
        return answer.status_code, code


def text(element: ElementTree.Element, path: str) -> str:
    """The text at ``path`` ('/'-separated element names in Amazon's namespace)."""
    found = element.findtext("/".join(f"a:{p}" for p in path.split("/")), None, NS)
    assert found is not None, f"no {path}"
    return found


def node(element: ElementTree.Element, path: str) -> ElementTree.Element:
    """The element at ``path`` ('/'-separated names in Amazon's namespace)."""
    found = element.find("/".join(f"a:{p}" for p in path.split("/")), NS)
    assert found is not None, f"no {path}"
    return found


def names(element: ElementTree.Element) -> list[str]:
    """The element's children's names, in order, without the namespace."""
    return [child.tag.split("}")[1] for child in element]


class Inbox(list[Ipn]):
    """The shop's IPN endpoint: keeps every IPN, answers ``status``."""

    status = 200

    def __call__(self, url: str | None, ipn: Ipn) -> int:
        self.append(ipn)
        return self.status

    def of(self, kind: str) -> list[Ipn]:
        return [ipn for ipn in self if ipn.notification_type == kind]


class Sleeps(list[float]):
    """The simulator's sleeps (latency, lost responses), recorded instead of slept."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


class Shop:
    """Builders for the objects a test starts from, made through the API."""

    def __init__(self, amazon: Amazon, sim: Simulator) -> None:
        self.amazon, self.sim = amazon, sim
        self._made = 0

    def _fresh(self, prefix: str) -> str:
        self._made += 1
        return f"{prefix}-{self._made}"

    def open_order(self, total: str = "100.00", currency: str = "EUR", **buyer: str) -> str:
        order_id = self.sim.create_order_reference(payment_method=buyer.get("method", "visa"))
        self.amazon.ok(
            "SetOrderReferenceDetails",
            AmazonOrderReferenceId=order_id,
            **{
                "OrderReferenceAttributes.OrderTotal.Amount": total,
                "OrderReferenceAttributes.OrderTotal.CurrencyCode": currency,
            },
        )
        self.amazon.ok("ConfirmOrderReference", AmazonOrderReferenceId=order_id)
        return order_id

    def authorize(self, order_id: str, amount: str, ref: str = "", **extra: str) -> str:
        result = self.amazon.ok(
            "Authorize",
            AmazonOrderReferenceId=order_id,
            AuthorizationReferenceId=ref or self._fresh("auth"),
            TransactionTimeout="0",
            **{"AuthorizationAmount.Amount": amount, "AuthorizationAmount.CurrencyCode": "EUR"},
            **extra,
        )
        return text(result, "AuthorizationDetails/AmazonAuthorizationId")

    def capture(self, auth_id: str, amount: str, ref: str = "", **extra: str) -> str:
        result = self.amazon.ok(
            "Capture",
            AmazonAuthorizationId=auth_id,
            CaptureReferenceId=ref or self._fresh("cap"),
            **{"CaptureAmount.Amount": amount, "CaptureAmount.CurrencyCode": "EUR"},
            **extra,
        )
        return text(result, "CaptureDetails/AmazonCaptureId")

    def captured(self, amount: str = "100.00") -> str:
        """A Completed capture of ``amount`` EUR on a fresh order."""
        order_id = self.open_order(amount)
        return self.capture(self.authorize(order_id, amount), amount)

    def refund(
        self, capture_id: str, amount: str, ref: str = "ref-1", **extra: str
    ) -> httpx.Response:
        return self.amazon.post(
            "Refund",
            AmazonCaptureId=capture_id,
            RefundReferenceId=ref,
            **{"RefundAmount.Amount": amount, "RefundAmount.CurrencyCode": "EUR"},
            **extra,
        )
