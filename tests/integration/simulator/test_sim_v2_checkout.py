"""v2 checkout sessions: created Open with Amazon's constraints, made ready by the shop's
update and the buyer's sign-in (the control API), completed into a charge permission and a
charge as the payment intent and the buyer's simulated card say (amazonpay-api.md §C.1, §C.8)."""

from __future__ import annotations

from typing import Any

import pytest
from v2kit import Checkout, Pay, money

from amzpay.simulator import Simulator

NEW = {
    "webCheckoutDetails": {"checkoutReviewReturnUrl": "https://shop.example/review"},
    "storeId": "amzn1.application-oa2-client.simulator",
}


def _complete(pay: Pay, session_id: str, amount: str = "100.00") -> Any:
    return pay.send(
        "POST", f"/v2/checkoutSessions/{session_id}/complete", {"chargeAmount": money(amount)}
    )


def test_a_new_session_is_open_and_lists_what_it_still_needs(pay: Pay) -> None:
    session = pay.ok("POST", "/v2/checkoutSessions", NEW)
    assert session["statusDetails"]["state"] == "Open"
    assert [c["constraintId"] for c in session["constraints"]] == [
        "BuyerNotAssociated",
        "CheckoutResultReturnUrlNotSet",
        "ChargeAmountNotSet",
        "PaymentIntentNotSet",
    ]
    assert session["webCheckoutDetails"]["amazonPayRedirectUrl"] is None
    assert session["creationTimestamp"] == "20260302T100000Z"
    assert session["expirationTimestamp"] == "20260303T100000Z"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"webCheckoutDetails": NEW["webCheckoutDetails"]}, "MissingParameterValue"),
        ({"storeId": "s"}, "MissingParameterValue"),
        ({**NEW, "colour": "red"}, "UnrecognizedField"),
        (
            {**NEW, "webCheckoutDetails": {"checkoutReviewReturnUrl": "u", "x": 1}},
            "UnrecognizedField",
        ),
        ({**NEW, "paymentDetails": {"paymentIntent": "Steal"}}, "InvalidParameterValue"),
        ({**NEW, "paymentDetails": {"chargeAmount": money("1.001")}}, "InvalidParameterValue"),
        (
            {**NEW, "paymentDetails": {"chargeAmount": money("150000.01")}},
            "TransactionAmountExceeded",
        ),
        ({**NEW, "paymentDetails": {"chargeAmount": money("10", "XYZ")}}, "InvalidParameterValue"),
        ({**NEW, "storeId": 7}, "InvalidParameterValue"),
    ],
)
def test_a_malformed_create_names_what_is_wrong(pay: Pay, body: dict[str, Any], code: str) -> None:
    status, reason = pay.error("POST", "/v2/checkoutSessions", body)
    assert reason == code
    assert status == (422 if code == "TransactionAmountExceeded" else 400)


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]"])
def test_a_body_that_is_not_a_json_object_is_invalid_request_format(
    pay: Pay, content: bytes
) -> None:
    answer = pay.send("POST", "/v2/checkoutSessions", None, key="k1", content=content)
    assert (answer.status_code, answer.json()["reasonCode"]) == (400, "InvalidRequestFormat")


def test_the_buyer_and_the_shops_update_leave_the_session_ready_to_pay(
    pay: Pay, checkout: Checkout
) -> None:
    session_id = checkout.session()["checkoutSessionId"]
    answer = checkout.buyer(session_id, "mastercard", name="Max Muster", city="Bonn")
    assert answer.status_code == 200
    ready = pay.ok("GET", f"/v2/checkoutSessions/{session_id}")
    assert ready["constraints"] == []
    assert (
        ready["webCheckoutDetails"]["amazonPayRedirectUrl"]
        == f"http://sim.test/_sim/v2/checkout/{session_id}"
    )
    assert ready["buyer"]["name"] == "Max Muster"
    assert ready["shippingAddress"]["city"] == "Bonn"
    assert ready["paymentPreferences"][0]["paymentDescriptor"] == "MasterCard ****4444"
    redirect = pay.http.get(f"/_sim/v2/checkout/{session_id}", follow_redirects=False)
    assert redirect.status_code == 302
    assert (
        redirect.headers["location"]
        == f"https://shop.example/result?amazonCheckoutSessionId={session_id}"
    )


