"""A flood of forged IPNs against the endpoint costs a handful of certificate fetches, is
counted by reason in /metrics, and leaves the API served while every fetch slot is held."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import random
import threading
import time
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from opskit import metrics_of, value

from amzpay.amazonpay.ipn import FetchLimits, HttpxCertificateFetcher
from shop import FakeShop, make_shop

SELLER_ID = "A2SELLER0TEST"
TOPIC = "arn:aws:sns:eu-west-1:291180941288:A1PA6795UKMFR9A2SELLER0TEST"
REAL_CERT = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem"
LIMITS = FetchLimits()  # the defaults, which the shop runs with
SIGNED = ("Message", "MessageId", "Timestamp", "TopicArn", "Type")
REFUND_XML = (
    '<RefundNotification xmlns="https://mws-eu.amazonservices.com/ipn/OffAmazonPayments/2013-01-01">'
    "<RefundDetails><AmazonRefundId>S02-1234567-1234567-R000001</AmazonRefundId>"
    "<RefundReferenceId>rf-0001</RefundReferenceId><RefundType>SellerInitiated</RefundType>"
    "<RefundAmount><Amount>12.30</Amount><CurrencyCode>EUR</CurrencyCode></RefundAmount>"
    "<FeeRefunded><Amount>0.00</Amount><CurrencyCode>EUR</CurrencyCode></FeeRefunded>"
    "<CreationTimestamp>2026-12-02T09:59:28.000Z</CreationTimestamp>"
    "<RefundStatus><State>Completed</State>"
    "<LastUpdateTimestamp>2026-12-02T09:59:59.751Z</LastUpdateTimestamp></RefundStatus>"
    "<SoftDescriptor>AMZ*shop</SoftDescriptor></RefundDetails></RefundNotification>"
)


def cert_url(n: int, region: str = "eu-west-1") -> str:
    return f"https://sns.{region}.amazonaws.com/SimpleNotificationService-{n:032x}.pem"


class Sns:
    """Signs notifications as SNS does, with a key whose certificate ``Amazon`` serves."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
        start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        self.pem = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(1)
            .not_valid_before(start)
            .not_valid_after(start + dt.timedelta(days=3650))
            .sign(self.key, hashes.SHA256())
            .public_bytes(serialization.Encoding.PEM)
        )

    def body(
        self,
        message_id: str,
        *,
        seller_id: str = SELLER_ID,
        topic: str = TOPIC,
        url: str = REAL_CERT,
        forged: bool = False,
    ) -> bytes:
        inner = {
            "NotificationReferenceId": message_id,
            "NotificationType": "PaymentRefund",
            "SellerId": seller_id,
            "ReleaseEnvironment": "Sandbox",
            "NotificationData": REFUND_XML,
        }
        envelope = {
            "Type": "Notification",
            "MessageId": message_id,
            "TopicArn": topic,
            "Message": json.dumps(inner),
            "Timestamp": "2026-12-02T10:00:00.000Z",
        }
        text = "".join(f"{name}\n{envelope[name]}\n" for name in SIGNED).encode()
        signature = (
            b"\x01" * 256 if forged else self.key.sign(text, padding.PKCS1v15(), hashes.SHA1())
        )
        envelope |= {
            "SignatureVersion": "1",
            "Signature": base64.b64encode(signature).decode(),
            "SigningCertURL": url,
        }
        return json.dumps(envelope).encode()


class Amazon:
    """The SNS certificate hosts behind an httpx MockTransport: counts every request, serves
    the real certificate and 404 elsewhere; while ``holding``, keeps each request waiting
    until ``release``."""

    def __init__(self, pem: bytes) -> None:
        self.pem, self.fetched, self.held = pem, [], 0
        self.holding, self.release = False, threading.Event()
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.fetched.append(str(request.url))
            holding = self.holding
            self.held += holding
        if holding:
            self.release.wait(120)
        if str(request.url) == REAL_CERT:
            return httpx.Response(200, content=self.pem)
        return httpx.Response(404)


def forged_flood(sns: Sns) -> list[bytes]:
    """1,000 forged notifications: distinct allowed-looking certificate URLs, repeats of one,
    repeats of the real certificate's, foreign sellers, other regions and topics, odd URLs."""
    odd_urls = [
        f"http://sns.eu-west-1.amazonaws.com/SimpleNotificationService-{0:032x}.pem",
        cert_url(0) + "?x=1",
        cert_url(0).replace(".com/", ".com:443/"),
        "https://sns.eu-west-1.amazonaws.com/cert.pem",
    ]
    groups = [
        [sns.body(f"distinct-{n}", url=cert_url(1000 + n), forged=True) for n in range(250)],
        [sns.body(f"repeat-{n}", url=cert_url(1), forged=True) for n in range(250)],
        [sns.body(f"real-{n}", forged=True) for n in range(100)],
        [
            sns.body(
                f"foreign-{n}", seller_id="A9OTHER0SELLER", url=cert_url(5000 + n), forged=True
            )
            for n in range(100)
        ],
        [sns.body(f"region-{n}", url=cert_url(n, "us-east-1"), forged=True) for n in range(100)],
        [
            sns.body(f"topic-{n}", topic=f"topic-{n}", url=cert_url(n), forged=True)
            for n in range(100)
        ],
        [sns.body(f"odd-{n}", url=odd_urls[n % 4], forged=True) for n in range(100)],
    ]
    bodies = [body for group in groups for body in group]
    random.Random(14).shuffle(bodies)
    return bodies


@pytest.fixture
def sns() -> Sns:
    return Sns()


