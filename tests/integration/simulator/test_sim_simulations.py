"""Every SandboxSimulation string of amazonpay-api.md §A.11, sent in its note field, gives
Amazon's documented result; an invalid combination gives InvalidSandboxSimulationSpecified."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from simkit import Amazon, Shop, text

from amzpay.simulator import Simulator

TOTAL = {
    "OrderReferenceAttributes.OrderTotal.Amount": "100.00",
    "OrderReferenceAttributes.OrderTotal.CurrencyCode": "EUR",
}


def _order_state(amazon: Amazon, order_id: str) -> tuple[str, str | None]:
    status = amazon.ok("GetOrderReferenceDetails", AmazonOrderReferenceId=order_id)[0].find(
        "{*}OrderReferenceStatus"
    )
    assert status is not None
    return status.findtext("{*}State") or "", status.findtext("{*}ReasonCode")


def _auth_state(amazon: Amazon, auth_id: str) -> tuple[str, str | None]:
    status = amazon.ok("GetAuthorizationDetails", AmazonAuthorizationId=auth_id)[0].find(
        "{*}AuthorizationStatus"
    )
    assert status is not None
    return status.findtext("{*}State") or "", status.findtext("{*}ReasonCode")


def test_the_payment_method_not_allowed_constraint_blocks_confirmation_until_the_note_is_replaced(
    amazon: Amazon, sim: Simulator
) -> None:
    order_id = sim.create_order_reference()
    note = '{"SandboxSimulation":{"Constraint":"PaymentMethodNotAllowed"}}'

    details = amazon.ok(
        "SetOrderReferenceDetails",
        AmazonOrderReferenceId=order_id,
        **TOTAL,
        **{"OrderReferenceAttributes.SellerNote": note},
    )[0]
    refused = amazon.error("ConfirmOrderReference", AmazonOrderReferenceId=order_id)
    amazon.ok(
        "SetOrderReferenceDetails",
        AmazonOrderReferenceId=order_id,
        **TOTAL,
        **{"OrderReferenceAttributes.SellerNote": "plain note"},
    )
    amazon.ok("ConfirmOrderReference", AmazonOrderReferenceId=order_id)

    assert text(details, "Constraints/Constraint/ConstraintID") == "PaymentMethodNotAllowed"
    assert refused == (400, "ConstraintsExist")
    assert _order_state(amazon, order_id) == ("Open", None)


def test_closing_with_the_amazon_closed_simulation_closes_the_order_as_amazon_closed(
    amazon: Amazon, shop: Shop
) -> None:
    order_id = shop.open_order()

    amazon.ok(
        "CloseOrderReference",
        AmazonOrderReferenceId=order_id,
        ClosureReason='{"SandboxSimulation": {"State":"Closed","ReasonCode":"AmazonClosed"}}',
    )

    assert _order_state(amazon, order_id) == ("Closed", "AmazonClosed")


def test_a_soft_decline_suspends_the_order_until_the_buyer_updates_the_payment_method(
    amazon: Amazon, shop: Shop, sim: Simulator
) -> None:
    order_id = shop.open_order()
    note = (
        '{"SandboxSimulation": {"State":"Declined", "ReasonCode":"InvalidPaymentMethod", '
        '"PaymentMethodUpdateTimeInMins":5, "SoftDecline":"true"}}'
    )

    auth_id = shop.authorize(order_id, "100.00", SellerAuthorizationNote=note)
    details = amazon.ok("GetAuthorizationDetails", AmazonAuthorizationId=auth_id)[0]
    suspended = _order_state(amazon, order_id)
    sim.advance(5 * 60)

    assert _auth_state(amazon, auth_id) == ("Declined", "InvalidPaymentMethod")
    assert text(details, "SoftDecline") == "true"
    assert suspended == ("Suspended", "InvalidPaymentMethod")
    assert _order_state(amazon, order_id) == ("Open", None)


def test_an_invalid_payment_method_decline_without_an_update_time_leaves_the_order_suspended(
    amazon: Amazon, shop: Shop, sim: Simulator
) -> None:
    order_id = shop.open_order()
    note = '{"SandboxSimulation": {"State":"Declined", "ReasonCode":"InvalidPaymentMethod"}}'

    shop.authorize(order_id, "100.00", SellerAuthorizationNote=note)
    sim.advance(3600)

    assert _order_state(amazon, order_id) == ("Suspended", "InvalidPaymentMethod")


def test_an_amazon_rejected_authorization_closes_the_order(amazon: Amazon, shop: Shop) -> None:
    order_id = shop.open_order()
    note = '{"SandboxSimulation": {"State":"Declined", "ReasonCode":"AmazonRejected"}}'

    auth_id = shop.authorize(order_id, "100.00", SellerAuthorizationNote=note)

    assert _auth_state(amazon, auth_id) == ("Declined", "AmazonRejected")
    assert _order_state(amazon, order_id) == ("Closed", "AmazonClosed")


def test_a_timed_out_authorization_leaves_the_order_open(amazon: Amazon, shop: Shop) -> None:
    order_id = shop.open_order()
    note = '{"SandboxSimulation": {"State":"Declined", "ReasonCode":"TransactionTimedOut"}}'

    auth_id = shop.authorize(order_id, "100.00", SellerAuthorizationNote=note)

    assert _auth_state(amazon, auth_id) == ("Declined", "TransactionTimedOut")
    assert _order_state(amazon, order_id) == ("Open", None)


def test_an_asynchronous_simulated_decline_is_pending_first(
    amazon: Amazon, shop: Shop, sim: Simulator
) -> None:
    order_id = shop.open_order()
    note = '{"SandboxSimulation": {"State":"Declined", "ReasonCode":"AmazonRejected"}}'
    result = amazon.ok(
        "Authorize",
        AmazonOrderReferenceId=order_id,
        AuthorizationReferenceId="auth-1",
        SellerAuthorizationNote=note,
        **{"AuthorizationAmount.Amount": "10.00", "AuthorizationAmount.CurrencyCode": "EUR"},
    )
    auth_id = text(result, "AuthorizationDetails/AmazonAuthorizationId")

    pending = _auth_state(amazon, auth_id)
    sim.advance(30)

    assert pending == ("Pending", None)
    assert _auth_state(amazon, auth_id) == ("Declined", "AmazonRejected")


def test_an_authorization_expires_unused_after_the_simulated_minutes(
    amazon: Amazon, shop: Shop, sim: Simulator
) -> None:
    note = (
        '{"SandboxSimulation": {"State":"Closed", "ReasonCode":"ExpiredUnused", '
        '"ExpirationTimeInMins":1}}'
    )
    auth_id = shop.authorize(shop.open_order(), "100.00", SellerAuthorizationNote=note)

    opened = _auth_state(amazon, auth_id)
    sim.advance(60)

    assert opened == ("Open", None)
    assert _auth_state(amazon, auth_id) == ("Closed", "ExpiredUnused")


def test_an_authorization_closed_by_amazon(amazon: Amazon, shop: Shop) -> None:
    note = '{"SandboxSimulation": {"State":"Closed", "ReasonCode":"AmazonClosed"}}'

    auth_id = shop.authorize(shop.open_order(), "100.00", SellerAuthorizationNote=note)

    assert _auth_state(amazon, auth_id) == ("Closed", "AmazonClosed")


def test_a_simulated_pending_capture_completes_later(
    amazon: Amazon, shop: Shop, sim: Simulator
) -> None:
    auth_id = shop.authorize(shop.open_order(), "100.00")
    capture_id = shop.capture(
        auth_id, "100.00", SellerCaptureNote='{"SandboxSimulation": {"State":"Pending"}}'
    )

    pending = text(
        amazon.ok("GetCaptureDetails", AmazonCaptureId=capture_id)[0], "CaptureStatus/State"
    )
    sim.advance(30)

    assert pending == "Pending"
    assert (
        text(amazon.ok("GetCaptureDetails", AmazonCaptureId=capture_id)[0], "CaptureStatus/State")
        == "Completed"
    )


@pytest.mark.parametrize(
    ("state", "reason"), [("Declined", "AmazonRejected"), ("Closed", "AmazonClosed")]
)
def test_a_simulated_capture_outcome(amazon: Amazon, shop: Shop, state: str, reason: str) -> None:
    auth_id = shop.authorize(shop.open_order(), "100.00")
    note = f'{{"SandboxSimulation": {{"State":"{state}", "ReasonCode":"{reason}"}}}}'

    capture_id = shop.capture(auth_id, "100.00", SellerCaptureNote=note)

    details = amazon.ok("GetCaptureDetails", AmazonCaptureId=capture_id)[0]
    assert text(details, "CaptureStatus/State") == state
    assert text(details, "CaptureStatus/ReasonCode") == reason


def test_a_declined_capture_leaves_the_authorization_open_for_another_try(
    amazon: Amazon, shop: Shop
) -> None:
    auth_id = shop.authorize(shop.open_order(), "100.00")
    note = '{"SandboxSimulation": {"State":"Declined", "ReasonCode":"AmazonRejected"}}'
    shop.capture(auth_id, "100.00", SellerCaptureNote=note)

    assert _auth_state(amazon, auth_id) == ("Open", None)
    assert shop.capture(auth_id, "100.00", ref="second-try")


def test_a_simulated_refund_decline_is_pending_then_declined_as_amazon_rejected(
    amazon: Amazon, shop: Shop, sim: Simulator
) -> None:
    capture_id = shop.captured()
    note = '{"SandboxSimulation": {"State":"Declined", "ReasonCode":"AmazonRejected"}}'
    answer = shop.refund(capture_id, "10.00", SellerRefundNote=note)
    refund_id = text(
        ElementTree.fromstring(answer.content), "RefundResult/RefundDetails/AmazonRefundId"
    )

    pending = amazon.ok("GetRefundDetails", AmazonRefundId=refund_id)[0]
    sim.advance(31)
    declined = amazon.ok("GetRefundDetails", AmazonRefundId=refund_id)[0]

    assert text(pending, "RefundStatus/State") == "Pending"
    assert text(declined, "RefundStatus/State") == "Declined"
    assert text(declined, "RefundStatus/ReasonCode") == "AmazonRejected"
    capture = amazon.ok("GetCaptureDetails", AmazonCaptureId=capture_id)[0]
    assert text(capture, "RefundedAmount/Amount") == "0"


@pytest.mark.parametrize(
    ("operation", "field", "note"),
    [
        (
            "Refund",
            "SellerRefundNote",
            '{"SandboxSimulation": {"State":"Declined", "ReasonCode":"ProcessingFailure"}}',
        ),
        ("Refund", "SellerRefundNote", '{"SandboxSimulation": {"State":"Completed"}}'),
        ("Refund", "SellerRefundNote", '{"SandboxSimulation": {"State":"Declined"'),
        (
            "Capture",
            "SellerCaptureNote",
            '{"SandboxSimulation": {"State":"Declined", "ReasonCode":"InvalidPaymentMethod"}}',
        ),
        (
            "Authorize",
            "SellerAuthorizationNote",
            '{"SandboxSimulation": {"State":"Declined", "ReasonCode":"ProcessingFailure"}}',
        ),
        (
            "Authorize",
            "SellerAuthorizationNote",
            '{"SandboxSimulation": {"State":"Declined", "ReasonCode":"AmazonRejected", '
            '"PaymentMethodUpdateTimeInMins":5}}',
        ),
        (
            "Authorize",
            "SellerAuthorizationNote",
            '{"SandboxSimulation": {"State":"Open", "Color":"blue"}}',
        ),
        ("Authorize", "SellerAuthorizationNote", '{"SandboxSimulation": "Declined"}'),
    ],
)
def test_an_invalid_simulation_is_refused(
    shop: Shop, operation: str, field: str, note: str
) -> None:
    order_id = shop.open_order()
    if operation == "Authorize":
        answer = shop.amazon.post(
            "Authorize",
            AmazonOrderReferenceId=order_id,
            AuthorizationReferenceId="a1",
            **{
                field: note,
                "AuthorizationAmount.Amount": "1.00",
                "AuthorizationAmount.CurrencyCode": "EUR",
            },
        )
    elif operation == "Capture":
        answer = shop.amazon.post(
            "Capture",
            AmazonAuthorizationId=shop.authorize(order_id, "1.00"),
            CaptureReferenceId="c1",
            **{field: note, "CaptureAmount.Amount": "1.00", "CaptureAmount.CurrencyCode": "EUR"},
        )
    else:
        answer = shop.refund(
            shop.capture(shop.authorize(order_id, "1.00"), "1.00"), "1.00", **{field: note}
        )

    assert answer.status_code == 400
    assert (
        text(ElementTree.fromstring(answer.content), "Error/Code")
        == "InvalidSandboxSimulationSpecified"
    )


def test_simulation_strings_are_ordinary_notes_on_the_live_endpoint(
    amazon: Amazon, sim: Simulator
) -> None:
    order_id = sim.create_order_reference(sandbox=False)
    amazon.path = "/OffAmazonPayments/2013-01-01"
    note = '{"SandboxSimulation":{"Constraint":"PaymentMethodNotAllowed"}}'

    details = amazon.ok(
        "SetOrderReferenceDetails",
        AmazonOrderReferenceId=order_id,
        **TOTAL,
        **{"OrderReferenceAttributes.SellerNote": note},
    )[0]

    assert text(details, "ReleaseEnvironment") == "Live"
    assert details.find("{*}Constraints") is None
