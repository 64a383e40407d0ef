"""v2 charges and charge permissions: created, captured, canceled and closed as Amazon's
states allow, within the permission's limit, expiring on Amazon's schedule
(amazonpay-api.md §C.1, §C.2)."""

from __future__ import annotations

from typing import Any

import pytest
from v2kit import Checkout, Pay, money

from amzpay.simulator import Simulator


def _permission(checkout: Checkout, amount: str = "100.00", currency: str = "EUR") -> str:
    done = checkout.completed(amount=amount, currency=currency, paymentIntent="Confirm")
    permission_id: str = done["chargePermissionId"]
    return permission_id


def _charge(pay: Pay, permission_id: str, amount: str = "60.00", **extra: Any) -> Any:
    body = {"chargePermissionId": permission_id, "chargeAmount": money(amount), **extra}
    return pay.post("/v2/charges", body)


def test_a_charge_on_a_chargeable_permission_is_authorized(pay: Pay, checkout: Checkout) -> None:
    permission_id = _permission(checkout)
    answer = _charge(pay, permission_id)
    assert answer.status_code == 201
    charge = answer.json()
    assert charge["statusDetails"]["state"] == "Authorized"
    assert charge["chargeId"].startswith(f"{permission_id}-C")
    assert charge["expirationTimestamp"] == "20260401T100000Z"
    balance = pay.ok("GET", f"/v2/chargePermissions/{permission_id}")["limits"]["amountBalance"]
    assert balance == money("40.00")


def test_a_charge_with_capture_now_is_captured_with_its_soft_descriptor(
    pay: Pay, checkout: Checkout
) -> None:
    charge = _charge(pay, _permission(checkout), captureNow=True, softDescriptor="SHOP 42").json()
    assert charge["statusDetails"]["state"] == "Captured"
    assert charge["captureAmount"] == money("60.00")
    assert charge["softDescriptor"] == "AMZ*SHOP 42"


def test_charges_beyond_the_permissions_limit_are_refused(pay: Pay, checkout: Checkout) -> None:
    permission_id = _permission(checkout)
    assert _charge(pay, permission_id).status_code == 201
    answer = _charge(pay, permission_id, "40.01")
    assert (answer.status_code, answer.json()["reasonCode"]) == (422, "TransactionAmountExceeded")
    assert _charge(pay, permission_id, "40.00").status_code == 201


def test_a_charge_in_another_currency_is_currency_mismatch(pay: Pay, checkout: Checkout) -> None:
    body = {"chargePermissionId": _permission(checkout), "chargeAmount": money("10.00", "USD")}
    assert pay.error("POST", "/v2/charges", body) == (400, "CurrencyMismatch")


def test_capturing_an_authorized_charge_captures_it_once(pay: Pay, checkout: Checkout) -> None:
    charge_id = checkout.completed()["chargeId"]
    captured = pay.ok("POST", f"/v2/charges/{charge_id}/capture", {"captureAmount": money("80.00")})
    assert captured["statusDetails"]["state"] == "Captured"
    assert captured["captureAmount"] == money("80.00")
    again = pay.error("POST", f"/v2/charges/{charge_id}/capture", {"captureAmount": money("1.00")})
    assert again == (422, "InvalidChargeStatus")


def test_capturing_more_than_the_charge_is_refused(pay: Pay, checkout: Checkout) -> None:
    charge_id = checkout.completed()["chargeId"]
    body = {"captureAmount": money("100.01")}
    assert pay.error("POST", f"/v2/charges/{charge_id}/capture", body) == (
        422,
        "TransactionAmountExceeded",
    )


def test_canceling_an_authorized_charge_frees_the_permissions_balance(
    pay: Pay, checkout: Checkout
) -> None:
    done = checkout.completed()
    canceled = pay.ok(
        "DELETE", f"/v2/charges/{done['chargeId']}/cancel", {"cancellationReason": "out of stock"}
    )
    assert canceled["statusDetails"]["state"] == "Canceled"
    assert canceled["statusDetails"]["reasonCode"] == "MerchantCanceled"
    assert canceled["statusDetails"]["reasonDescription"] == "out of stock"
    permission = pay.ok("GET", f"/v2/chargePermissions/{done['chargePermissionId']}")
    assert permission["limits"]["amountBalance"] == money("100.00")