def test_completing_with_authorize_makes_a_chargeable_permission_and_an_authorized_charge(
    pay: Pay, checkout: Checkout
) -> None:
    done = checkout.completed()
    assert done["statusDetails"]["state"] == "Completed"
    permission = pay.ok("GET", f"/v2/chargePermissions/{done['chargePermissionId']}")
    assert permission["statusDetails"]["state"] == "Chargeable"
    assert permission["limits"] == {"amountLimit": money("100.00"), "amountBalance": money("0.00")}
    charge = pay.ok("GET", f"/v2/charges/{done['chargeId']}")
    assert charge["statusDetails"]["state"] == "Authorized"
    assert charge["chargeAmount"] == money("100.00")
    assert charge["chargePermissionId"] == done["chargePermissionId"]


def test_completing_with_confirm_makes_only_the_permission(pay: Pay, checkout: Checkout) -> None:
    done = checkout.completed(paymentIntent="Confirm")
    assert done["chargeId"] is None
    permission = pay.ok("GET", f"/v2/chargePermissions/{done['chargePermissionId']}")
    assert permission["limits"]["amountBalance"] == money("100.00")


def test_completing_with_authorize_with_capture_captures_at_once(
    pay: Pay, checkout: Checkout
) -> None:
    charge = pay.ok("GET", f"/v2/charges/{checkout.captured('42.50')}")
    assert charge["statusDetails"]["state"] == "Captured"
    assert charge["captureAmount"] == money("42.50")


def test_completing_before_the_buyer_signed_in_is_refused(pay: Pay, checkout: Checkout) -> None:
    session_id = checkout.session()["checkoutSessionId"]
    assert _complete(pay, session_id).json()["reasonCode"] == "InvalidCheckoutSessionStatus"


def test_completing_with_another_amount_is_refused(pay: Pay, checkout: Checkout) -> None:
    session_id = checkout.session()["checkoutSessionId"]
    checkout.buyer(session_id)
    answer = _complete(pay, session_id, "99.00")
    assert (answer.status_code, answer.json()["reasonCode"]) == (400, "InvalidParameterValue")


def test_a_completed_session_cannot_be_updated_or_completed_again(
    pay: Pay, checkout: Checkout
) -> None:
    session_id = checkout.completed()["checkoutSessionId"]
    assert _complete(pay, session_id).json()["reasonCode"] == "InvalidCheckoutSessionStatus"
    assert pay.error("PATCH", f"/v2/checkoutSessions/{session_id}", {"platformId": "x"}) == (
        422,
        "InvalidCheckoutSessionStatus",
    )


@pytest.mark.parametrize(
    ("card", "reason"), [("*buyer-canceled", "BuyerCanceled"), ("*declined", "Declined")]
)
def test_a_canceling_card_cancels_the_session_when_the_shop_completes(
    pay: Pay, checkout: Checkout, card: str, reason: str
) -> None:
    session_id = checkout.session()["checkoutSessionId"]
    checkout.buyer(session_id, card)
    answer = _complete(pay, session_id)
    assert (answer.status_code, answer.json()["reasonCode"]) == (422, "CheckoutSessionCanceled")
    session = pay.ok("GET", f"/v2/checkoutSessions/{session_id}")
    assert session["statusDetails"]["state"] == "Canceled"
    assert session["statusDetails"]["reasonCode"] == reason
    assert _complete(pay, session_id).json()["reasonCode"] == "CheckoutSessionCanceled"


