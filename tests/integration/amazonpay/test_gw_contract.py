"""The PaymentGateway contract: every test runs against the fake, MwsGateway with the
simulator behind it and V2Gateway with the simulator's API v2 behind it, so neither the fake
nor an adapter can drift from (simulated) Amazon. What only the legacy API has (Draft order
references, sandbox payment methods, simulations in notes) runs against the first two."""

from __future__ import annotations

import pytest

from amzpay.amazonpay.gateway import (
    ASYNCHRONOUS,
    SYNCHRONOUS,
    CallRefused,
    ObjectKind,
    PaymentState,
)
from integration.amazonpay.amazon_sides import AmazonSide, LegacyAmazon
from integration.amazonpay.contract_steps import (
    authorized,
    confirmed_order,
    eur,
    fresh,
    simulation,
)

# -- order reference ----------------------------------------------------------------------------


def test_an_order_reference_given_the_total_stays_draft_until_confirmed(
    legacy_amazon: LegacyAmazon,
):
    order_id = legacy_amazon.buyer_order()

    draft = legacy_amazon.gateway.set_order_reference_details(order_id, eur("42.50"), "shop-1")
    legacy_amazon.gateway.confirm_order_reference(order_id)
    confirmed = legacy_amazon.gateway.order_reference_details(order_id)

    assert (draft.kind, draft.state, draft.amount) == (
        ObjectKind.ORDER_REFERENCE,
        PaymentState.DRAFT,
        eur("42.50"),
    )
    assert (confirmed.state, confirmed.amount) == (PaymentState.OPEN, eur("42.50"))


def test_a_confirmed_order_reference_cannot_be_changed_or_confirmed_again(
    legacy_amazon: LegacyAmazon,
):
    order_id = confirmed_order(legacy_amazon)

    with pytest.raises(CallRefused) as changed:
        legacy_amazon.gateway.set_order_reference_details(order_id, eur("1.00"), "shop-1")
    with pytest.raises(CallRefused) as again:
        legacy_amazon.gateway.confirm_order_reference(order_id)

    assert changed.value.code == again.value.code == "OrderReferenceNotModifiable"


@pytest.mark.parametrize(
    ("method", "note"),
    [
        ("*not-allowed", None),
        ("visa", '{"SandboxSimulation":{"Constraint":"PaymentMethodNotAllowed"}}'),
    ],
)
def test_an_order_reference_with_a_payment_method_not_allowed_cannot_be_confirmed(
    legacy_amazon: LegacyAmazon, method: str, note: str | None
):
    order_id = legacy_amazon.buyer_order(method)
    legacy_amazon.gateway.set_order_reference_details(order_id, eur("10.00"), "shop-1", note=note)

    with pytest.raises(CallRefused) as refused:
        legacy_amazon.gateway.confirm_order_reference(order_id)

    assert refused.value.code == "ConstraintsExist"


# -- authorization ------------------------------------------------------------------------------


def test_a_synchronous_authorization_is_open_at_once(amazon: AmazonSide):
    order_id = confirmed_order(amazon, "80.00")

    auth = authorized(amazon, "80.00", order_id=order_id)

    assert (auth.kind, auth.state, auth.amount) == (
        ObjectKind.AUTHORIZATION,
        PaymentState.OPEN,
        eur("80.00"),
    )
    assert auth.reference_id is not None
    assert auth.reference_id.startswith("auth-")
    assert amazon.gateway.authorization_details(auth.amazon_id).state is PaymentState.OPEN


def test_an_order_reference_lists_its_authorizations(legacy_amazon: LegacyAmazon):
    order_id = confirmed_order(legacy_amazon, "80.00")

    auth = authorized(legacy_amazon, "80.00", order_id=order_id)

    assert legacy_amazon.gateway.order_reference_details(order_id).children == (auth.amazon_id,)


def test_an_asynchronous_authorization_is_pending_until_amazon_has_processed_it(
    amazon: AmazonSide,
):
    order_id = confirmed_order(amazon, method=amazon.codes.pending_payment_method)
    auth = authorized(amazon, order_id=order_id, timeout=ASYNCHRONOUS)
    amazon.advance(31)

    later = amazon.gateway.authorization_details(auth.amazon_id)

    assert auth.state is PaymentState.PENDING
    assert later.state is PaymentState.OPEN


