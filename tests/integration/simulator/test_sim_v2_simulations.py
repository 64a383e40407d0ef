"""Sandbox simulations through ``x-amz-pay-simulation-code`` (amazonpay-api.md §C.8): each
operation takes its documented codes, which override the buyer's card; any other code, or a
code outside the sandbox, is InvalidSandboxSimulationSpecified."""

from __future__ import annotations

import pytest
from v2kit import LIVE_SELLER, Checkout, Pay, money

from amzpay.simulator import Simulator


def _complete(pay: Pay, session_id: str, code: str) -> tuple[int, dict[str, object]]:
    answer = pay.send(
        "POST",
        f"/v2/checkoutSessions/{session_id}/complete",
        {"chargeAmount": money("100.00")},
        simulation=code,
    )
    return answer.status_code, answer.json()


@pytest.mark.parametrize("code", ["BuyerCanceled", "AmazonCanceled", "Declined"])
def test_complete_with_a_canceling_code_cancels_the_session_whatever_the_card(
    pay: Pay, checkout: Checkout, code: str
) -> None:
    session_id = checkout.session()["checkoutSessionId"]
    checkout.buyer(session_id, "visa")
    status, body = _complete(pay, session_id, code)
    assert (status, body["reasonCode"]) == (422, "CheckoutSessionCanceled")
    session = pay.ok("GET", f"/v2/checkoutSessions/{session_id}")["statusDetails"]
    assert (session["state"], session["reasonCode"]) == ("Canceled", code)


def test_complete_with_authorization_initiated_leaves_the_charge_pending(
    pay: Pay, checkout: Checkout, v2_sim: Simulator
) -> None:
    session_id = checkout.session(canHandlePendingAuthorization=True)["checkoutSessionId"]
    checkout.buyer(session_id)
    status, body = _complete(pay, session_id, "AuthorizationInitiated")
    assert status == 202
    charge = f"/v2/charges/{body['chargeId']}"
    assert pay.ok("GET", charge)["statusDetails"]["state"] == "AuthorizationInitiated"
    v2_sim.advance(30)
    assert pay.ok("GET", charge)["statusDetails"]["state"] == "Authorized"


@pytest.mark.parametrize(
    "code", ["SoftDeclined", "HardDeclined", "AmazonRejected", "TransactionTimedOut"]
)
def test_create_charge_with_a_decline_code_is_declined_with_that_reason(
    pay: Pay, checkout: Checkout, v2_sim: Simulator, code: str
) -> None:
    permission_id = checkout.completed(paymentIntent="Confirm")["chargePermissionId"]
    body = {"chargePermissionId": permission_id, "chargeAmount": money("10.00")}
    answer = pay.post("/v2/charges", body, simulation=code)
    assert (answer.status_code, answer.json()["reasonCode"]) == (422, code)
    (charge,) = (
        v2_sim.v2.books.charges[c] for c in v2_sim.v2.books.permissions[permission_id].charge_ids
    )
    assert (charge.status.state, charge.status.reason_code) == ("Declined", code)
    balance = pay.ok("GET", f"/v2/chargePermissions/{permission_id}")["limits"]["amountBalance"]
    assert balance == money("100.00")


def test_create_charge_with_capture_initiated_captures_after_amazons_delay(
    pay: Pay, checkout: Checkout, v2_sim: Simulator
) -> None:
    permission_id = checkout.completed(paymentIntent="Confirm")["chargePermissionId"]
    body = {"chargePermissionId": permission_id, "chargeAmount": money("10.00"), "captureNow": True}
    charge = pay.post("/v2/charges", body, simulation="CaptureInitiated").json()
    assert charge["statusDetails"]["state"] == "CaptureInitiated"
    v2_sim.advance(30)
    assert (
        pay.ok("GET", f"/v2/charges/{charge['chargeId']}")["statusDetails"]["state"] == "Captured"
    )