@pytest.mark.parametrize(
    ("card", "state", "reason"),
    [
        ("*pending-authorized", "Authorized", None),
        ("*pending-declined", "Declined", "HardDeclined"),
    ],
)
def test_a_pending_card_leaves_the_charge_initiated_for_30_seconds(
    pay: Pay, checkout: Checkout, v2_sim: Simulator, card: str, state: str, reason: str | None
) -> None:
    session_id = checkout.session(canHandlePendingAuthorization=True)["checkoutSessionId"]
    checkout.buyer(session_id, card)
    answer = _complete(pay, session_id)
    assert answer.status_code == 202
    charge_id = answer.json()["chargeId"]
    assert (
        pay.ok("GET", f"/v2/charges/{charge_id}")["statusDetails"]["state"]
        == "AuthorizationInitiated"
    )
    v2_sim.advance(29)
    assert (
        pay.ok("GET", f"/v2/charges/{charge_id}")["statusDetails"]["state"]
        == "AuthorizationInitiated"
    )
    v2_sim.advance(1)
    status = pay.ok("GET", f"/v2/charges/{charge_id}")["statusDetails"]
    assert (status["state"], status["reasonCode"]) == (state, reason)


def test_a_pending_card_without_can_handle_pending_authorization_times_out(
    pay: Pay, checkout: Checkout, v2_sim: Simulator
) -> None:
    session_id = checkout.session()["checkoutSessionId"]
    checkout.buyer(session_id, "*pending-authorized")
    answer = _complete(pay, session_id)
    assert (answer.status_code, answer.json()["reasonCode"]) == (422, "TransactionTimedOut")
    session = pay.ok("GET", f"/v2/checkoutSessions/{session_id}")
    assert (session["statusDetails"]["state"], session["statusDetails"]["reasonCode"]) == (
        "Canceled",
        "Declined",
    )
    permission = pay.ok("GET", f"/v2/chargePermissions/{session['chargePermissionId']}")
    assert permission["statusDetails"]["state"] == "Closed"
    assert _complete(pay, session_id).json()["reasonCode"] == "CheckoutSessionCanceled"
    assert len(v2_sim.v2.books.permissions) == 1


def test_an_open_session_expires_after_24_hours(
    pay: Pay, checkout: Checkout, v2_sim: Simulator
) -> None:
    session_id = checkout.session()["checkoutSessionId"]
    v2_sim.advance(24 * 3600)
    status = pay.ok("GET", f"/v2/checkoutSessions/{session_id}")["statusDetails"]
    assert (status["state"], status["reasonCode"]) == ("Canceled", "Expired")
    assert checkout.buyer(session_id).status_code == 409


def test_the_buyer_control_names_an_unknown_session_or_card(checkout: Checkout) -> None:
    assert checkout.buyer("no-such-session").status_code == 404
    session_id = checkout.session()["checkoutSessionId"]
    answer = checkout.buyer(session_id, "gold-bar")
    assert answer.status_code == 400
    assert "gold-bar" in answer.json()["error"]


def test_jpy_amounts_have_no_minor_units(pay: Pay, checkout: Checkout) -> None:
    done = checkout.completed(amount="1000", currency="JPY")
    assert pay.ok("GET", f"/v2/charges/{done['chargeId']}")["chargeAmount"] == money("1000", "JPY")
    status, reason = pay.error(
        "POST",
        "/v2/checkoutSessions",
        {**NEW, "paymentDetails": {"chargeAmount": money("1000.50", "JPY")}},
    )
    assert (status, reason) == (400, "InvalidParameterValue")
    over = {**NEW, "paymentDetails": {"chargeAmount": money("10000001", "JPY")}}
    assert pay.error("POST", "/v2/checkoutSessions", over) == (422, "TransactionAmountExceeded")
    at_most = {**NEW, "paymentDetails": {"chargeAmount": money("10000000", "JPY")}}
    assert pay.ok("POST", "/v2/checkoutSessions", at_most)["paymentDetails"][
        "chargeAmount"
    ] == money("10000000", "JPY")


def test_an_unknown_path_is_not_found_and_a_wrong_method_unsupported(pay: Pay) -> None:
    assert pay.error("GET", "/v2/orders/1") == (404, "ResourceNotFound")
    assert pay.error("DELETE", "/v2/refunds/S01-1") == (405, "UnsupportedOperation")
    assert pay.error("GET", "/v2/checkoutSessions/unknown-id") == (404, "ResourceNotFound")
