"""The API v2 client against Amazon's answers played by an httpx.MockTransport: paths,
bodies and signatures of each operation, typed results, and refusals before sending."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from amazonpay_fakes import FakeClock, make_pacing
from amazonpay_v2_fakes import (
    CHARGE,
    CHARGE_PERMISSION,
    CHECKOUT_SESSION,
    PUBLIC_KEY_ID,
    REFUND,
    FakeAmazonV2,
    charge_json,
    charge_permission_json,
    checkout_session_json,
    private_key,
    refund_json,
    verify_request,
)

from amzpay.amazonpay.calllog import InMemoryCallLog
from amzpay.amazonpay.gateway import CallRefused
from amzpay.amazonpay.v2.client import PaymentIntent, V2Client
from amzpay.amazonpay.v2.regions import Endpoint, Environment, Region
from amzpay.amazonpay.v2.signing import Algorithm, Signer
from amzpay.amazonpay.v2.wire import (
    ChargePermissionState,
    ChargeState,
    CheckoutSessionState,
    RefundState,
)
from amzpay.domain.money import Money

EUR_12_30 = Money(1230, "EUR")


@pytest.fixture
def amazon() -> FakeAmazonV2:
    return FakeAmazonV2()


@pytest.fixture
def call_log() -> InMemoryCallLog:
    return InMemoryCallLog()


def make_client(amazon, call_log, algorithm=Algorithm.PSS_V2, endpoint=None):
    http = httpx.Client(transport=httpx.MockTransport(amazon))
    endpoint = endpoint or Endpoint.of(Region.EU, Environment.SANDBOX, PUBLIC_KEY_ID)
    signer = Signer(PUBLIC_KEY_ID, private_key(), algorithm)
    return http, V2Client(
        http, endpoint, signer, pacing=make_pacing(FakeClock()), call_log=call_log
    )


@pytest.fixture
def client(amazon, call_log) -> Iterator[V2Client]:
    http, client = make_client(amazon, call_log)
    with http:
        yield client


def test_a_refund_is_posted_with_its_amount_and_the_reference_id_as_idempotency_key(client, amazon):
    amazon.reply(201, refund_json())

    refund = client.create_refund(CHARGE, EUR_12_30, reference_id="rf-0001")

    sent = amazon.requests[0]
    assert (sent.method, sent.url.path) == ("POST", "/v2/refunds")
    assert sent.url.host == "pay-api.amazon.eu"
    assert amazon.bodies() == [
        {"chargeId": CHARGE, "refundAmount": {"amount": "12.30", "currencyCode": "EUR"}}
    ]
    assert sent.headers["x-amz-pay-idempotency-key"] == "rf-0001"
    assert "x-amz-pay-idempotency-key" in sent.headers["authorization"]
    assert refund.refund_id == REFUND
    assert refund.amount == EUR_12_30
    assert refund.status.state is RefundState.REFUND_INITIATED
    assert refund.created_at == datetime(2019, 7, 14, 15, 53, tzinfo=UTC)


@pytest.mark.parametrize("algorithm", list(Algorithm))
def test_every_request_carries_a_signature_cryptography_verifies(amazon, call_log, algorithm):
    amazon.reply(201, refund_json()).reply(200, refund_json("Refunded"))
    http, client = make_client(amazon, call_log, algorithm)
    with http:
        client.create_refund(CHARGE, EUR_12_30, reference_id="rf-0001")
        client.get_refund(REFUND)

    for request in amazon.requests:
        assert verify_request(request, private_key().public_key()) == algorithm.label


def test_the_signed_headers_are_the_date_host_region_content_type_and_accept(client, amazon):
    amazon.reply(200, refund_json())

    client.get_refund(REFUND)

    sent = amazon.requests[0]
    assert (
        "SignedHeaders=accept;content-type;x-amz-pay-date;x-amz-pay-host;x-amz-pay-region,"
        in sent.headers["authorization"]
    )
    assert sent.headers["x-amz-pay-host"] == "pay-api.amazon.eu"
    assert sent.headers["x-amz-pay-region"] == "eu"
    assert sent.headers["x-amz-pay-date"] == "20261128T100000Z"
    assert sent.headers["accept"] == sent.headers["content-type"] == "application/json"
    assert sent.content == b""


def test_a_key_id_without_environment_calls_the_sandbox_path_and_signs_it(amazon, call_log):
    amazon.reply(200, refund_json())
    endpoint = Endpoint.of(Region.NA, Environment.SANDBOX, "AHEXAMPLEKEYID")
    http, client = make_client(amazon, call_log, endpoint=endpoint)
    with http:
        client.get_refund(REFUND)

    sent = amazon.requests[0]
    assert str(sent.url) == f"https://pay-api.amazon.com/sandbox/v2/refunds/{REFUND}"
    verify_request(sent, private_key().public_key())


def test_a_simulator_endpoint_is_called_at_its_own_host_and_port(amazon, call_log):
    amazon.reply(200, refund_json())
    http, client = make_client(amazon, call_log, endpoint=Endpoint.at("http://127.0.0.1:8321"))
    with http:
        client.get_refund(REFUND)

    sent = amazon.requests[0]
    assert str(sent.url) == f"http://127.0.0.1:8321/v2/refunds/{REFUND}"
    assert sent.headers["x-amz-pay-host"] == "127.0.0.1:8321"
    verify_request(sent, private_key().public_key())


def test_yen_amounts_have_no_decimals_either_way(client, amazon):
    amazon.reply(201, refund_json(amount="1000", currency="JPY"))

    refund = client.create_refund(CHARGE, Money(1000, "JPY"), reference_id="rf-jpy")

    assert amazon.bodies()[0]["refundAmount"] == {"amount": "1000", "currencyCode": "JPY"}
    assert refund.amount == Money(1000, "JPY")


def test_a_charge_is_created_on_the_charge_permission_and_captured_later(client, amazon):
    amazon.reply(201, charge_json("Authorized")).reply(200, charge_json("Captured"))

    charge = client.create_charge(CHARGE_PERMISSION, Money(1400, "EUR"), reference_id="au-1")
    captured = client.capture_charge(
        CHARGE, Money(1400, "EUR"), reference_id="cp-1", soft_descriptor="SHOP"
    )

    create, capture = amazon.requests
    assert (create.method, create.url.path) == ("POST", "/v2/charges")
    assert (capture.method, capture.url.path) == ("POST", f"/v2/charges/{CHARGE}/capture")
    assert amazon.bodies() == [
        {
            "chargePermissionId": CHARGE_PERMISSION,
            "chargeAmount": {"amount": "14.00", "currencyCode": "EUR"},
            "captureNow": False,
            "canHandlePendingAuthorization": False,
        },
        {"captureAmount": {"amount": "14.00", "currencyCode": "EUR"}, "softDescriptor": "SHOP"},
    ]
    assert [r.headers["x-amz-pay-idempotency-key"] for r in amazon.requests] == ["au-1", "cp-1"]
    assert charge.status.state is ChargeState.AUTHORIZED
    assert captured.status.state is ChargeState.CAPTURED
    assert captured.captured == Money(1400, "EUR")
    assert charge.expires_at == datetime(2019, 8, 13, 15, 53, tzinfo=UTC)


def test_a_charge_is_read_and_canceled_with_its_reason(client, amazon):
    amazon.reply(200, charge_json("Authorized")).reply(
        200, charge_json("Canceled", reason="MerchantCanceled")
    )

    client.get_charge(CHARGE)
    canceled = client.cancel_charge(CHARGE, reason="out of stock")

    get, cancel = amazon.requests
    assert (get.method, get.url.path) == ("GET", f"/v2/charges/{CHARGE}")
    assert (cancel.method, cancel.url.path) == ("DELETE", f"/v2/charges/{CHARGE}/cancel")
    assert amazon.bodies()[1] == {"cancellationReason": "out of stock"}
    assert "x-amz-pay-idempotency-key" not in cancel.headers
    assert canceled.status.state is ChargeState.CANCELED
    assert canceled.status.reason_code == "MerchantCanceled"


def test_a_charge_permission_is_read_and_closed(client, amazon):
    amazon.reply(200, charge_permission_json("NonChargeable")).reply(
        200, charge_permission_json("Closed")
    )

    permission = client.get_charge_permission(CHARGE_PERMISSION)
    closed = client.close_charge_permission(CHARGE_PERMISSION, reason="order shipped")

    get, close = amazon.requests
    assert (get.method, get.url.path) == ("GET", f"/v2/chargePermissions/{CHARGE_PERMISSION}")
    assert (close.method, close.url.path) == (
        "DELETE",
        f"/v2/chargePermissions/{CHARGE_PERMISSION}/close",
    )
    assert amazon.bodies()[1] == {"closureReason": "order shipped", "cancelPendingCharges": False}
    assert permission.status.state is ChargePermissionState.NON_CHARGEABLE
    assert permission.reasons == ("BillingAddressDeleted",)
    assert permission.amount_balance == Money(18600, "EUR")
    assert permission.merchant_reference_id == "order-1001"
    assert closed.status.state is ChargePermissionState.CLOSED


def test_a_checkout_session_is_read_updated_and_completed(client, amazon):
    amazon.reply(200, checkout_session_json("Open")).reply(200, checkout_session_json("Open"))
    amazon.reply(200, checkout_session_json("Completed"))

    client.get_checkout_session(CHECKOUT_SESSION)
    client.update_checkout_session(
        CHECKOUT_SESSION,
        checkout_result_return_url="https://shop.example/return",
        charge_amount=Money(1400, "EUR"),
        payment_intent=PaymentIntent.AUTHORIZE,
        merchant_reference_id="order-1001",
    )
    completed = client.complete_checkout_session(
        CHECKOUT_SESSION, Money(1400, "EUR"), reference_id="co-1001"
    )

    get, update, complete = amazon.requests
    assert (get.method, get.url.path) == ("GET", f"/v2/checkoutSessions/{CHECKOUT_SESSION}")
    assert (update.method, update.url.path) == ("PATCH", f"/v2/checkoutSessions/{CHECKOUT_SESSION}")
    assert (complete.method, complete.url.path) == (
        "POST",
        f"/v2/checkoutSessions/{CHECKOUT_SESSION}/complete",
    )
    assert amazon.bodies()[1:] == [
        {
            "webCheckoutDetails": {"checkoutResultReturnUrl": "https://shop.example/return"},
            "paymentDetails": {
                "chargeAmount": {"amount": "14.00", "currencyCode": "EUR"},
                "paymentIntent": "Authorize",
            },
            "merchantMetadata": {"merchantReferenceId": "order-1001"},
        },
        {"chargeAmount": {"amount": "14.00", "currencyCode": "EUR"}},
    ]
    assert complete.headers["x-amz-pay-idempotency-key"] == "co-1001"
    assert completed.status.state is CheckoutSessionState.COMPLETED
    assert (completed.charge_permission_id, completed.charge_id) == (CHARGE_PERMISSION, CHARGE)
    assert completed.charge_amount == Money(1400, "EUR")


@pytest.mark.parametrize(
    ("call", "wrong"),
    [
        (lambda c: c.create_refund(CHARGE, EUR_12_30, reference_id="rf 1"), "reference id"),
        (lambda c: c.create_refund(CHARGE, EUR_12_30, reference_id="r" * 33), "reference id"),
        (
            lambda c: c.create_refund(CHARGE, Money(0, "EUR"), reference_id="rf-1"),
            "refundAmount must be positive",
        ),
        (
            lambda c: c.create_refund("../charges/x", EUR_12_30, reference_id="rf-1"),
            "not an Amazon Pay id",
        ),
        (lambda c: c.get_refund("R1?x=1"), "not an Amazon Pay id"),
        (
            lambda c: c.create_refund(
                CHARGE, EUR_12_30, reference_id="rf-1", soft_descriptor="x" * 17
            ),
            "softDescriptor is limited to 16",
        ),
        (
            lambda c: c.create_charge(
                CHARGE_PERMISSION, EUR_12_30, reference_id="au-1", soft_descriptor="SHOP"
            ),
            "capture_now",
        ),
        (
            lambda c: c.close_charge_permission(CHARGE_PERMISSION, reason="x" * 256),
            "closureReason is limited to 255",
        ),
        (lambda c: c.update_checkout_session(CHECKOUT_SESSION), "nothing to update"),
    ],
)
def test_what_amazon_would_refuse_is_refused_before_anything_is_sent(
    client, amazon, call_log, call, wrong
):
    with pytest.raises(CallRefused, match=wrong) as refused:
        call(client)

    assert refused.value.code == "InvalidRequest"
    assert amazon.requests == []
    assert call_log.calls == []


def test_a_checkout_session_is_created_for_the_review_page_with_the_visit_as_idempotency_key(
    client, amazon, call_log
):
    amazon.reply(201, checkout_session_json("Open"))

    session = client.create_checkout_session(
        review_return_url="https://shop.example/review",
        store_id="amzn1.application-oa2-client.shop",
        reference_id="visit-0001",
    )

    [sent] = amazon.requests
    assert (sent.method, sent.url.path) == ("POST", "/v2/checkoutSessions")
    assert sent.headers["x-amz-pay-idempotency-key"] == "visit-0001"
    assert amazon.bodies() == [
        {
            "webCheckoutDetails": {"checkoutReviewReturnUrl": "https://shop.example/review"},
            "storeId": "amzn1.application-oa2-client.shop",
        }
    ]
    assert (session.checkout_session_id, session.status.state) == (
        CHECKOUT_SESSION,
        CheckoutSessionState.OPEN,
    )
    assert [call.operation for call in call_log.calls] == ["CreateCheckoutSession"]


def test_a_checkout_session_is_not_created_with_a_reference_id_amazon_would_refuse(client, amazon):
    with pytest.raises(CallRefused) as refused:
        client.create_checkout_session(
            review_return_url="https://shop.example/review",
            store_id="amzn1.application-oa2-client.shop",
            reference_id="not a key!",
        )

    assert refused.value.code == "InvalidRequest"
    assert amazon.requests == []