def test_a_captured_charge_cannot_be_canceled(pay: Pay, checkout: Checkout) -> None:
    assert pay.error("DELETE", f"/v2/charges/{checkout.captured()}/cancel", {}) == (
        422,
        "InvalidChargeStatus",
    )


def test_an_authorized_charge_not_captured_in_30_days_is_canceled_expired_unused(
    pay: Pay, checkout: Checkout, v2_sim: Simulator
) -> None:
    charge_id = checkout.completed()["chargeId"]
    v2_sim.advance(30 * 86400 - 1)
    assert pay.ok("GET", f"/v2/charges/{charge_id}")["statusDetails"]["state"] == "Authorized"
    v2_sim.advance(1)
    status = pay.ok("GET", f"/v2/charges/{charge_id}")["statusDetails"]
    assert (status["state"], status["reasonCode"]) == ("Canceled", "ExpiredUnused")


def test_the_permissions_merchant_metadata_can_be_updated(pay: Pay, checkout: Checkout) -> None:
    permission_id = _permission(checkout)
    body = {"merchantMetadata": {"merchantReferenceId": "order-42", "customInformation": "gift"}}
    updated = pay.ok("PATCH", f"/v2/chargePermissions/{permission_id}", body)
    assert updated["merchantMetadata"]["merchantReferenceId"] == "order-42"
    assert (
        pay.ok("GET", f"/v2/chargePermissions/{permission_id}")["merchantMetadata"][
            "customInformation"
        ]
        == "gift"
    )


def test_closing_a_permission_stops_its_charges(pay: Pay, checkout: Checkout) -> None:
    permission_id = _permission(checkout)
    closed = pay.ok(
        "DELETE", f"/v2/chargePermissions/{permission_id}/close", {"closureReason": "order shipped"}
    )
    assert closed["statusDetails"]["state"] == "Closed"
    assert closed["statusDetails"]["reasons"] == [
        {"reasonCode": "MerchantClosed", "reasonDescription": None}
    ]
    assert _charge(pay, permission_id).json()["reasonCode"] == "InvalidChargePermissionStatus"
    again = pay.error(
        "DELETE", f"/v2/chargePermissions/{permission_id}/close", {"closureReason": "x"}
    )
    assert again == (422, "InvalidChargePermissionStatus")
    update = pay.error("PATCH", f"/v2/chargePermissions/{permission_id}", {"merchantMetadata": {}})
    assert update == (422, "ChargePermissionNotModifiable")


@pytest.mark.parametrize(("cancel", "state"), [(True, "Canceled"), (False, "Authorized")])
def test_closing_cancels_open_charges_only_when_asked(
    pay: Pay, checkout: Checkout, cancel: bool, state: str
) -> None:
    done = checkout.completed()
    body = {"closureReason": "buyer left", "cancelPendingCharges": cancel}
    pay.ok("DELETE", f"/v2/chargePermissions/{done['chargePermissionId']}/close", body)
    assert pay.ok("GET", f"/v2/charges/{done['chargeId']}")["statusDetails"]["state"] == state


def test_closing_needs_a_closure_reason(pay: Pay, checkout: Checkout) -> None:
    permission_id = _permission(checkout)
    assert pay.error("DELETE", f"/v2/chargePermissions/{permission_id}/close", {}) == (
        400,
        "MissingParameterValue",
    )


def test_a_permission_closes_as_expired_after_180_days(
    pay: Pay, checkout: Checkout, v2_sim: Simulator
) -> None:
    permission_id = _permission(checkout)
    v2_sim.advance(180 * 86400)
    status = pay.ok("GET", f"/v2/chargePermissions/{permission_id}")["statusDetails"]
    assert status["state"] == "Closed"
    assert status["reasons"][0]["reasonCode"] == "Expired"