def test_capture_initiated_needs_capture_now_on_create_charge(pay: Pay, checkout: Checkout) -> None:
    permission_id = checkout.completed(paymentIntent="Confirm")["chargePermissionId"]
    body = {"chargePermissionId": permission_id, "chargeAmount": money("10.00")}
    answer = pay.post("/v2/charges", body, simulation="CaptureInitiated")
    assert answer.json()["reasonCode"] == "InvalidSandboxSimulationSpecified"


def test_capture_charge_with_capture_initiated_captures_after_amazons_delay(
    pay: Pay, checkout: Checkout, v2_sim: Simulator
) -> None:
    charge_id = checkout.completed()["chargeId"]
    answer = pay.post(
        f"/v2/charges/{charge_id}/capture",
        {"captureAmount": money("10.00")},
        simulation="CaptureInitiated",
    )
    assert answer.json()["statusDetails"]["state"] == "CaptureInitiated"
    v2_sim.advance(30)
    charge = pay.ok("GET", f"/v2/charges/{charge_id}")
    assert (charge["statusDetails"]["state"], charge["captureAmount"]) == (
        "Captured",
        money("10.00"),
    )


def test_close_with_amazon_closed_closes_for_that_reason(pay: Pay, checkout: Checkout) -> None:
    permission_id = checkout.completed(paymentIntent="Confirm")["chargePermissionId"]
    answer = pay.send(
        "DELETE",
        f"/v2/chargePermissions/{permission_id}/close",
        {"closureReason": "r"},
        simulation="AmazonClosed",
    )
    assert answer.json()["statusDetails"]["reasons"][0]["reasonCode"] == "AmazonClosed"


def test_refund_declined_declines_the_refund_and_gives_back_its_allowance(
    pay: Pay, checkout: Checkout, v2_sim: Simulator
) -> None:
    charge_id = checkout.captured()
    refund = checkout.refund(charge_id, "115.00", simulation="RefundDeclined").json()
    assert refund["statusDetails"]["state"] == "RefundInitiated"
    v2_sim.advance(31)
    status = pay.ok("GET", f"/v2/refunds/{refund['refundId']}")["statusDetails"]
    assert (status["state"], status["reasonCode"]) == ("Declined", "AmazonRejected")
    assert checkout.refund(charge_id, "115.00").status_code == 201


def test_an_unsigned_simulation_header_is_honoured_as_the_php_sdk_sends_it(
    pay: Pay, checkout: Checkout, v2_sim: Simulator
) -> None:
    charge_id = checkout.captured()
    answer = checkout.refund(
        charge_id, "5.00", unsigned={"x-amz-pay-simulation-code": "RefundDeclined"}
    )
    v2_sim.advance(31)
    assert (
        pay.ok("GET", f"/v2/refunds/{answer.json()['refundId']}")["statusDetails"]["state"]
        == "Declined"
    )


@pytest.mark.parametrize(
    ("method", "path_of", "code"),
    [
        ("POST", "refunds", "NoSuchCode"),
        ("POST", "refunds", "HardDeclined"),  # Create Charge's code, not Create Refund's
        ("GET", "charge", "CaptureInitiated"),
    ],
)
def test_a_code_the_operation_does_not_take_is_invalid_sandbox_simulation_specified(
    pay: Pay, checkout: Checkout, method: str, path_of: str, code: str
) -> None:
    charge_id = checkout.captured()
    if path_of == "refunds":
        answer = checkout.refund(charge_id, "1.00", simulation=code)
    else:
        answer = pay.send(method, f"/v2/charges/{charge_id}", simulation=code)
    assert (answer.status_code, answer.json()["reasonCode"]) == (
        400,
        "InvalidSandboxSimulationSpecified",
    )


def test_a_simulation_code_outside_the_sandbox_is_refused(pay: Pay) -> None:
    pay.seller = LIVE_SELLER
    body = {
        "webCheckoutDetails": {"checkoutReviewReturnUrl": "https://shop.example/r"},
        "storeId": "s",
    }
    answer = pay.post("/v2/checkoutSessions", body, simulation="BuyerCanceled")
    assert answer.json()["reasonCode"] == "InvalidSandboxSimulationSpecified"
    assert "sandbox only" in answer.json()["message"]
