"""V2Gateway against Amazon's answers played by an httpx.MockTransport: which v2 call each
port operation makes, with which body and headers, and the observation it returns in the
port's words (states, reason codes, amounts, ids)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from amazonpay_fakes import FakeClock, make_pacing
from amazonpay_v2_fakes import (
    CHARGE,
    CHARGE_PERMISSION,
    PUBLIC_KEY_ID,
    REFUND,
    FakeAmazonV2,
    charge_json,
    charge_permission_json,
    error_body,
    private_key,
    refund_json,
)

from amzpay.amazonpay.gateway import (
    SYNCHRONOUS,
    CallRefused,
    ObjectKind,
    PaymentState,
)
from amzpay.amazonpay.v2.client import V2Client
from amzpay.amazonpay.v2.gateway import UNSUPPORTED, V2Gateway
from amzpay.amazonpay.v2.regions import Endpoint, Environment, Region
from amzpay.amazonpay.v2.signing import Signer
from amzpay.domain.money import Money

EUR_14 = Money(1400, "EUR")
UPDATED = datetime(2019, 7, 14, 15, 53, tzinfo=UTC)


@pytest.fixture
def amazon() -> FakeAmazonV2:
    return FakeAmazonV2()


@pytest.fixture
def gateway(amazon: FakeAmazonV2) -> V2Gateway:
    http = httpx.Client(transport=httpx.MockTransport(amazon))
    endpoint = Endpoint.of(Region.EU, Environment.SANDBOX, PUBLIC_KEY_ID)
    signer = Signer(PUBLIC_KEY_ID, private_key())
    client = V2Client(http, endpoint, signer, pacing=make_pacing(FakeClock()))
    return V2Gateway(client)


def sent(amazon: FakeAmazonV2) -> list[tuple[str, str]]:
    return [(r.method, r.url.path) for r in amazon.requests]


# -- authorization: a charge -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("timeout", "pending_allowed"), [(SYNCHRONOUS, False), (timedelta(minutes=1440), True)]
)
def test_authorizing_creates_a_charge_that_may_pend_only_when_the_caller_can_wait(
    gateway: V2Gateway, amazon: FakeAmazonV2, timeout: timedelta, pending_allowed: bool
):
    amazon.reply(201, charge_json("Authorized"))

    auth = gateway.authorize(
        order_reference_id=CHARGE_PERMISSION,
        reference_id="auth-1",
        amount=EUR_14,
        transaction_timeout=timeout,
    )

    assert sent(amazon) == [("POST", "/v2/charges")]
    assert amazon.requests[0].headers["x-amz-pay-idempotency-key"] == "auth-1"
    assert amazon.bodies()[0] == {
        "chargePermissionId": CHARGE_PERMISSION,
        "chargeAmount": {"amount": "14.00", "currencyCode": "EUR"},
        "captureNow": False,
        "canHandlePendingAuthorization": pending_allowed,
    }
    assert (auth.kind, auth.amazon_id, auth.reference_id) == (
        ObjectKind.AUTHORIZATION,
        CHARGE,
        "auth-1",
    )
    assert (auth.state, auth.amount, auth.updated_at) == (PaymentState.OPEN, EUR_14, UPDATED)
    assert auth.order_reference_id == CHARGE_PERMISSION


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("AuthorizationInitiated", PaymentState.PENDING),
        ("Authorized", PaymentState.OPEN),
        ("CaptureInitiated", PaymentState.OPEN),
        ("Captured", PaymentState.CLOSED),
        ("Canceled", PaymentState.CLOSED),
        ("Declined", PaymentState.DECLINED),
    ],
)
def test_a_charges_state_is_its_authorizations(
    gateway: V2Gateway, amazon: FakeAmazonV2, state: str, expected: PaymentState
):
    amazon.reply(200, charge_json(state))

    assert gateway.authorization_details(CHARGE).state is expected


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("AuthorizationInitiated", PaymentState.PENDING),
        ("Authorized", PaymentState.PENDING),
        ("CaptureInitiated", PaymentState.PENDING),
        ("Captured", PaymentState.COMPLETED),
        ("Canceled", PaymentState.DECLINED),
        ("Declined", PaymentState.DECLINED),
    ],
)
def test_a_charges_state_is_its_captures(
    gateway: V2Gateway, amazon: FakeAmazonV2, state: str, expected: PaymentState
):
    amazon.reply(200, charge_json(state))

    capture = gateway.capture_details(CHARGE)

    assert sent(amazon) == [("GET", f"/v2/charges/{CHARGE}")]
    assert (capture.kind, capture.amazon_id, capture.state) == (
        ObjectKind.CAPTURE,
        CHARGE,
        expected,
    )


def test_a_captured_charge_lists_itself_as_its_authorizations_capture(
    gateway: V2Gateway, amazon: FakeAmazonV2
):
    amazon.reply(201, charge_json("Captured"))

    auth = gateway.authorize(
        order_reference_id=CHARGE_PERMISSION,
        reference_id="auth-2",
        amount=EUR_14,
        capture_now=True,
    )

    assert amazon.bodies()[0]["captureNow"] is True
    assert (auth.state, auth.settled, auth.children) == (PaymentState.CLOSED, EUR_14, (CHARGE,))


@pytest.mark.parametrize(("code", "soft"), [("SoftDeclined", True), ("HardDeclined", False)])
def test_a_declined_charge_is_an_answer_with_its_reason(
    gateway: V2Gateway, amazon: FakeAmazonV2, code: str, soft: bool
):
    amazon.reply(422, error_body(code))

    auth = gateway.authorize(
        order_reference_id=CHARGE_PERMISSION, reference_id="auth-3", amount=EUR_14
    )

    assert (auth.kind, auth.state, auth.reason_code, auth.soft_decline) == (
        ObjectKind.AUTHORIZATION,
        PaymentState.DECLINED,
        code,
        soft,
    )
    assert (auth.reference_id, auth.amount) == ("auth-3", EUR_14)
    assert len(amazon.requests) == 1  # a decline is never retried


def test_closing_an_authorization_cancels_the_charge(gateway: V2Gateway, amazon: FakeAmazonV2):
    amazon.reply(200, charge_json("Canceled", reason="MerchantCanceled"))

    gateway.close_authorization(authorization_id=CHARGE, reason="not shipped")

    assert sent(amazon) == [("DELETE", f"/v2/charges/{CHARGE}/cancel")]
    assert amazon.bodies() == [{"cancellationReason": "not shipped"}]


# -- capture and refund ------------------------------------------------------------------------


def test_capturing_captures_the_charge_whose_id_is_the_captures(
    gateway: V2Gateway, amazon: FakeAmazonV2
):
    amazon.reply(200, charge_json("Captured"))

    capture = gateway.capture(authorization_id=CHARGE, reference_id="cap-1", amount=EUR_14)

    assert sent(amazon) == [("POST", f"/v2/charges/{CHARGE}/capture")]
    assert amazon.requests[0].headers["x-amz-pay-idempotency-key"] == "cap-1"
    assert (capture.kind, capture.amazon_id, capture.reference_id) == (
        ObjectKind.CAPTURE,
        CHARGE,
        "cap-1",
    )
    assert (capture.state, capture.amount) == (PaymentState.COMPLETED, EUR_14)


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("RefundInitiated", PaymentState.PENDING),
        ("Refunded", PaymentState.COMPLETED),
        ("Declined", PaymentState.DECLINED),
    ],
)
def test_a_refund_is_created_with_our_reference_id_as_its_idempotency_key(
    gateway: V2Gateway, amazon: FakeAmazonV2, state: str, expected: PaymentState
):
    amazon.reply(201, refund_json(state))

    refund = gateway.refund(capture_id=CHARGE, reference_id="rf-1", amount=Money(1230, "EUR"))

    assert sent(amazon) == [("POST", "/v2/refunds")]
    assert amazon.requests[0].headers["x-amz-pay-idempotency-key"] == "rf-1"
    assert "x-amz-pay-simulation-code" not in amazon.requests[0].headers
    assert amazon.bodies()[0] == {
        "chargeId": CHARGE,
        "refundAmount": {"amount": "12.30", "currencyCode": "EUR"},
    }
    assert (refund.kind, refund.amazon_id, refund.reference_id, refund.state) == (
        ObjectKind.REFUND,
        REFUND,
        "rf-1",
        expected,
    )
    assert refund.amount == Money(1230, "EUR")


def test_a_planned_sandbox_simulation_is_sent_signed_with_its_write_on_every_attempt(
    gateway: V2Gateway, amazon: FakeAmazonV2
):
    gateway.simulations.plan("rf-2", "RefundDeclined")
    amazon.reply(503, error_body("ServiceUnavailable")).reply(201, refund_json())

    gateway.refund(capture_id=CHARGE, reference_id="rf-2", amount=Money(1230, "EUR"))

    assert [r.headers["x-amz-pay-simulation-code"] for r in amazon.requests] == [
        "RefundDeclined",
        "RefundDeclined",
    ]
    signed = amazon.requests[0].headers["authorization"].split("SignedHeaders=")[1]
    assert "x-amz-pay-simulation-code" in signed.split(",")[0].split(";")


def test_refund_details_are_read_from_get_refund(gateway: V2Gateway, amazon: FakeAmazonV2):
    amazon.reply(200, refund_json("Refunded"))

    refund = gateway.refund_details(REFUND)

    assert sent(amazon) == [("GET", f"/v2/refunds/{REFUND}")]
    assert (refund.state, refund.reference_id) == (PaymentState.COMPLETED, None)


# -- order reference: the charge permission ----------------------------------------------------


@pytest.mark.parametrize(
    ("state", "expected", "reason"),
    [
        ("Chargeable", PaymentState.OPEN, None),
        ("NonChargeable", PaymentState.SUSPENDED, "BillingAddressDeleted"),
        ("Closed", PaymentState.CLOSED, None),
    ],
)
def test_a_charge_permission_is_the_order_reference(
    gateway: V2Gateway,
    amazon: FakeAmazonV2,
    state: str,
    expected: PaymentState,
    reason: str | None,
):
    amazon.reply(200, charge_permission_json(state))

    order = gateway.order_reference_details(CHARGE_PERMISSION)

    assert sent(amazon) == [("GET", f"/v2/chargePermissions/{CHARGE_PERMISSION}")]
    assert (order.kind, order.amazon_id, order.state, order.reason_code) == (
        ObjectKind.ORDER_REFERENCE,
        CHARGE_PERMISSION,
        expected,
        reason,
    )
    assert order.amount == Money(20000, "EUR")


def test_a_charge_permission_waiting_only_for_a_pending_charge_stays_open(
    gateway: V2Gateway, amazon: FakeAmazonV2
):
    busy = charge_permission_json("NonChargeable")
    busy["statusDetails"]["reasons"] = [{"reasonCode": "ChargeInProgress"}]
    amazon.reply(200, busy)

    order = gateway.order_reference_details(CHARGE_PERMISSION)

    assert (order.state, order.reason_code) == (PaymentState.OPEN, "ChargeInProgress")


@pytest.mark.parametrize(
    ("cancel", "reason", "body"),
    [
        (False, "shipped", {"closureReason": "shipped", "cancelPendingCharges": False}),
        (False, None, {"closureReason": "Closed by the seller", "cancelPendingCharges": False}),
        (True, "out of stock", {"closureReason": "out of stock", "cancelPendingCharges": True}),
    ],
)
def test_closing_or_canceling_the_order_reference_closes_the_charge_permission(
    gateway: V2Gateway, amazon: FakeAmazonV2, cancel: bool, reason: str | None, body: dict
):
    amazon.reply(200, charge_permission_json("Closed"))

    if cancel:
        gateway.cancel_order_reference(order_reference_id=CHARGE_PERMISSION, reason=reason)
    else:
        gateway.close_order_reference(order_reference_id=CHARGE_PERMISSION, reason=reason)

    assert sent(amazon) == [("DELETE", f"/v2/chargePermissions/{CHARGE_PERMISSION}/close")]
    assert amazon.bodies() == [body]


def test_setting_confirming_or_reading_an_order_reference_has_no_v2_counterpart_nor_call(
    gateway: V2Gateway, amazon: FakeAmazonV2
):
    with pytest.raises(CallRefused) as details:
        gateway.set_order_reference_details(CHARGE_PERMISSION, EUR_14, "order-1")
    with pytest.raises(CallRefused) as confirm:
        gateway.confirm_order_reference(CHARGE_PERMISSION)
    with pytest.raises(CallRefused) as buyer:
        gateway.checkout_details(CHARGE_PERMISSION, consent_token="Atza|token")

    assert details.value.code == confirm.value.code == buyer.value.code == UNSUPPORTED
    assert "checkout session" in details.value.message
    assert amazon.requests == []


def test_amazons_refusal_reaches_the_caller_with_its_code(gateway: V2Gateway, amazon: FakeAmazonV2):
    amazon.reply(404, error_body("ResourceNotFound"))

    with pytest.raises(CallRefused) as refused:
        gateway.refund_details(REFUND)

    assert (refused.value.code, refused.value.http_status) == ("ResourceNotFound", 404)
