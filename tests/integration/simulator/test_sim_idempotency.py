"""Reference ids: unique per seller across Authorize, Capture and Refund; a repeat gets the
original result (amazonpay-api.md §0.3, §A.8)."""

from __future__ import annotations

from xml.etree import ElementTree

from simkit import Amazon, Shop, text

from amzpay.simulator import Simulator


def _code(content: bytes) -> str:
    return text(ElementTree.fromstring(content), "Error/Code")


def test_repeating_a_refund_with_the_same_parameters_returns_the_original_refund(
    amazon: Amazon, shop: Shop, sim: Simulator
) -> None:
    capture_id = shop.captured("100.00")
    first = shop.refund(capture_id, "40.00", ref="refund-77")
    sim.advance(60)

    again = shop.refund(capture_id, "40.0", ref="refund-77")

    first_root, again_root = (
        ElementTree.fromstring(first.content),
        ElementTree.fromstring(again.content),
    )
    assert again.status_code == 200
    assert text(again_root, "RefundResult/RefundDetails/AmazonRefundId") == text(
        first_root, "RefundResult/RefundDetails/AmazonRefundId"
    )
    assert text(again_root, "RefundResult/RefundDetails/RefundStatus/State") == "Pending"
    assert text(again_root, "ResponseMetadata/RequestId") != text(
        first_root, "ResponseMetadata/RequestId"
    )
    capture = amazon.ok("GetCaptureDetails", AmazonCaptureId=capture_id)[0]
    assert len(capture.findall("{*}IdList/{*}member")) == 1
    assert text(capture, "RefundedAmount/Amount") == "40.00"


def test_the_same_refund_reference_id_with_another_amount_is_a_duplicate_request(
    shop: Shop,
) -> None:
    capture_id = shop.captured("100.00")
    shop.refund(capture_id, "40.00", ref="refund-77")

    answer = shop.refund(capture_id, "41.00", ref="refund-77")

    assert answer.status_code == 400
    assert _code(answer.content) == "DuplicateRequest"


def test_the_same_refund_reference_id_with_another_note_is_a_duplicate_request(shop: Shop) -> None:
    capture_id = shop.captured("100.00")
    shop.refund(capture_id, "40.00", ref="refund-77", SellerRefundNote="a")

    answer = shop.refund(capture_id, "40.00", ref="refund-77", SellerRefundNote="b")

    assert _code(answer.content) == "DuplicateRequest"


def test_a_refund_reference_id_reused_on_another_capture_is_a_duplicate_reference_id(
    shop: Shop,
) -> None:
    first_capture, second_capture = shop.captured("100.00"), shop.captured("100.00")
    shop.refund(first_capture, "40.00", ref="refund-77")

    answer = shop.refund(second_capture, "40.00", ref="refund-77")

    assert answer.status_code == 400
    assert _code(answer.content) == "DuplicateReferenceId"


def test_an_authorization_reference_id_reused_for_a_refund_is_a_duplicate_reference_id(
    shop: Shop,
) -> None:
    order_id = shop.open_order("100.00")
    capture_id = shop.capture(shop.authorize(order_id, "100.00", ref="shared-id"), "100.00")

    answer = shop.refund(capture_id, "10.00", ref="shared-id")

    assert _code(answer.content) == "DuplicateReferenceId"


def test_repeating_an_authorization_returns_the_original_without_a_second_one(
    amazon: Amazon, shop: Shop
) -> None:
    order_id = shop.open_order("100.00")
    first = shop.authorize(order_id, "100.00", ref="auth-9")

    again = shop.authorize(order_id, "100.00", ref="auth-9")

    details = amazon.ok("GetOrderReferenceDetails", AmazonOrderReferenceId=order_id)[0]
    assert again == first
    assert len(details.findall("{*}IdList/{*}member")) == 1


def test_repeating_a_capture_returns_the_original_capture(shop: Shop) -> None:
    auth_id = shop.authorize(shop.open_order("100.00"), "100.00")
    first = shop.capture(auth_id, "100.00", ref="cap-9")

    assert shop.capture(auth_id, "100.00", ref="cap-9") == first


def test_a_refused_call_does_not_use_up_its_reference_id(shop: Shop) -> None:
    capture_id = shop.captured("100.00")
    refused = shop.refund(capture_id, "500.00", ref="refund-77")

    allowed = shop.refund(capture_id, "50.00", ref="refund-77")

    assert _code(refused.content) == "TransactionAmountExceeded"
    assert allowed.status_code == 200
