"""Authorize, GetAuthorizationDetails and CloseAuthorization (amazonpay-api.md §A.4, §A.7)."""

from __future__ import annotations

import re

from simkit import Amazon, Shop, names, text

from amzpay.simulator import Simulator


def test_a_synchronous_authorization_is_open_at_once_in_amazons_xml(
    amazon: Amazon, shop: Shop
) -> None:
    order_id = shop.open_order("50.00")

    result = amazon.ok(
        "Authorize",
        AmazonOrderReferenceId=order_id,
        AuthorizationReferenceId="auth-1",
        TransactionTimeout="0",
        SellerAuthorizationNote="first",
        **{"AuthorizationAmount.Amount": "50.00", "AuthorizationAmount.CurrencyCode": "EUR"},
    )

    details = result[0]
    assert names(result) == ["AuthorizationDetails"]
    assert names(details) == [
        "AmazonAuthorizationId",
        "AuthorizationReferenceId",
        "SellerAuthorizationNote",
        "AuthorizationAmount",
        "CapturedAmount",
        "AuthorizationFee",
        "IdList",
        "CreationTimestamp",
        "ExpirationTimestamp",
        "AuthorizationStatus",
        "CaptureNow",
    ]
    assert re.fullmatch(rf"{order_id}-A\d{{6}}", text(details, "AmazonAuthorizationId"))
    assert text(details, "AuthorizationReferenceId") == "auth-1"
    assert text(details, "SellerAuthorizationNote") == "first"
    assert text(details, "AuthorizationAmount/Amount") == "50.00"
    assert text(details, "CapturedAmount/Amount") == "0"
    assert text(details, "AuthorizationFee/CurrencyCode") == "EUR"
    assert text(details, "AuthorizationStatus/State") == "Open"
    assert text(details, "CreationTimestamp") == "2026-03-02T10:00:00.000Z"
    assert text(details, "ExpirationTimestamp") == "2026-04-01T10:00:00.000Z"
    assert text(details, "CaptureNow") == "false"


def test_an_asynchronous_authorization_is_pending_until_amazon_processes_it(
    amazon: Amazon, shop: Shop, sim: Simulator
) -> None:
    order_id = shop.open_order("50.00")
    result = amazon.ok(
        "Authorize",
        AmazonOrderReferenceId=order_id,
        AuthorizationReferenceId="auth-1",
        **{"AuthorizationAmount.Amount": "50.00", "AuthorizationAmount.CurrencyCode": "EUR"},
    )
    auth_id = text(result, "AuthorizationDetails/AmazonAuthorizationId")
    assert text(result, "AuthorizationDetails/AuthorizationStatus/State") == "Pending"

    sim.advance(29)
    pending = amazon.ok("GetAuthorizationDetails", AmazonAuthorizationId=auth_id)
    sim.advance(1)
    opened = amazon.ok("GetAuthorizationDetails", AmazonAuthorizationId=auth_id)

    assert text(pending, "AuthorizationDetails/AuthorizationStatus/State") == "Pending"
    assert text(opened, "AuthorizationDetails/AuthorizationStatus/State") == "Open"
    assert (
        text(opened, "AuthorizationDetails/AuthorizationStatus/LastUpdateTimestamp")
        == "2026-03-02T10:00:30.000Z"
    )


def test_capture_now_captures_in_full_and_closes_the_authorization(
    amazon: Amazon, shop: Shop
) -> None:
    order_id = shop.open_order("50.00")

    details = amazon.ok(
        "Authorize",
        AmazonOrderReferenceId=order_id,
        AuthorizationReferenceId="auth-1",
        TransactionTimeout="0",
        CaptureNow="true",
        **{"AuthorizationAmount.Amount": "50.00", "AuthorizationAmount.CurrencyCode": "EUR"},
    )[0]

    assert text(details, "AuthorizationStatus/State") == "Closed"
    assert text(details, "AuthorizationStatus/ReasonCode") == "MaxCapturesProcessed"
    assert text(details, "CaptureNow") == "true"
    capture_id = text(details, "IdList/member")
    capture = amazon.ok("GetCaptureDetails", AmazonCaptureId=capture_id)[0]
    assert text(capture, "CaptureStatus/State") == "Completed"
    assert text(capture, "CaptureReferenceId") == "auth-1"


def test_the_order_lists_its_authorizations(amazon: Amazon, shop: Shop) -> None:
    order_id = shop.open_order("50.00")
    auth_id = shop.authorize(order_id, "20.00")

    details = amazon.ok("GetOrderReferenceDetails", AmazonOrderReferenceId=order_id)[0]

    assert text(details, "IdList/member") == auth_id


def test_a_draft_order_cannot_be_authorized(amazon: Amazon, sim: Simulator) -> None:
    order_id = sim.create_order_reference()

    assert amazon.error(
        "Authorize",
        AmazonOrderReferenceId=order_id,
        AuthorizationReferenceId="auth-1",
        **{"AuthorizationAmount.Amount": "5.00", "AuthorizationAmount.CurrencyCode": "EUR"},
    ) == (405, "InvalidOrderReferenceStatus")


