"""The PaymentGateway contract, refunds and closing: every test runs against the fake,
MwsGateway and V2Gateway with the simulator behind them (see test_gw_contract.py)."""

from __future__ import annotations

import pytest

from amzpay.amazonpay.gateway import CallRefused, ObjectKind, PaymentState
from integration.amazonpay.amazon_sides import AmazonSide, LegacyAmazon
from integration.amazonpay.contract_steps import (
    authorized,
    captured,
    confirmed_order,
    eur,
    fresh,
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
    assert (after.state, after.amount) == (PaymentState.COMPLETED, eur("25.00"))
    assert amazon.refunds_of(capture.amazon_id) == (refund.amazon_id,)
    assert capture_after.settled == eur("25.00")


def test_a_refund_declined_by_amazon_is_an_answer_with_its_reason(amazon: AmazonSide):
    capture = captured(amazon)
    reference_id = fresh("rf")
    note = amazon.declining_refund(reference_id)

    refund = amazon.gateway.refund(
        capture_id=capture.amazon_id, reference_id=reference_id, amount=eur("10.00"), note=note
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

    assert refused.value.code == amazon.codes.over_refund


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
    assert amazon.refunds_of(capture.amazon_id) == (first.amazon_id,)


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

    assert refused.value.code == amazon.codes.reused_reference


def test_a_capture_that_is_not_completed_cannot_be_refunded(amazon: AmazonSide):
    auth = authorized(amazon)
    reference_id = fresh("cap")
    note = amazon.pending_capture(reference_id)
    capture = amazon.gateway.capture(
        authorization_id=auth.amazon_id, reference_id=reference_id, amount=eur("100.00"), note=note
    )

    with pytest.raises(CallRefused) as refused:
        amazon.gateway.refund(
            capture_id=capture.amazon_id, reference_id=fresh("rf"), amount=eur("1.00")
        )

    assert refused.value.code == amazon.codes.not_refundable


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

    assert (closed.state, closed.reason_code) == (
        PaymentState.CLOSED,
        amazon.codes.seller_closed_order,
    )
    assert refund.state is PaymentState.PENDING


def test_canceling_an_order_reference_closes_its_open_authorizations(legacy_amazon: LegacyAmazon):
    order_id = confirmed_order(legacy_amazon)
    auth = authorized(legacy_amazon, order_id=order_id)

    legacy_amazon.gateway.cancel_order_reference(order_reference_id=order_id, reason="out of stock")
    order = legacy_amazon.gateway.order_reference_details(order_id)
    after = legacy_amazon.gateway.authorization_details(auth.amazon_id)

    assert (order.state, order.reason_code) == (PaymentState.CANCELED, "SellerCanceled")
    assert (after.state, after.reason_code) == (PaymentState.CLOSED, "OrderReferenceCanceled")


def test_an_order_reference_with_a_capture_cannot_be_canceled(legacy_amazon: LegacyAmazon):
    order_id = confirmed_order(legacy_amazon)
    auth = authorized(legacy_amazon, order_id=order_id)
    legacy_amazon.gateway.capture(
        authorization_id=auth.amazon_id, reference_id=fresh("cap"), amount=eur("100.00")
    )

    with pytest.raises(CallRefused) as refused:
        legacy_amazon.gateway.cancel_order_reference(order_reference_id=order_id)

    assert refused.value.code == "InvalidOrderReferenceStatus"


def test_an_unknown_refund_id_is_refused(amazon: AmazonSide):
    with pytest.raises(CallRefused) as refused:
        amazon.gateway.refund_details("S01-0000000-0000000-R000000")

    assert refused.value.code == amazon.codes.unknown_refund
