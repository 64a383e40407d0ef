"""Refund and GetRefundDetails: always Pending first, settled later, within Amazon's limits
(amazonpay-api.md §A.7, §A.8)."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest
from simkit import Amazon, Shop, names, node, text

from amzpay.simulator import Simulator


def _details(answer_content: bytes) -> ElementTree.Element:
    root = ElementTree.fromstring(answer_content)
    return root[0][0]


def test_a_refund_is_pending_in_amazons_xml(shop: Shop) -> None:
    capture_id = shop.captured("100.00")

    answer = shop.refund(
        capture_id, "40.00", SellerRefundNote="one item back", SoftDescriptor="Shop refund"
    )

    assert answer.status_code == 200
    details = _details(answer.content)
    assert names(details) == [
        "AmazonRefundId",
        "RefundReferenceId",
        "SellerRefundNote",
        "RefundType",
        "RefundAmount",
        "FeeRefunded",
        "CreationTimestamp",
        "RefundStatus",
        "SoftDescriptor",
    ]
    order_id = capture_id.rsplit("-", 1)[0]
    assert re.fullmatch(rf"{order_id}-R\d{{6}}", text(details, "AmazonRefundId"))
    assert text(details, "RefundReferenceId") == "ref-1"
    assert text(details, "SellerRefundNote") == "one item back"
    assert text(details, "RefundType") == "SellerInitiated"
    assert text(details, "RefundAmount/Amount") == "40.00"
    assert text(details, "RefundAmount/CurrencyCode") == "EUR"
    assert text(details, "FeeRefunded/Amount") == "0.00"
    assert names(node(details, "RefundStatus")) == ["State", "LastUpdateTimestamp"]
    assert text(details, "RefundStatus/State") == "Pending"
    assert text(details, "SoftDescriptor") == "AMZ*Shop refund"


def test_a_refund_completes_after_the_configured_delay(
    amazon: Amazon, shop: Shop, sim: Simulator
) -> None:
    capture_id = shop.captured("100.00")
    refund_id = text(_details(shop.refund(capture_id, "40.00").content), "AmazonRefundId")

    sim.advance(30)
    still_pending = amazon.ok("GetRefundDetails", AmazonRefundId=refund_id)[0]
    sim.advance(1)
    completed = amazon.ok("GetRefundDetails", AmazonRefundId=refund_id)[0]
    capture = amazon.ok("GetCaptureDetails", AmazonCaptureId=capture_id)[0]

    assert text(still_pending, "RefundStatus/State") == "Pending"
    assert text(completed, "RefundStatus/State") == "Completed"
    assert text(completed, "RefundStatus/LastUpdateTimestamp") == "2026-03-02T10:00:31.000Z"
    assert text(capture, "RefundedAmount/Amount") == "40.00"
    assert text(capture, "IdList/member") == refund_id


def test_refunds_may_total_the_capture_plus_fifteen_percent(shop: Shop) -> None:
    capture_id = shop.captured("100.00")

    assert shop.refund(capture_id, "100.00", ref="r1").status_code == 200
    assert shop.refund(capture_id, "15.00", ref="r2").status_code == 200


def test_refunds_beyond_the_capture_plus_fifteen_percent_are_refused(shop: Shop) -> None:
    capture_id = shop.captured("100.00")
    shop.refund(capture_id, "100.00", ref="r1")

    answer = shop.refund(capture_id, "15.01", ref="r2")

    assert answer.status_code == 400
    assert text(ElementTree.fromstring(answer.content), "Error/Code") == "TransactionAmountExceeded"


def test_the_over_refund_allowance_is_capped_at_75(shop: Shop) -> None:
    capture_id = shop.captured("1000.00")

    refused = shop.refund(capture_id, "1075.01", ref="r1")
    allowed = shop.refund(capture_id, "1075.00", ref="r2")

    assert refused.status_code == 400
    assert b"TransactionAmountExceeded" in refused.content
    assert allowed.status_code == 200


def test_a_refund_reaching_the_ceiling_closes_the_capture_with_max_amount_refunded(
    amazon: Amazon, shop: Shop
) -> None:
    capture_id = shop.captured("100.00")
    shop.refund(capture_id, "115.00")

    capture = amazon.ok("GetCaptureDetails", AmazonCaptureId=capture_id)[0]

    assert text(capture, "CaptureStatus/State") == "Closed"
    assert text(capture, "CaptureStatus/ReasonCode") == "MaxAmountRefunded"


def test_a_declined_refund_gives_its_amount_back(shop: Shop, sim: Simulator) -> None:
    capture_id = shop.captured("100.00")
    note = '{"SandboxSimulation": {"State":"Declined", "ReasonCode":"AmazonRejected"}}'
    shop.refund(capture_id, "100.00", ref="r1", SellerRefundNote=note)
    sim.advance(31)

    assert shop.refund(capture_id, "100.00", ref="r2").status_code == 200


def test_the_tenth_refund_closes_the_capture_with_max_refunds_processed(
    amazon: Amazon, shop: Shop
) -> None:
    capture_id = shop.captured("100.00")
    for n in range(10):
        assert shop.refund(capture_id, "1.00", ref=f"r{n}").status_code == 200

    capture = amazon.ok("GetCaptureDetails", AmazonCaptureId=capture_id)[0]
    eleventh = shop.refund(capture_id, "1.00", ref="r10")

    assert text(capture, "CaptureStatus/State") == "Closed"
    assert text(capture, "CaptureStatus/ReasonCode") == "MaxRefundsProcessed"
    assert len(capture.findall("{*}IdList/{*}member")) == 10
    assert eleventh.status_code == 405
    assert text(ElementTree.fromstring(eleventh.content), "Error/Code") == "CaptureNotRefundable"


def test_a_refund_above_150000_is_refused(shop: Shop) -> None:
    capture_id = shop.captured("100.00")

    answer = shop.refund(capture_id, "150000.01")

    assert answer.status_code == 400
    assert b"TransactionAmountExceeded" in answer.content


def test_a_refund_in_another_currency_is_a_currency_mismatch(amazon: Amazon, shop: Shop) -> None:
    capture_id = shop.captured("100.00")

    assert amazon.error(
        "Refund",
        AmazonCaptureId=capture_id,
        RefundReferenceId="r1",
        **{"RefundAmount.Amount": "10.00", "RefundAmount.CurrencyCode": "USD"},
    ) == (400, "CurrencyMismatch")


def test_a_pending_capture_is_not_refundable(shop: Shop) -> None:
    order_id = shop.open_order("100.00")
    capture_id = shop.capture(
        shop.authorize(order_id, "100.00"),
        "100.00",
        SellerCaptureNote='{"SandboxSimulation": {"State":"Pending"}}',
    )

    answer = shop.refund(capture_id, "10.00")

    assert answer.status_code == 405
    assert text(ElementTree.fromstring(answer.content), "Error/Code") == "CaptureNotRefundable"


@pytest.mark.parametrize("amount", ["0", "-1.00", "abc", "1e3"])
def test_a_refund_amount_that_is_not_a_positive_decimal_is_invalid(shop: Shop, amount: str) -> None:
    capture_id = shop.captured("100.00")

    answer = shop.refund(capture_id, amount)

    assert answer.status_code == 400
    assert text(ElementTree.fromstring(answer.content), "Error/Code") == "InvalidParameterValue"


def test_a_seller_refund_note_longer_than_255_characters_is_invalid(shop: Shop) -> None:
    capture_id = shop.captured("100.00")

    answer = shop.refund(capture_id, "1.00", SellerRefundNote="x" * 256)

    assert answer.status_code == 400


def test_an_unknown_refund_id_is_an_invalid_transaction_id(amazon: Amazon) -> None:
    assert amazon.error("GetRefundDetails", AmazonRefundId="S01-1111111-1111111-R000001") == (
        404,
        "InvalidTransactionId",
    )
