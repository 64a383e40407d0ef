"""v2 refunds: RefundInitiated at once (201), Refunded after Amazon's delay, only on a
Captured charge and within the over-refund allowance (amazonpay-api.md §C.2)."""

from __future__ import annotations

import pytest
from v2kit import Checkout, Pay, money

from amzpay.simulator import Simulator


def test_a_refund_is_initiated_and_refunded_after_amazons_delay(
    pay: Pay, checkout: Checkout, v2_sim: Simulator
) -> None:
    charge_id = checkout.captured()
    answer = checkout.refund(charge_id, "30.00", descriptor="SHOP REFUND")
    assert answer.status_code == 201
    refund = answer.json()
    assert refund["statusDetails"]["state"] == "RefundInitiated"
    assert refund["refundAmount"] == money("30.00")
    assert refund["chargeId"] == charge_id
    assert refund["softDescriptor"] == "AMZ*SHOP REFUND"
    assert refund["refundId"].startswith(charge_id.rsplit("-", 1)[0] + "-R")
    v2_sim.advance(30)
    assert (
        pay.ok("GET", f"/v2/refunds/{refund['refundId']}")["statusDetails"]["state"]
        == "RefundInitiated"
    )
    v2_sim.advance(1)
    settled = pay.ok("GET", f"/v2/refunds/{refund['refundId']}")
    assert settled["statusDetails"]["state"] == "Refunded"
    assert pay.ok("GET", f"/v2/charges/{charge_id}")["refundedAmount"] == money("30.00")


def test_only_a_captured_charge_is_refunded(checkout: Checkout) -> None:
    answer = checkout.refund(checkout.completed()["chargeId"], "1.00")
    assert (answer.status_code, answer.json()["reasonCode"]) == (422, "InvalidChargeStatus")


def test_a_refund_in_another_currency_is_currency_mismatch(checkout: Checkout) -> None:
    answer = checkout.refund(checkout.captured(), "1.00", "GBP")
    assert (answer.status_code, answer.json()["reasonCode"]) == (400, "CurrencyMismatch")


@pytest.mark.parametrize(
    ("captured", "currency", "allowed", "refused"),
    [
        ("100.00", "EUR", "115.00", "0.01"),  # 15 % of 100 is less than 75
        ("1000.00", "EUR", "1075.00", "0.01"),  # 75 is less than 15 % of 1000
        ("100000", "JPY", "108400", "1"),  # 8,400 JPY is less than 15 % of 100,000
        ("10000", "JPY", "11500", "1"),
    ],
)
def test_refunds_may_exceed_the_capture_by_the_lesser_of_15_percent_or_75(
    checkout: Checkout, captured: str, currency: str, allowed: str, refused: str
) -> None:
    charge_id = checkout.captured(captured, currency)
    assert checkout.refund(charge_id, allowed, currency).status_code == 201
    answer = checkout.refund(charge_id, refused, currency)
    assert (answer.status_code, answer.json()["reasonCode"]) == (422, "TransactionAmountExceeded")


def test_the_allowance_counts_every_refund_of_the_charge(checkout: Checkout) -> None:
    charge_id = checkout.captured()
    for _ in range(2):
        assert checkout.refund(charge_id, "50.00").status_code == 201
    assert checkout.refund(charge_id, "15.00").status_code == 201
    assert checkout.refund(charge_id, "0.01").json()["reasonCode"] == "TransactionAmountExceeded"


def test_a_refund_amount_is_checked_like_every_amount(checkout: Checkout) -> None:
    charge_id = checkout.captured()
    assert checkout.refund(charge_id, "-1.00").json()["reasonCode"] == "InvalidParameterValue"
    assert checkout.refund(charge_id, "1.005").json()["reasonCode"] == "InvalidParameterValue"
    assert (
        checkout.refund(charge_id, "150000.01").json()["reasonCode"] == "TransactionAmountExceeded"
    )


def test_an_unknown_refund_or_charge_is_not_found(pay: Pay, checkout: Checkout) -> None:
    assert pay.error("GET", "/v2/refunds/S01-0000000-0000000-R000000") == (404, "ResourceNotFound")
    answer = checkout.refund("S01-0000000-0000000-C000000", "1.00")
    assert (answer.status_code, answer.json()["reasonCode"]) == (404, "ResourceNotFound")


def test_a_refund_needs_its_charge_and_amount(pay: Pay) -> None:
    assert pay.error("POST", "/v2/refunds", {"refundAmount": money("1.00")}) == (
        400,
        "MissingParameterValue",
    )
    assert pay.error("POST", "/v2/refunds", {"chargeId": "x"}) == (400, "MissingParameterValue")
