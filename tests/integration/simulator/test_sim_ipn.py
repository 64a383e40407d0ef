"""IPNs: SNS HTTP notifications signed SHA1withRSA by the simulator's own key, carrying
Amazon Pay's message (amazonpay-api.md §B), delivered and retried like SNS (§B.5)."""

from __future__ import annotations

import base64
import json
from urllib.parse import urlsplit
from xml.etree import ElementTree

import httpx
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from simkit import SELLER, Inbox, Shop
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from amzpay.simulator import (
    InProcessTransport,
    Ipn,
    IpnTimeout,
    IpnUnreachable,
    ManualClock,
    Simulator,
    SimulatorConfig,
    http_sender,
)

IPN_NS = "{https://mws.amazonservices.com/ipn/OffAmazonPayments/2013-01-01}"


def _canonical(envelope: dict[str, str]) -> bytes:
    """AWS's string to sign for a Notification: these keys, in this order, when present."""
    keys = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
    return "".join(f"{k}\n{envelope[k]}\n" for k in keys if k in envelope).encode()


def _verify(http: httpx.Client, body: bytes) -> bool:
    """Verify as a shop would: fetch SigningCertURL, check SHA1withRSA over the canonical string."""
    envelope = json.loads(body)
    url = urlsplit(envelope["SigningCertURL"])
    assert url.path.endswith(".pem")
    pem = http.get(url.path).content
    key = x509.load_pem_x509_certificate(pem).public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    try:
        key.verify(
            base64.b64decode(envelope["Signature"]),
            _canonical(envelope),
            padding.PKCS1v15(),
            hashes.SHA1(),
        )
    except InvalidSignature:
        return False
    return True


def _completed_refund(shop: Shop, sim: Simulator) -> None:
    capture_id = shop.captured("100.00")
    shop.refund(capture_id, "25.00", ref="refund-1")
    sim.advance(32)  # completes at 31 s; SNS delivers 0.4 s later


def test_a_completed_refund_sends_a_payment_refund_ipn_signed_by_the_served_certificate(
    shop: Shop, sim: Simulator, inbox: Inbox, http: httpx.Client
) -> None:
    _completed_refund(shop, sim)

    [ipn] = inbox.of("PaymentRefund")

    assert _verify(http, ipn.body)
    certificate = x509.load_pem_x509_certificate(
        http.get(urlsplit(json.loads(ipn.body)["SigningCertURL"]).path).content
    )
    assert certificate.subject.rfc4514_string() == "CN=sns.amazonaws.com"


def test_the_sns_envelope_has_amazons_fields(shop: Shop, sim: Simulator, inbox: Inbox) -> None:
    _completed_refund(shop, sim)

    envelope = json.loads(inbox.of("PaymentRefund")[0].body)

    assert list(envelope) == [
        "Type",
        "MessageId",
        "TopicArn",
        "Message",
        "Timestamp",
        "SignatureVersion",
        "Signature",
        "SigningCertURL",
        "UnsubscribeURL",
    ]
    assert envelope["Type"] == "Notification"
    assert envelope["SignatureVersion"] == "1"
    assert (
        envelope["TopicArn"]
        == f"arn:aws:sns:eu-west-1:291180941288:{SELLER.marketplace_id}{SELLER.seller_id}"
    )
    assert envelope["Timestamp"] == "2026-03-02T10:00:31.000Z"
    assert envelope["SigningCertURL"].startswith(
        "http://sim.test/_sim/sns/SimpleNotificationService-"
    )
    assert envelope["UnsubscribeURL"].startswith("http://sim.test/")


def test_the_ipn_carries_snss_headers(shop: Shop, sim: Simulator, inbox: Inbox) -> None:
    _completed_refund(shop, sim)

    ipn = inbox.of("PaymentRefund")[0]

    envelope = json.loads(ipn.body)
    assert ipn.headers["x-amz-sns-message-type"] == "Notification"
    assert ipn.headers["x-amz-sns-message-id"] == envelope["MessageId"]
    assert ipn.headers["x-amz-sns-topic-arn"] == envelope["TopicArn"]
    assert ipn.headers["x-amz-sns-subscription-arn"].startswith(envelope["TopicArn"] + ":")
    assert ipn.headers["Content-Type"] == "text/plain; charset=UTF-8"
    assert ipn.headers["User-Agent"] == "Amazon Simple Notification Service Agent"


