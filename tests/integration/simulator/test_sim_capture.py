"""Capture and GetCaptureDetails (amazonpay-api.md §A.4, §A.7, §A.8)."""

from __future__ import annotations

import re

from simkit import Amazon, Shop, names, text


def test_a_capture_completes_at_once_in_amazons_xml(amazon: Amazon, shop: Shop) -> None:
    order_id = shop.open_order("80.00")
    auth_id = shop.authorize(order_id, "80.00")

    result = amazon.ok(
        "Capture",
        AmazonAuthorizationId=auth_id,
        CaptureReferenceId="cap-1",
        SellerCaptureNote="shipped",
        SoftDescriptor="Shop order 1",
        **{"CaptureAmount.Amount": "80.00", "CaptureAmount.CurrencyCode": "EUR"},
    )

    details = result[0]
    assert names(result) == ["CaptureDetails"]
    assert names(details) == [
        "AmazonCaptureId",
        "CaptureReferenceId",
        "SellerCaptureNote",
        "CaptureAmount",
        "RefundedAmount",
        "CaptureFee",
        "IdList",
        "CreationTimestamp",
        "CaptureStatus",
        "SoftDescriptor",
    ]
    assert re.fullmatch(rf"{order_id}-C\d{{6}}", text(details, "AmazonCaptureId"))
    assert text(details, "CaptureAmount/Amount") == "80.00"
    assert text(details, "RefundedAmount/Amount") == "0"
    assert text(details, "CaptureStatus/State") == "Completed"
    assert text(details, "SoftDescriptor") == "AMZ*Shop order 1"


def test_a_capture_closes_its_authorization_with_max_captures_processed(
    amazon: Amazon, shop: Shop
) -> None:
    auth_id = shop.authorize(shop.open_order("80.00"), "80.00")
    capture_id = shop.capture(auth_id, "30.00")

    auth = amazon.ok("GetAuthorizationDetails", AmazonAuthorizationId=auth_id)[0]

    assert text(auth, "AuthorizationStatus/State") == "Closed"
    assert text(auth, "AuthorizationStatus/ReasonCode") == "MaxCapturesProcessed"
    assert text(auth, "CapturedAmount/Amount") == "30.00"
    assert text(auth, "IdList/member") == capture_id


def test_capturing_more_than_authorized_is_refused(amazon: Amazon, shop: Shop) -> None:
    auth_id = shop.authorize(shop.open_order("80.00"), "50.00")

    assert amazon.error(
        "Capture",
        AmazonAuthorizationId=auth_id,
        CaptureReferenceId="cap-1",
        **{"CaptureAmount.Amount": "50.01", "CaptureAmount.CurrencyCode": "EUR"},
    ) == (400, "TransactionAmountExceeded")


def test_a_capture_in_another_currency_is_a_currency_mismatch(amazon: Amazon, shop: Shop) -> None:
    auth_id = shop.authorize(shop.open_order("80.00"), "50.00")

    assert amazon.error(
        "Capture",
        AmazonAuthorizationId=auth_id,
        CaptureReferenceId="cap-1",
        **{"CaptureAmount.Amount": "10.00", "CaptureAmount.CurrencyCode": "GBP"},
    ) == (400, "CurrencyMismatch")


def test_an_amount_with_three_decimals_is_invalid(amazon: Amazon, shop: Shop) -> None:
    auth_id = shop.authorize(shop.open_order("80.00"), "50.00")

    assert amazon.error(
        "Capture",
        AmazonAuthorizationId=auth_id,
        CaptureReferenceId="cap-1",
        **{"CaptureAmount.Amount": "10.001", "CaptureAmount.CurrencyCode": "EUR"},
    ) == (400, "InvalidParameterValue")


def test_a_soft_descriptor_longer_than_16_characters_is_invalid(amazon: Amazon, shop: Shop) -> None:
    auth_id = shop.authorize(shop.open_order("80.00"), "50.00")

    assert amazon.error(
        "Capture",
        AmazonAuthorizationId=auth_id,
        CaptureReferenceId="cap-1",
        SoftDescriptor="x" * 17,
        **{"CaptureAmount.Amount": "10.00", "CaptureAmount.CurrencyCode": "EUR"},
    ) == (400, "InvalidParameterValue")


def test_an_unknown_capture_id_is_an_invalid_transaction_id(amazon: Amazon) -> None:
    assert amazon.error("GetCaptureDetails", AmazonCaptureId="S01-1111111-1111111-C000001") == (
        404,
        "InvalidTransactionId",
    )
