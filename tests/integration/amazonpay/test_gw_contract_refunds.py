"""The PaymentGateway contract, refunds and closing: every test runs against the fake and
against MwsGateway with the simulator behind it (see test_gw_contract.py)."""

from __future__ import annotations

import pytest

from amzpay.amazonpay.gateway import CallRefused, ObjectKind, PaymentState
from integration.amazonpay.amazon_sides import AmazonSide
from integration.amazonpay.contract_steps import (
    authorized,
    captured,
    confirmed_order,
    eur,
    fresh,
    simulation,
)

# -- refund -------------------------------------------------------------------------------------


def test_a_refund_is_pending_until_amazon_completes_it(amazon: AmazonSide):
    capture = captured(amazon, "100.00")

    refund = amazon.gateway.refund(
        capture_id=capture.amazon_id, reference_id=fresh("rf"), amount=eur("25.00")
    )
    before = amazon.gateway.refund_details(refund.amazon_id)
    amazon.advance(32)
    after = amazon.gateway.refund_details(refund.amazon_id)
    capture_after = amazon.gateway.capture_details(capture.amazon_id)

    assert (refund.kind, refund.state, refund.amount) == (
        ObjectKind.REFUND,
        PaymentState.PENDING,
        eur("25.00"),
    )
    assert before.state is PaymentState.PENDING
    assert after.state is PaymentState.COMPLETED
    assert capture_after.children == (refund.amazon_id,)
    assert capture_after.settled == eur("25.00")


def test_a_refund_declined_by_amazon_is_an_answer_with_its_reason(amazon: AmazonSide):
    capture = captured(amazon)

    refund = amazon.gateway.refund(
        capture_id=capture.amazon_id,
        reference_id=fresh("rf"),
        amount=eur("10.00"),
        note=simulation("Declined", "AmazonRejected"),
    )
    amazon.advance(32)
    after = amazon.gateway.refund_details(refund.amazon_id)

    assert refund.state is PaymentState.PENDING
    assert (after.state, after.reason_code) == (PaymentState.DECLINED, "AmazonRejected")


def test_refunding_more_than_captured_plus_the_allowance_is_refused(amazon: AmazonSide):
    capture = captured(amazon, "100.00")
    amazon.gateway.refund(
        capture_id=capture.amazon_id, reference_id=fresh("rf"), amount=eur("100.00")
    )

    with pytest.raises(CallRefused) as refused:
        amazon.gateway.refund(
            capture_id=capture.amazon_id, reference_id=fresh("rf"), amount=eur("15.01")
        )

    assert refused.value.code == "TransactionAmountExceeded"


def test_refunding_up_to_fifteen_percent_over_the_capture_is_accepted(amazon: AmazonSide):
    capture = captured(amazon, "100.00")

    refund = amazon.gateway.refund(
        capture_id=capture.amazon_id, reference_id=fresh("rf"), amount=eur("115.00")
    )

    assert refund.state is PaymentState.PENDING


def test_a_repeated_refund_reference_id_answers_the_first_refund(amazon: AmazonSide):
    capture = captured(amazon)
    reference_id = fresh("rf")

    first = amazon.gateway.refund(
        capture_id=capture.amazon_id, reference_id=reference_id, amount=eur("5.00")
    )
    again = amazon.gateway.refund(
        capture_id=capture.amazon_id, reference_id=reference_id, amount=eur("5.00")
    )

    assert again.amazon_id == first.amazon_id
    assert amazon.gateway.capture_details(capture.amazon_id).children == (first.amazon_id,)


def test_a_refund_reference_id_reused_for_another_amount_is_refused(amazon: AmazonSide):
    capture = captured(amazon)
    reference_id = fresh("rf")
    amazon.gateway.refund(
        capture_id=capture.amazon_id, reference_id=reference_id, amount=eur("5.00")
    )

    with pytest.raises(CallRefused) as refused:
        amazon.gateway.refund(
            capture_id=capture.amazon_id, reference_id=reference_id, amount=eur("6.00")
        )

    assert refused.value.code == "DuplicateRequest"


def test_a_capture_that_is_not_completed_cannot_be_refunded(amazon: AmazonSide):
    capture = captured(amazon, note=simulation("Pending"))

    with pytest.raises(CallRefused) as refused:
        amazon.gateway.refund(
            capture_id=capture.amazon_id, reference_id=fresh("rf"), amount=eur("1.00")
        )

    assert refused.value.code == "CaptureNotRefundable"


# -- closing and canceling ------------------------------------------------------------------------


def test_a_closed_order_reference_still_accepts_refunds(amazon: AmazonSide):
    order_id = confirmed_order(amazon)
    auth = authorized(amazon, order_id=order_id)
    capture = amazon.gateway.capture(
        authorization_id=auth.amazon_id, reference_id=fresh("cap"), amount=eur("100.00")
    )

    amazon.gateway.close_order_reference(order_reference_id=order_id, reason="shipped")
    refund = amazon.gateway.refund(
        capture_id=capture.amazon_id, reference_id=fresh("rf"), amount=eur("1.00")
    )
    closed = amazon.gateway.order_reference_details(order_id)

    assert (closed.state, closed.reason_code) == (PaymentState.CLOSED, "SellerClosed")
    assert refund.state is PaymentState.PENDING


def test_canceling_an_order_reference_closes_its_open_authorizations(amazon: AmazonSide):
    order_id = confirmed_order(amazon)
    auth = authorized(amazon, order_id=order_id)

    amazon.gateway.cancel_order_reference(order_reference_id=order_id, reason="out of stock")
    order = amazon.gateway.order_reference_details(order_id)
    after = amazon.gateway.authorization_details(auth.amazon_id)

    assert (order.state, order.reason_code) == (PaymentState.CANCELED, "SellerCanceled")
    assert (after.state, after.reason_code) == (PaymentState.CLOSED, "OrderReferenceCanceled")


def test_an_order_reference_with_a_capture_cannot_be_canceled(amazon: AmazonSide):
    order_id = confirmed_order(amazon)
    auth = authorized(amazon, order_id=order_id)
    amazon.gateway.capture(
        authorization_id=auth.amazon_id, reference_id=fresh("cap"), amount=eur("100.00")
    )

    with pytest.raises(CallRefused) as refused:
        amazon.gateway.cancel_order_reference(order_reference_id=order_id)

    assert refused.value.code == "InvalidOrderReferenceStatus"


def test_an_unknown_refund_id_is_refused(amazon: AmazonSide):
    with pytest.raises(CallRefused) as refused:
        amazon.gateway.refund_details("S01-0000000-0000000-R000000")

    assert refused.value.code == "InvalidTransactionId"