def test_the_message_is_amazon_pays_json_with_the_refund_as_notification_data(
    shop: Shop, sim: Simulator, inbox: Inbox
) -> None:
    _completed_refund(shop, sim)

    message = json.loads(json.loads(inbox.of("PaymentRefund")[0].body)["Message"])
    data = ElementTree.fromstring(message["NotificationData"])

    assert list(message) == [
        "NotificationReferenceId",
        "MarketplaceID",
        "NotificationType",
        "SellerId",
        "ReleaseEnvironment",
        "Version",
        "NotificationData",
        "Timestamp",
    ]
    assert message["NotificationType"] == "PaymentRefund"
    assert message["SellerId"] == SELLER.seller_id
    assert message["ReleaseEnvironment"] == "Sandbox"
    assert message["Version"] == "2013-01-01"
    assert data.tag == f"{IPN_NS}RefundNotification"
    details = data.find(f"{IPN_NS}RefundDetails")
    assert details is not None
    assert details.findtext(f"{IPN_NS}RefundReferenceId") == "refund-1"
    assert details.findtext(f"{IPN_NS}RefundAmount/{IPN_NS}Amount") == "25.00"
    assert details.findtext(f"{IPN_NS}RefundStatus/{IPN_NS}State") == "Completed"


def test_each_kind_of_object_notifies_with_its_own_type_and_root(
    shop: Shop, sim: Simulator, inbox: Inbox
) -> None:
    _completed_refund(shop, sim)

    roots = {}
    for ipn in inbox:
        message = json.loads(json.loads(ipn.body)["Message"])
        root = ElementTree.fromstring(message["NotificationData"])
        roots[message["NotificationType"]] = (root.tag.removeprefix(IPN_NS), names_of(root))

    assert roots == {
        "OrderReferenceNotification": ("OrderReferenceNotification", ["OrderReference"]),
        "PaymentAuthorize": ("AuthorizationNotification", ["AuthorizationDetails"]),
        "PaymentCapture": ("CaptureNotification", ["CaptureDetails"]),
        "PaymentRefund": ("RefundNotification", ["RefundDetails"]),
    }


def names_of(root: ElementTree.Element) -> list[str]:
    return [child.tag.removeprefix(IPN_NS) for child in root]


def test_a_pending_refund_sends_no_ipn_until_it_settles(
    shop: Shop, sim: Simulator, inbox: Inbox
) -> None:
    capture_id = shop.captured("100.00")
    shop.refund(capture_id, "25.00")

    sim.advance(30)
    before = inbox.of("PaymentRefund")
    sim.advance(2)

    assert before == []
    assert [ipn.state for ipn in inbox.of("PaymentRefund")] == ["Completed"]


def test_an_asynchronous_authorization_notifies_when_it_opens(
    shop: Shop, sim: Simulator, inbox: Inbox
) -> None:
    order_id = shop.open_order("10.00")
    shop.amazon.ok(
        "Authorize",
        AmazonOrderReferenceId=order_id,
        AuthorizationReferenceId="a-async",
        **{"AuthorizationAmount.Amount": "10.00", "AuthorizationAmount.CurrencyCode": "EUR"},
    )

    sim.advance(31)

    assert [ipn.state for ipn in inbox.of("PaymentAuthorize")] == ["Open"]


