"""What Amazon's sample answers show beyond states: soft descriptors with Amazon's ``AMZ*``
prefix on every object that carries one, running totals of nothing written ``0``, and the
payment descriptor with the account's last digits (amazonpay-api.md §A.5)."""

from __future__ import annotations

import json
from xml.etree import ElementTree

from simkit import NS, Amazon, Inbox, Shop, text

from amzpay.simulator import Simulator

AUTHORIZE_50 = {"AuthorizationAmount.Amount": "50.00", "AuthorizationAmount.CurrencyCode": "EUR"}


def _capture_now(amazon: Amazon, order_id: str, **extra: str) -> ElementTree.Element:
    return amazon.ok(
        "Authorize",
        AmazonOrderReferenceId=order_id,
        AuthorizationReferenceId="auth-now",
        TransactionTimeout="0",
        CaptureNow="true",
        **AUTHORIZE_50,
        **extra,
    )[0]


def _notified(inbox: Inbox, kind: str) -> ElementTree.Element:
    message = json.loads(json.loads(inbox.of(kind)[-1].body)["Message"])
    return ElementTree.fromstring(message["NotificationData"])


def test_authorize_shows_its_soft_descriptor_with_amazons_prefix(
    amazon: Amazon, shop: Shop
) -> None:
    details = _capture_now(amazon, shop.open_order("50.00"), SoftDescriptor="Shop 42")

    assert text(details, "SoftDescriptor") == "AMZ*Shop 42"


def test_the_capture_made_by_capture_now_carries_the_soft_descriptor(
    amazon: Amazon, shop: Shop, sim: Simulator, inbox: Inbox
) -> None:
    details = _capture_now(amazon, shop.open_order("50.00"), SoftDescriptor="Shop 42")
    capture_id = text(details, "IdList/member")
    sim.advance(1)

    capture = amazon.ok("GetCaptureDetails", AmazonCaptureId=capture_id)[0]

    assert text(capture, "SoftDescriptor") == "AMZ*Shop 42"
    notified = _notified(inbox, "PaymentCapture")
    assert notified.findtext("ipn:CaptureDetails/ipn:SoftDescriptor", None, _IPN) == "AMZ*Shop 42"


def test_a_captures_ipn_carries_its_soft_descriptor(
    shop: Shop, sim: Simulator, inbox: Inbox
) -> None:
    auth_id = shop.authorize(shop.open_order("50.00"), "50.00")

    shop.capture(auth_id, "50.00", SoftDescriptor="Order 7")
    sim.advance(1)

    notified = _notified(inbox, "PaymentCapture")
    assert notified.findtext("ipn:CaptureDetails/ipn:SoftDescriptor", None, _IPN) == "AMZ*Order 7"


def test_authorize_with_capture_now_answers_nothing_captured_as_amazons_sample_does(
    amazon: Amazon, shop: Shop
) -> None:
    details = _capture_now(amazon, shop.open_order("50.00"))
    auth_id = text(details, "AmazonAuthorizationId")

    later = amazon.ok("GetAuthorizationDetails", AmazonAuthorizationId=auth_id)[0]

    assert text(details, "IdList/member")  # the capture exists already
    assert text(details, "CapturedAmount/Amount") == "0"
    assert text(later, "CapturedAmount/Amount") == "50.00"


def test_the_replayed_capture_now_answer_is_the_original_one(amazon: Amazon, shop: Shop) -> None:
    order_id = shop.open_order("50.00")
    first = _capture_now(amazon, order_id)

    again = _capture_now(amazon, order_id)

    assert text(again, "CapturedAmount/Amount") == text(first, "CapturedAmount/Amount") == "0"
    assert text(again, "AmazonAuthorizationId") == text(first, "AmazonAuthorizationId")


def test_running_totals_of_nothing_are_zero_while_fees_keep_their_decimals(
    amazon: Amazon, shop: Shop
) -> None:
    capture_id = shop.captured("30.00")

    capture = amazon.ok("GetCaptureDetails", AmazonCaptureId=capture_id)[0]

    assert text(capture, "RefundedAmount/Amount") == "0"
    assert text(capture, "CaptureFee/Amount") == "0.00"
    assert text(capture, "CaptureAmount/Amount") == "30.00"


def test_a_refunded_total_is_written_with_the_currencys_decimals(
    amazon: Amazon, shop: Shop, sim: Simulator
) -> None:
    capture_id = shop.captured("30.00")
    shop.refund(capture_id, "10.50")
    sim.advance(40)

    capture = amazon.ok("GetCaptureDetails", AmazonCaptureId=capture_id)[0]

    assert text(capture, "RefundedAmount/Amount") == "10.50"


def test_the_buyers_access_token_shows_the_payment_method_with_its_last_digits(
    amazon: Amazon, sim: Simulator
) -> None:
    order_id = sim.create_order_reference(payment_method="mastercard")

    token = sim.sign_in("erika.mustermann@example.com")

    details = amazon.ok(
        "GetOrderReferenceDetails", AmazonOrderReferenceId=order_id, AccessToken=token
    )[0]

    assert text(details, "OrderReferenceStatus/State") == "Draft"
    assert text(details, "PaymentDescriptor/Name") == "MasterCard"
    assert text(details, "PaymentDescriptor/AccountNumberTail") == "44"
    assert text(details, "PaymentDescriptor/FullDescriptor") == "Amazon Pay (MasterCard **44)"
    assert text(details, "PaymentDescriptor/UseAmazonBalanceFirst") == "false"


def test_a_draft_without_the_buyers_token_shows_no_payment_method(
    amazon: Amazon, sim: Simulator
) -> None:
    order_id = sim.create_order_reference()

    details = amazon.ok("GetOrderReferenceDetails", AmazonOrderReferenceId=order_id)[0]

    assert details.find("a:PaymentDescriptor", NS) is None


_IPN = {"ipn": "https://mws.amazonservices.com/ipn/OffAmazonPayments/2013-01-01"}
