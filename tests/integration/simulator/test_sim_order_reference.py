"""Order reference operations and states (amazonpay-api.md §A.4, §A.5, §A.7)."""

from __future__ import annotations

import re

from simkit import Amazon, Shop, names, node, text

from amzpay.simulator import Simulator

TOTAL = {
    "OrderReferenceAttributes.OrderTotal.Amount": "59.90",
    "OrderReferenceAttributes.OrderTotal.CurrencyCode": "EUR",
}


def test_a_signed_in_buyer_leaves_a_draft_order_reference_with_a_sandbox_id(
    amazon: Amazon, sim: Simulator
) -> None:
    order_id = sim.create_order_reference()

    details = amazon.ok("GetOrderReferenceDetails", AmazonOrderReferenceId=order_id)[0]

    assert re.fullmatch(r"S01-\d{7}-\d{7}", order_id)
    assert names(details) == [
        "AmazonOrderReferenceId",
        "Destination",
        "ReleaseEnvironment",
        "OrderReferenceStatus",
        "Constraints",
        "CreationTimestamp",
        "ExpirationTimestamp",
        "IdList",
    ]
    assert text(details, "OrderReferenceStatus/State") == "Draft"
    assert text(details, "ReleaseEnvironment") == "Sandbox"
    assert text(details, "Constraints/Constraint/ConstraintID") == "AmountNotSet"
    assert text(details, "CreationTimestamp") == "2026-03-02T10:00:00.000Z"
    assert text(details, "ExpirationTimestamp") == "2026-08-29T10:00:00.000Z"
    # Before confirmation Amazon shows only the coarse shipping address.
    assert names(node(details, "Destination/PhysicalDestination")) == [
        "City",
        "PostalCode",
        "CountryCode",
    ]


def test_set_order_reference_details_records_the_total_and_seller_attributes(
    amazon: Amazon, sim: Simulator
) -> None:
    order_id = sim.create_order_reference()

    details = amazon.ok(
        "SetOrderReferenceDetails",
        AmazonOrderReferenceId=order_id,
        **TOTAL,
        **{
            "OrderReferenceAttributes.SellerNote": "Thank you",
            "OrderReferenceAttributes.SellerOrderAttributes.SellerOrderId": "DE--1001",
            "OrderReferenceAttributes.SellerOrderAttributes.StoreName": "Shop",
        },
    )[0]

    assert names(details) == [
        "AmazonOrderReferenceId",
        "OrderTotal",
        "SellerNote",
        "Destination",
        "ReleaseEnvironment",
        "SellerOrderAttributes",
        "OrderReferenceStatus",
        "CreationTimestamp",
        "ExpirationTimestamp",
        "IdList",
    ]
    assert text(details, "OrderTotal/Amount") == "59.90"
    assert text(details, "OrderTotal/CurrencyCode") == "EUR"
    assert text(details, "SellerOrderAttributes/SellerOrderId") == "DE--1001"
    assert text(details, "OrderReferenceStatus/State") == "Draft"


def test_confirming_opens_the_order_and_reveals_the_buyer(amazon: Amazon, sim: Simulator) -> None:
    order_id = sim.create_order_reference()
    amazon.ok("SetOrderReferenceDetails", AmazonOrderReferenceId=order_id, **TOTAL)

    confirm = amazon.ok("ConfirmOrderReference", AmazonOrderReferenceId=order_id)
    details = amazon.ok("GetOrderReferenceDetails", AmazonOrderReferenceId=order_id)[0]

    assert list(confirm) == []
    assert text(details, "OrderReferenceStatus/State") == "Open"
    assert text(details, "Buyer/Name") == "Erika Mustermann"
    assert text(details, "Buyer/Email") == "erika.mustermann@example.com"
    assert text(details, "Destination/PhysicalDestination/AddressLine1") == "Heidestrasse 17"
    assert text(details, "PaymentDescriptor/Name") == "Visa"


def test_an_order_without_an_amount_cannot_be_confirmed(amazon: Amazon, sim: Simulator) -> None:
    order_id = sim.create_order_reference()

    assert amazon.error("ConfirmOrderReference", AmazonOrderReferenceId=order_id) == (
        400,
        "ConstraintsExist",
    )


def test_an_open_order_is_not_modifiable(amazon: Amazon, shop: Shop) -> None:
    order_id = shop.open_order()

    assert amazon.error("SetOrderReferenceDetails", AmazonOrderReferenceId=order_id, **TOTAL) == (
        405,
        "OrderReferenceNotModifiable",
    )


def test_an_unknown_order_reference_is_not_found(amazon: Amazon) -> None:
    assert amazon.error(
        "GetOrderReferenceDetails", AmazonOrderReferenceId="S01-1234567-7654321"
    ) == (
        404,
        "InvalidOrderReferenceId",
    )