def test_an_ipn_answered_500_is_retried_every_hour_until_it_is_accepted(
    shop: Shop, sim: Simulator, inbox: Inbox
) -> None:
    inbox.status = 500
    _completed_refund(shop, sim)
    tries_before = len(inbox.of("PaymentRefund"))
    sim.advance(3600)
    inbox.status = 200
    sim.advance(3600)

    refund_ipns = inbox.of("PaymentRefund")

    assert tries_before == 1
    assert len(refund_ipns) == 3
    assert len({ipn.message_id for ipn in refund_ipns}) == 1
    sim.advance(3 * 3600)
    assert len(inbox.of("PaymentRefund")) == 3
    [delivery] = [d for d in sim.outbox.log if d.ipn.notification_type == "PaymentRefund"]
    assert delivery.final == "delivered"
    assert [a.status for a in delivery.attempts] == [500, 500, 200]


def test_an_ipn_answered_4xx_is_not_retried(shop: Shop, sim: Simulator, inbox: Inbox) -> None:
    inbox.status = 400
    _completed_refund(shop, sim)

    sim.advance(5 * 3600)

    assert len(inbox.of("PaymentRefund")) == 1


def test_an_ipn_that_times_out_is_retried(config: SimulatorConfig, clock: ManualClock) -> None:
    attempts: list[str] = []

    def slow_then_fine(url: str | None, ipn: Ipn) -> int:
        attempts.append(ipn.notification_type)
        if len(attempts) == 1:
            raise IpnTimeout("no answer")
        return 200

    sim = Simulator(config, clock=clock, sender=slow_then_fine)
    sim.create_order_reference()
    sim.advance(3 * 3600)  # the draft goes stale: one OrderReferenceNotification
    sim.advance(3601)

    assert attempts == ["OrderReferenceNotification", "OrderReferenceNotification"]


def test_an_unreachable_endpoint_is_not_retried(
    config: SimulatorConfig, clock: ManualClock
) -> None:
    attempts: list[str] = []

    def unreachable(url: str | None, ipn: Ipn) -> int:
        attempts.append(ipn.notification_type)
        raise IpnUnreachable("connection refused")

    sim = Simulator(config, clock=clock, sender=unreachable)
    sim.create_order_reference()
    sim.advance(10 * 3600)

    assert attempts == ["OrderReferenceNotification"]
    assert sim.outbox.log[0].final == "unreachable"


def test_retries_stop_after_fourteen_days(config: SimulatorConfig, clock: ManualClock) -> None:
    attempts: list[int] = []

    def down(url: str | None, ipn: Ipn) -> int:
        attempts.append(1)
        return 503

    sim = Simulator(config, clock=clock, sender=down)
    sim.create_order_reference()
    sim.advance(3 * 3600 + 20 * 86400)

    assert len(attempts) == 14 * 24 + 1
    assert sim.outbox.log[0].final == "expired"


def test_the_ipn_goes_to_the_sellers_configured_url(shop: Shop, sim: Simulator) -> None:
    urls: list[str | None] = []

    def to_shop(url: str | None, ipn: Ipn) -> int:
        urls.append(url)
        return 200

    sim.sender = to_shop
    _completed_refund(shop, sim)

    assert set(urls) == {SELLER.ipn_url}


def test_ipns_can_be_delivered_to_a_shops_asgi_app_without_sockets(
    config: SimulatorConfig, clock: ManualClock
) -> None:
    received: list[tuple[str, dict[str, str], bytes]] = []
    answers = [503, 200]

    async def ipn_endpoint(request: Request) -> Response:
        received.append((request.url.path, dict(request.headers), await request.body()))
        return Response(status_code=answers[len(received) - 1])

    shop_app = Starlette(routes=[Route("/amazon/ipn", ipn_endpoint, methods=["POST"])])
    sender = http_sender(httpx.Client(transport=InProcessTransport(shop_app)))
    sim = Simulator(config, clock=clock, sender=sender)
    sim.create_order_reference()

    sim.advance(3 * 3600 + 1)
    sim.advance(3600)

    assert [path for path, _, _ in received] == ["/amazon/ipn", "/amazon/ipn"]
    assert received[0][1]["x-amz-sns-message-type"] == "Notification"
    assert json.loads(received[1][2])["Type"] == "Notification"
    assert sim.outbox.log[0].final == "delivered"