def test_an_authorization_in_another_currency_is_a_currency_mismatch(
    amazon: Amazon, shop: Shop
) -> None:
    order_id = shop.open_order("50.00")

    assert amazon.error(
        "Authorize",
        AmazonOrderReferenceId=order_id,
        AuthorizationReferenceId="auth-1",
        **{"AuthorizationAmount.Amount": "5.00", "AuthorizationAmount.CurrencyCode": "USD"},
    ) == (400, "CurrencyMismatch")


def test_authorizing_more_than_the_total_plus_fifteen_percent_is_refused(
    amazon: Amazon, shop: Shop
) -> None:
    order_id = shop.open_order("100.00")

    refused = amazon.error(
        "Authorize",
        AmazonOrderReferenceId=order_id,
        AuthorizationReferenceId="auth-1",
        **{"AuthorizationAmount.Amount": "115.01", "AuthorizationAmount.CurrencyCode": "EUR"},
    )
    allowed = shop.authorize(order_id, "115.00", ref="auth-2")

    assert refused == (400, "TransactionAmountExceeded")
    assert allowed


def test_an_order_takes_at_most_ten_authorizations(amazon: Amazon, shop: Shop) -> None:
    order_id = shop.open_order("100.00")
    for n in range(10):
        shop.authorize(order_id, "1.00", ref=f"auth-{n}")

    assert amazon.error(
        "Authorize",
        AmazonOrderReferenceId=order_id,
        AuthorizationReferenceId="auth-10",
        **{"AuthorizationAmount.Amount": "1.00", "AuthorizationAmount.CurrencyCode": "EUR"},
    ) == (400, "TransactionCountExceeded")


def test_a_reference_id_with_forbidden_characters_is_invalid(amazon: Amazon, shop: Shop) -> None:
    order_id = shop.open_order("100.00")

    assert amazon.error(
        "Authorize",
        AmazonOrderReferenceId=order_id,
        AuthorizationReferenceId="auth 1!",
        **{"AuthorizationAmount.Amount": "1.00", "AuthorizationAmount.CurrencyCode": "EUR"},
    ) == (400, "InvalidParameterValue")


def test_a_reference_id_longer_than_32_characters_is_invalid(amazon: Amazon, shop: Shop) -> None:
    order_id = shop.open_order("100.00")

    assert amazon.error(
        "Authorize",
        AmazonOrderReferenceId=order_id,
        AuthorizationReferenceId="a" * 33,
        **{"AuthorizationAmount.Amount": "1.00", "AuthorizationAmount.CurrencyCode": "EUR"},
    ) == (400, "InvalidParameterValue")


def test_closing_an_open_authorization_closes_it_as_seller_closed(
    amazon: Amazon, shop: Shop
) -> None:
    auth_id = shop.authorize(shop.open_order("10.00"), "10.00")

    result = amazon.ok(
        "CloseAuthorization", AmazonAuthorizationId=auth_id, ClosureReason="not needed"
    )

    details = amazon.ok("GetAuthorizationDetails", AmazonAuthorizationId=auth_id)[0]
    assert list(result) == []
    assert text(details, "AuthorizationStatus/State") == "Closed"
    assert text(details, "AuthorizationStatus/ReasonCode") == "SellerClosed"


def test_a_closed_authorization_cannot_be_captured(amazon: Amazon, shop: Shop) -> None:
    auth_id = shop.authorize(shop.open_order("10.00"), "10.00")
    amazon.ok("CloseAuthorization", AmazonAuthorizationId=auth_id)

    assert amazon.error(
        "Capture",
        AmazonAuthorizationId=auth_id,
        CaptureReferenceId="cap-1",
        **{"CaptureAmount.Amount": "10.00", "CaptureAmount.CurrencyCode": "EUR"},
    ) == (405, "InvalidAuthorizationStatus")


def test_an_unknown_authorization_id_is_an_invalid_transaction_id(amazon: Amazon) -> None:
    assert amazon.error(
        "GetAuthorizationDetails", AmazonAuthorizationId="S01-1111111-1111111-A000001"
    ) == (
        404,
        "InvalidTransactionId",
    )


def test_an_open_authorization_expires_unused_after_thirty_days(
    amazon: Amazon, shop: Shop, sim: Simulator
) -> None:
    auth_id = shop.authorize(shop.open_order("10.00"), "10.00")

    sim.advance(30 * 86400)

    details = amazon.ok("GetAuthorizationDetails", AmazonAuthorizationId=auth_id)[0]
    assert text(details, "AuthorizationStatus/State") == "Closed"
    assert text(details, "AuthorizationStatus/ReasonCode") == "ExpiredUnused"