def test_authorizing_with_capture_now_captures_at_once(amazon: AmazonSide):
    auth = authorized(amazon, "30.00", capture_now=True)

    capture = amazon.gateway.capture_details(auth.children[0])
    # Amazon's sample AuthorizeResponse reports CapturedAmount 0 with CaptureNow; reading the
    # authorization again shows the capture.
    later = amazon.gateway.authorization_details(auth.amazon_id)

    assert (auth.state, auth.reason_code) == (
        PaymentState.CLOSED,
        amazon.codes.captured_authorization,
    )
    assert later.settled == eur("30.00")
    assert (capture.state, capture.amount) == (PaymentState.COMPLETED, eur("30.00"))


@pytest.mark.parametrize(
    ("method", "reason", "soft", "order_state"),
    [
        ("*invalid-payment-method", "InvalidPaymentMethod", True, PaymentState.SUSPENDED),
        ("*amazon-rejected", "AmazonRejected", False, PaymentState.CLOSED),
        ("*transaction-timed-out", "TransactionTimedOut", False, PaymentState.OPEN),
    ],
)
def test_a_sandbox_payment_method_declines_the_authorization_as_an_answer(
    legacy_amazon: LegacyAmazon, method: str, reason: str, soft: bool, order_state: PaymentState
):
    order_id = confirmed_order(legacy_amazon, method=method)

    auth = authorized(legacy_amazon, order_id=order_id)

    assert (auth.state, auth.reason_code, auth.soft_decline) == (
        PaymentState.DECLINED,
        reason,
        soft,
    )
    assert auth.declined
    assert legacy_amazon.gateway.order_reference_details(order_id).state is order_state


def test_a_sandbox_simulation_declines_the_authorization_as_an_answer(amazon: AmazonSide):
    reference_id = fresh("auth")
    note = amazon.declining_authorization(reference_id)

    auth = amazon.gateway.authorize(
        order_reference_id=confirmed_order(amazon),
        reference_id=reference_id,
        amount=eur("100.00"),
        transaction_timeout=SYNCHRONOUS,
        note=note,
    )

    assert (auth.state, auth.reason_code, auth.soft_decline) == (
        PaymentState.DECLINED,
        "AmazonRejected",
        False,
    )


def test_a_closed_authorization_says_the_seller_closed_it(amazon: AmazonSide):
    auth = authorized(amazon)

    amazon.gateway.close_authorization(authorization_id=auth.amazon_id, reason="not shipped")
    closed = amazon.gateway.authorization_details(auth.amazon_id)

    assert (closed.state, closed.reason_code) == (
        PaymentState.CLOSED,
        amazon.codes.seller_closed_authorization,
    )


# -- capture ------------------------------------------------------------------------------------


@pytest.mark.parametrize("amount", ["100.00", "60.00"])
def test_a_capture_completes_and_closes_its_authorization(amazon: AmazonSide, amount: str):
    auth = authorized(amazon, "100.00")

    capture = amazon.gateway.capture(
        authorization_id=auth.amazon_id, reference_id=fresh("cap"), amount=eur(amount)
    )
    after = amazon.gateway.authorization_details(auth.amazon_id)

    assert (capture.kind, capture.state, capture.amount) == (
        ObjectKind.CAPTURE,
        PaymentState.COMPLETED,
        eur(amount),
    )
    assert (after.state, after.reason_code) == (
        PaymentState.CLOSED,
        amazon.codes.captured_authorization,
    )
    assert after.children == (capture.amazon_id,)


def test_capturing_more_than_authorized_is_refused(amazon: AmazonSide):
    auth = authorized(amazon, "50.00")

    with pytest.raises(CallRefused) as refused:
        amazon.gateway.capture(
            authorization_id=auth.amazon_id, reference_id=fresh("cap"), amount=eur("50.01")
        )

    assert refused.value.code == amazon.codes.over_capture


def test_a_declined_capture_leaves_the_authorization_open(legacy_amazon: LegacyAmazon):
    auth = authorized(legacy_amazon)

    capture = legacy_amazon.gateway.capture(
        authorization_id=auth.amazon_id,
        reference_id=fresh("cap"),
        amount=eur("100.00"),
        note=simulation("Declined", "AmazonRejected"),
    )

    assert (capture.state, capture.reason_code) == (PaymentState.DECLINED, "AmazonRejected")
    assert legacy_amazon.gateway.authorization_details(auth.amazon_id).state is PaymentState.OPEN


def test_a_pending_capture_completes_later(amazon: AmazonSide):
    auth = authorized(amazon)
    reference_id = fresh("cap")
    note = amazon.pending_capture(reference_id)
    capture = amazon.gateway.capture(
        authorization_id=auth.amazon_id, reference_id=reference_id, amount=eur("100.00"), note=note
    )
    amazon.advance(31)

    later = amazon.gateway.capture_details(capture.amazon_id)

    assert capture.state is PaymentState.PENDING
    assert later.state is PaymentState.COMPLETED