def test_an_order_total_in_an_unsupported_currency_is_invalid(
    amazon: Amazon, sim: Simulator
) -> None:
    order_id = sim.create_order_reference()

    status, code = amazon.error(
        "SetOrderReferenceDetails",
        AmazonOrderReferenceId=order_id,
        **{**TOTAL, "OrderReferenceAttributes.OrderTotal.CurrencyCode": "XXX"},
    )

    assert (status, code) == (400, "InvalidParameterValue")


def test_canceling_an_uncaptured_order_cancels_it_as_seller_canceled(
    amazon: Amazon, shop: Shop
) -> None:
    order_id = shop.open_order()

    amazon.ok("CancelOrderReference", AmazonOrderReferenceId=order_id)

    status = amazon.ok("GetOrderReferenceDetails", AmazonOrderReferenceId=order_id)[0]
    assert text(status, "OrderReferenceStatus/State") == "Canceled"
    assert text(status, "OrderReferenceStatus/ReasonCode") == "SellerCanceled"


def test_canceling_closes_the_orders_open_authorizations(amazon: Amazon, shop: Shop) -> None:
    order_id = shop.open_order()
    auth_id = shop.authorize(order_id, "10.00")

    amazon.ok("CancelOrderReference", AmazonOrderReferenceId=order_id)

    auth = amazon.ok("GetAuthorizationDetails", AmazonAuthorizationId=auth_id)[0]
    assert text(auth, "AuthorizationStatus/State") == "Closed"
    assert text(auth, "AuthorizationStatus/ReasonCode") == "OrderReferenceCanceled"


def test_an_order_with_a_capture_cannot_be_canceled(amazon: Amazon, shop: Shop) -> None:
    order_id = shop.open_order()
    shop.capture(shop.authorize(order_id, "10.00"), "10.00")

    assert amazon.error("CancelOrderReference", AmazonOrderReferenceId=order_id) == (
        405,
        "InvalidOrderReferenceStatus",
    )


def test_closing_an_open_order_closes_it_and_leaves_its_captures_refundable(
    amazon: Amazon, shop: Shop
) -> None:
    order_id = shop.open_order()
    capture_id = shop.capture(shop.authorize(order_id, "100.00"), "100.00")

    amazon.ok("CloseOrderReference", AmazonOrderReferenceId=order_id, ClosureReason="Shipped")

    details = amazon.ok("GetOrderReferenceDetails", AmazonOrderReferenceId=order_id)[0]
    assert text(details, "OrderReferenceStatus/State") == "Closed"
    assert text(details, "OrderReferenceStatus/ReasonCode") == "SellerClosed"
    assert shop.refund(capture_id, "10.00").status_code == 200


def test_closing_a_closed_order_again_succeeds(amazon: Amazon, shop: Shop) -> None:
    order_id = shop.open_order()
    amazon.ok("CloseOrderReference", AmazonOrderReferenceId=order_id)

    amazon.ok("CloseOrderReference", AmazonOrderReferenceId=order_id)


def test_a_draft_order_cannot_be_closed(amazon: Amazon, sim: Simulator) -> None:
    order_id = sim.create_order_reference()

    assert amazon.error("CloseOrderReference", AmazonOrderReferenceId=order_id) == (
        405,
        "InvalidOrderReferenceStatus",
    )


def test_a_closure_reason_longer_than_255_characters_is_invalid(amazon: Amazon, shop: Shop) -> None:
    order_id = shop.open_order()

    assert amazon.error(
        "CloseOrderReference", AmazonOrderReferenceId=order_id, ClosureReason="x" * 256
    ) == (
        400,
        "InvalidParameterValue",
    )


def test_a_draft_not_confirmed_within_three_hours_goes_stale(
    amazon: Amazon, sim: Simulator
) -> None:
    order_id = sim.create_order_reference()

    sim.advance(3 * 3600)

    details = amazon.ok("GetOrderReferenceDetails", AmazonOrderReferenceId=order_id)[0]
    assert text(details, "OrderReferenceStatus/State") == "Canceled"
    assert text(details, "OrderReferenceStatus/ReasonCode") == "Stale"


def test_an_open_order_expires_after_180_days(amazon: Amazon, shop: Shop, sim: Simulator) -> None:
    order_id = shop.open_order()

    sim.advance(180 * 86400)

    details = amazon.ok("GetOrderReferenceDetails", AmazonOrderReferenceId=order_id)[0]
    assert text(details, "OrderReferenceStatus/State") == "Closed"
    assert text(details, "OrderReferenceStatus/ReasonCode") == "Expired"