def test_the_charge_of_another_seller_is_not_found(pay: Pay, checkout: Checkout) -> None:
    from v2kit import LIVE_SELLER

    charge_id = checkout.completed()["chargeId"]
    pay.seller = LIVE_SELLER
    assert pay.error("GET", f"/v2/charges/{charge_id}") == (404, "ResourceNotFound")


def _permission_status(pay: Pay, permission_id: str) -> tuple[str, str | None]:
    status = pay.ok("GET", f"/v2/chargePermissions/{permission_id}")["statusDetails"]
    reasons = status["reasons"] or [{"reasonCode": None}]
    return status["state"], reasons[0]["reasonCode"]


@pytest.mark.parametrize(
    ("card", "after"),
    [
        ("*pending-authorized", ("Chargeable", None)),
        ("*pending-declined", ("NonChargeable", "PaymentMethodInvalid")),
    ],
)
def test_a_permission_is_non_chargeable_while_its_charge_is_pending(
    pay: Pay, checkout: Checkout, v2_sim: Simulator, card: str, after: tuple[str, str | None]
) -> None:
    session_id = checkout.session(canHandlePendingAuthorization=True)["checkoutSessionId"]
    checkout.buyer(session_id, card)
    done = pay.send(
        "POST", f"/v2/checkoutSessions/{session_id}/complete", {"chargeAmount": money("100.00")}
    ).json()
    permission_id = done["chargePermissionId"]
    assert _permission_status(pay, permission_id) == ("NonChargeable", "ChargeInProgress")
    assert (
        _charge(pay, permission_id, "1.00").json()["reasonCode"] == "InvalidChargePermissionStatus"
    )
    v2_sim.advance(30)
    assert _permission_status(pay, permission_id) == after


def test_a_pending_charge_with_capture_now_is_captured_when_authorized(
    pay: Pay, checkout: Checkout, v2_sim: Simulator
) -> None:
    session = checkout.session(
        canHandlePendingAuthorization=True, paymentIntent="AuthorizeWithCapture"
    )
    checkout.buyer(session["checkoutSessionId"], "*pending-authorized")
    done = pay.send(
        "POST",
        f"/v2/checkoutSessions/{session['checkoutSessionId']}/complete",
        {"chargeAmount": money("100.00")},
    ).json()
    v2_sim.advance(30)
    charge = pay.ok("GET", f"/v2/charges/{done['chargeId']}")
    assert (charge["statusDetails"]["state"], charge["captureAmount"]) == (
        "Captured",
        money("100.00"),
    )


def test_canceling_a_pending_charge_makes_its_permission_chargeable_again(
    pay: Pay, checkout: Checkout
) -> None:
    session_id = checkout.session(canHandlePendingAuthorization=True)["checkoutSessionId"]
    checkout.buyer(session_id, "*pending-authorized")
    done = pay.send(
        "POST", f"/v2/checkoutSessions/{session_id}/complete", {"chargeAmount": money("100.00")}
    ).json()
    pay.ok("DELETE", f"/v2/charges/{done['chargeId']}/cancel", {})
    assert _permission_status(pay, done["chargePermissionId"]) == ("Chargeable", None)


def test_a_hard_declined_charge_leaves_its_permission_non_chargeable(
    pay: Pay, checkout: Checkout
) -> None:
    permission_id = _permission(checkout)
    body = {"chargePermissionId": permission_id, "chargeAmount": money("10.00")}
    assert pay.post("/v2/charges", body, simulation="HardDeclined").status_code == 422
    assert _permission_status(pay, permission_id) == ("NonChargeable", "PaymentMethodInvalid")
    assert (
        pay.post("/v2/charges", body, simulation="SoftDeclined").json()["reasonCode"]
        == "InvalidChargePermissionStatus"
    )
