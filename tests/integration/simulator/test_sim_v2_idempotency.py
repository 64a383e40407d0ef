"""``x-amz-pay-idempotency-key`` on v2 POSTs (amazonpay-api.md §C.4): the same key and request
get the saved answer and make nothing twice; the same key on another request is
DuplicateIdempotencyKey; keys follow Amazon's format rules."""

from __future__ import annotations

import json

import pytest
from v2kit import PLAIN_SELLER, Checkout, Pay, money

from amzpay.simulator import Simulator


def test_a_repeat_with_the_same_key_and_body_gets_the_saved_answer_and_makes_one_refund(
    pay: Pay, checkout: Checkout, v2_sim: Simulator
) -> None:
    charge_id = checkout.captured()
    first = checkout.refund(charge_id, "10.00", key="refund-order-42-1")
    again = checkout.refund(charge_id, "10.00", key="refund-order-42-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert len(v2_sim.v2.books.charges[charge_id].refund_ids) == 1


def test_the_saved_answer_is_the_first_one_even_after_the_refund_settled(
    pay: Pay, checkout: Checkout, v2_sim: Simulator
) -> None:
    charge_id = checkout.captured()
    first = checkout.refund(charge_id, "10.00", key="k-settle").json()
    v2_sim.advance(60)
    again = checkout.refund(charge_id, "10.00", key="k-settle").json()
    assert again["statusDetails"]["state"] == "RefundInitiated"
    assert pay.ok("GET", f"/v2/refunds/{first['refundId']}")["statusDetails"]["state"] == "Refunded"


def test_the_same_body_spaced_or_ordered_differently_is_the_same_request(
    pay: Pay, checkout: Checkout
) -> None:
    charge_id = checkout.captured()
    body = {"chargeId": charge_id, "refundAmount": money("10.00")}
    first = pay.post("/v2/refunds", body, key="k-spacing")
    reordered = json.dumps(
        {"refundAmount": {"currencyCode": "EUR", "amount": "10.00"}, "chargeId": charge_id},
        indent=4,
    )
    again = pay.send("POST", "/v2/refunds", None, key="k-spacing", content=reordered.encode())
    assert again.json() == first.json()


def test_the_same_key_with_another_body_is_duplicate_idempotency_key(checkout: Checkout) -> None:
    charge_id = checkout.captured()
    assert checkout.refund(charge_id, "10.00", key="k-dup").status_code == 201
    answer = checkout.refund(charge_id, "11.00", key="k-dup")
    assert (answer.status_code, answer.json()["reasonCode"]) == (400, "DuplicateIdempotencyKey")


def test_the_same_key_on_another_operation_is_duplicate_idempotency_key(
    pay: Pay, checkout: Checkout
) -> None:
    charge_id = checkout.completed()["chargeId"]
    captured = pay.send(
        "POST", f"/v2/charges/{charge_id}/capture", {"captureAmount": money("10.00")}, key="k-op"
    )
    assert captured.status_code == 200
    answer = checkout.refund(charge_id, "10.00", key="k-op")
    assert (answer.status_code, answer.json()["reasonCode"]) == (400, "DuplicateIdempotencyKey")


def test_a_refused_request_leaves_its_key_free(checkout: Checkout) -> None:
    charge_id = checkout.captured()
    assert (
        checkout.refund(charge_id, "500.00", key="k-free").json()["reasonCode"]
        == "TransactionAmountExceeded"
    )
    assert checkout.refund(charge_id, "50.00", key="k-free").status_code == 201


def test_keys_belong_to_one_seller_account(pay: Pay, checkout: Checkout) -> None:
    body = {
        "webCheckoutDetails": {"checkoutReviewReturnUrl": "https://shop.example/review"},
        "storeId": "store",
    }
    first = pay.post("/v2/checkoutSessions", body, key="shared-key")
    pay.seller, pay.prefix = PLAIN_SELLER, "/sandbox"
    other = pay.post("/v2/checkoutSessions", body, key="shared-key")
    assert (first.status_code, other.status_code) == (201, 201)
    assert first.json()["checkoutSessionId"] != other.json()["checkoutSessionId"]


@pytest.mark.parametrize("path", ["/v2/checkoutSessions", "/v2/charges", "/v2/refunds"])
def test_a_create_without_a_key_is_missing_header(pay: Pay, path: str) -> None:
    answer = pay.send("POST", path, {})
    assert (answer.status_code, answer.json()["reasonCode"]) == (400, "MissingHeader")
    assert "x-amz-pay-idempotency-key" in answer.json()["message"]


def test_capture_needs_a_key_and_complete_does_not(pay: Pay, checkout: Checkout) -> None:
    charge_id = checkout.completed()["chargeId"]
    answer = pay.send("POST", f"/v2/charges/{charge_id}/capture", {"captureAmount": money("1.00")})
    assert answer.json()["reasonCode"] == "MissingHeader"
    session_id = checkout.session()["checkoutSessionId"]
    checkout.buyer(session_id)
    done = pay.send(
        "POST", f"/v2/checkoutSessions/{session_id}/complete", {"chargeAmount": money("100.00")}
    )
    assert done.status_code == 200


@pytest.mark.parametrize(
    ("key", "code"),
    [
        ("x" * 33, "InvalidHeaderValue"),
        ("with space", "InvalidHeaderValue"),
        ("slash/ed", "InvalidHeaderValue"),
        ("dot.ted", "InvalidHeaderValue"),
        ("", "MissingHeaderValue"),
    ],
)
def test_a_key_outside_amazons_format_is_refused(checkout: Checkout, key: str, code: str) -> None:
    answer = checkout.refund(checkout.captured(), "1.00", key=key)
    assert (answer.status_code, answer.json()["reasonCode"]) == (400, code)


def test_a_key_of_32_letters_digits_dashes_and_underscores_is_accepted(checkout: Checkout) -> None:
    key = "aZ09-_" + "k" * 26
    assert checkout.refund(checkout.captured(), "1.00", key=key).status_code == 201
