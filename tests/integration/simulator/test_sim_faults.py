"""Faults on demand through the control API (not under Amazon's paths): IPNs dropped,
duplicated, delayed, reordered or badly signed; calls failing with 500/503, performed with
their response lost, or slowed down."""

from __future__ import annotations

import base64
import json
from xml.etree import ElementTree

import httpx
import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from simkit import Amazon, Inbox, Shop, Sleeps, text

from amzpay.simulator import Simulator


def _inject(http: httpx.Client, **faults: float) -> None:
    answer = http.post("/_sim/faults", json=faults)
    assert answer.status_code == 200, answer.text


def test_a_dropped_ipn_is_never_delivered(
    http: httpx.Client, shop: Shop, sim: Simulator, inbox: Inbox
) -> None:
    _inject(http, drop_ipns=1)
    capture_id = shop.captured("100.00")
    inbox.clear()
    _inject(http, drop_ipns=1)

    shop.refund(capture_id, "5.00")
    sim.advance(3600)

    assert inbox.of("PaymentRefund") == []
    assert http.get("/_sim/ipns").json()[-1]["final"] == "dropped"


def test_a_duplicated_ipn_arrives_twice_with_the_same_message_id(
    http: httpx.Client, shop: Shop, sim: Simulator, inbox: Inbox
) -> None:
    capture_id = shop.captured("100.00")
    _inject(http, duplicate_ipns=1)

    shop.refund(capture_id, "5.00")
    sim.advance(60)

    refunds = inbox.of("PaymentRefund")
    assert len(refunds) == 2
    assert refunds[0].message_id == refunds[1].message_id


def test_a_delayed_ipn_arrives_only_after_the_delay(
    http: httpx.Client, shop: Shop, sim: Simulator, inbox: Inbox
) -> None:
    capture_id = shop.captured("100.00")
    _inject(http, delay_ipns=1, delay_seconds=600)

    shop.refund(capture_id, "5.00")
    sim.advance(600)
    early = inbox.of("PaymentRefund")
    sim.advance(60)

    assert early == []
    assert len(inbox.of("PaymentRefund")) == 1


def test_reordered_ipns_arrive_newest_first(
    http: httpx.Client, shop: Shop, sim: Simulator, inbox: Inbox
) -> None:
    capture_id = shop.captured("100.00")
    inbox.clear()
    _inject(http, reorder_ipns=3)

    ids = []
    for n in range(3):
        answer = shop.refund(capture_id, "1.00", ref=f"refund-{n}")
        ids.append(
            text(
                ElementTree.fromstring(answer.content), "RefundResult/RefundDetails/AmazonRefundId"
            )
        )
        sim.advance(1)
    sim.advance(60)

    assert [ipn.object_id for ipn in inbox.of("PaymentRefund")] == list(reversed(ids))


def test_a_badly_signed_ipn_fails_verification_with_the_served_certificate(
    http: httpx.Client, shop: Shop, sim: Simulator, inbox: Inbox
) -> None:
    capture_id = shop.captured("100.00")
    _inject(http, bad_signature_ipns=1)

    shop.refund(capture_id, "5.00")
    sim.advance(60)

    envelope = json.loads(inbox.of("PaymentRefund")[0].body)
    pem = http.get("/_sim/sns/" + envelope["SigningCertURL"].rsplit("/", 1)[1]).content
    key = x509.load_pem_x509_certificate(pem).public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    canonical = "".join(
        f"{k}\n{envelope[k]}\n" for k in ("Message", "MessageId", "Timestamp", "TopicArn", "Type")
    ).encode()
    with pytest.raises(InvalidSignature):
        key.verify(
            base64.b64decode(envelope["Signature"]), canonical, padding.PKCS1v15(), hashes.SHA1()
        )


@pytest.mark.parametrize(
    ("status", "code"), [(500, "InternalServerError"), (503, "ServiceUnavailable")]
)
def test_the_next_calls_fail_with_the_chosen_server_error(
    http: httpx.Client, amazon: Amazon, sim: Simulator, status: int, code: str
) -> None:
    order_id = sim.create_order_reference()
    _inject(http, fail_calls=2, fail_status=status)

    first = amazon.error("GetOrderReferenceDetails", AmazonOrderReferenceId=order_id)
    second = amazon.error("GetOrderReferenceDetails", AmazonOrderReferenceId=order_id)
    third = amazon.post("GetOrderReferenceDetails", AmazonOrderReferenceId=order_id)

    assert first == second == (status, code)
    assert third.status_code == 200


def test_a_failed_call_does_no_work(http: httpx.Client, shop: Shop, amazon: Amazon) -> None:
    capture_id = shop.captured("100.00")
    _inject(http, fail_calls=1)

    failed = shop.refund(capture_id, "5.00", ref="refund-1")

    capture = amazon.ok("GetCaptureDetails", AmazonCaptureId=capture_id)[0]
    assert failed.status_code == 500
    assert capture.find("{*}IdList/{*}member") is None


def test_a_lost_response_times_out_but_the_refund_was_made(
    http: httpx.Client, shop: Shop, amazon: Amazon, sleeps: Sleeps
) -> None:
    capture_id = shop.captured("100.00")
    _inject(http, lose_responses=1)

    with pytest.raises(httpx.ReadTimeout):
        shop.refund(capture_id, "5.00", ref="refund-1")
    retry = shop.refund(capture_id, "5.00", ref="refund-1")

    capture = amazon.ok("GetCaptureDetails", AmazonCaptureId=capture_id)[0]
    assert len(capture.findall("{*}IdList/{*}member")) == 1
    assert text(
        ElementTree.fromstring(retry.content), "RefundResult/RefundDetails/AmazonRefundId"
    ) == text(capture, "IdList/member")
    assert sleeps == [120.0]


def test_latency_delays_every_call(
    http: httpx.Client, amazon: Amazon, sim: Simulator, sleeps: Sleeps
) -> None:
    order_id = sim.create_order_reference()
    _inject(http, latency_seconds=2.5)

    amazon.ok("GetOrderReferenceDetails", AmazonOrderReferenceId=order_id)
    amazon.ok("GetOrderReferenceDetails", AmazonOrderReferenceId=order_id)

    assert sleeps == [2.5, 2.5]


def test_clearing_faults_restores_normal_service(
    http: httpx.Client, amazon: Amazon, sim: Simulator
) -> None:
    order_id = sim.create_order_reference()
    _inject(http, fail_calls=5)

    http.delete("/_sim/faults")

    assert (
        amazon.post("GetOrderReferenceDetails", AmazonOrderReferenceId=order_id).status_code == 200
    )


@pytest.mark.parametrize("faults", [{"explode": 1}, {"fail_calls": "many"}, {"fail_status": 502}])
def test_an_unknown_or_malformed_fault_is_refused(
    http: httpx.Client, faults: dict[str, object]
) -> None:
    assert http.post("/_sim/faults", json=faults).status_code == 400


def test_faults_are_not_under_amazons_paths(http: httpx.Client) -> None:
    assert http.post("/OffAmazonPayments_Sandbox/2013-01-01/faults", json={}).status_code == 404