@pytest.fixture
def amazon(sns: Sns) -> Amazon:
    return Amazon(sns.pem)


@pytest.fixture
def shop(sqlite_url: str, amazon: Amazon) -> Iterator[FakeShop]:
    fetcher = HttpxCertificateFetcher(httpx.Client(transport=httpx.MockTransport(amazon)))
    environ = {"AMZPAY_AMAZON__SELLER_ID": SELLER_ID}
    with make_shop(sqlite_url, environ=environ, certificates=fetcher) as made:
        yield made


async def flood_while_fetches_are_held(
    shop: FakeShop, amazon: Amazon, bodies: list[bytes], token: str
) -> tuple[list[int], httpx.Response, int]:
    """Post ``bodies`` at once while every certificate fetch is held; meanwhile ask the API
    for the refunds. The IPN answers, the API's answer, and the fetches held when it came."""
    transport = httpx.ASGITransport(app=shop.web)
    async with httpx.AsyncClient(transport=transport, base_url="http://shop") as client:
        amazon.holding = True
        posts = [asyncio.ensure_future(client.post("/amazonpay/ipn", content=b)) for b in bodies]
        while amazon.held < LIMITS.in_flight:  # every fetch slot taken by a held fetch
            await asyncio.sleep(0.01)
        api = asyncio.ensure_future(
            client.get("/api/v1/refunds", headers={"Authorization": f"Bearer {token}"})
        )
        # A guard against a hang only: the API must answer while the fetches are held.
        await asyncio.wait([api], timeout=120)
        held_at_answer = amazon.held if api.done() else -1
        amazon.release.set()
        answers = await asyncio.gather(*posts)
        return [answer.status_code for answer in answers], await api, held_at_answer


def test_a_thousand_forged_ipns_cost_a_handful_of_fetches_and_the_api_is_served_meanwhile(
    shop, sns, amazon
):
    started = time.monotonic()
    token = shop.app.access.add_api_token("erp")
    genuine = shop.http.post("/amazonpay/ipn", content=sns.body("genuine-1"))
    bodies = forged_flood(sns)

    during, api, held_at_answer = asyncio.run(
        flood_while_fetches_are_held(shop, amazon, bodies, token)
    )
    after = [shop.http.post("/amazonpay/ipn", content=body).status_code for body in bodies]
    genuine_again = shop.http.post("/amazonpay/ipn", content=sns.body("genuine-2"))
    budget = LIMITS.burst + int((time.monotonic() - started) // LIMITS.refill_seconds)

    assert (genuine.status_code, genuine_again.status_code) == (200, 200)
    assert api.status_code == 200
    assert held_at_answer == LIMITS.in_flight  # answered while every fetch slot was held
    assert set(during) <= {400, 503}
    assert set(after) <= {400, 503}
    # 2,000 forged posts and 2 genuine ones: the genuine certificate fetched once, the rest
    # within the budget of fetches of unknown URLs.
    assert len(amazon.fetched) <= budget
    assert amazon.fetched.count(REAL_CERT) == 1
    assert shop.app.queries.ipns().total == 2


def test_forged_ipns_are_counted_by_reason_with_the_fetches_they_caused(shop, sns, amazon):
    shop.http.post("/amazonpay/ipn", content=sns.body("genuine-1"))
    answers = Counter(
        shop.http.post("/amazonpay/ipn", content=body).status_code for body in forged_flood(sns)
    )

    found = metrics_of(shop)

    reasons = {
        reason: value(found, "amzpay_ipns_rejected_total", reason=reason)
        for reason in (
            "signature",
            "topic",
            "certificate-url",
            "foreign",
            "certificate",
            "certificate-remembered",
            "certificate-busy",
        )
    }
    assert reasons["signature"] == 100  # the real certificate's URL: its key is cached
    assert reasons["topic"] == 100
    assert reasons["certificate-url"] == 200  # other regions, odd URL forms
    assert reasons["foreign"] == 100
    assert reasons["certificate"] == len(amazon.fetched) - 1  # each failed fetch once
    assert reasons["certificate-remembered"] >= 249  # the repeated URL after its one fetch
    assert reasons["certificate-busy"] == answers[503]
    assert sum(reasons.values()) == 1000
    assert value(found, "amzpay_ipn_certificate_fetches_total", outcome="ok") == 1
    assert (
        value(found, "amzpay_ipn_certificate_fetches_total", outcome="failed")
        == len(amazon.fetched) - 1
    )


def test_a_certificate_host_that_times_out_is_answered_503_and_not_asked_again_at_once(
    sqlite_url, sns
):
    asked: list[str] = []

    def time_out(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        raise httpx.ReadTimeout("no answer", request=request)

    fetcher = HttpxCertificateFetcher(httpx.Client(transport=httpx.MockTransport(time_out)))
    environ = {"AMZPAY_AMAZON__SELLER_ID": SELLER_ID}
    with make_shop(sqlite_url, environ=environ, certificates=fetcher) as shop:
        answers = [shop.http.post("/amazonpay/ipn", content=sns.body(f"m-{n}")) for n in range(5)]
        found = metrics_of(shop)

    assert {answer.status_code for answer in answers} == {503}
    assert {answer.json()["error"]["code"] for answer in answers} == {"ipn_deferred"}
    assert answers[0].headers["retry-after"] == "60"
    assert asked == [REAL_CERT]
    assert value(found, "amzpay_ipns_rejected_total", reason="certificate") == 1
    assert value(found, "amzpay_ipns_rejected_total", reason="certificate-remembered") == 4
