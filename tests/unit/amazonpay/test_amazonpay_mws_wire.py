"""Reading Amazon's responses into typed values."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from amazonpay_mws_samples import (
    authorization_details,
    capture_details,
    order_reference_details,
    refund_details,
    response,
)

from amzpay.amazonpay.mws import wire
from amzpay.amazonpay.mws.elements import InvalidValue, MalformedXml, MissingElement, parse_xml
from amzpay.domain.money import Money


def test_a_refund_reply_is_read_with_its_amount_as_money_and_amazons_request_id():
    body = response("Refund", refund_details(amount="12.3"))

    reply = wire.read_reply(body, "RefundDetails", wire.read_refund)

    refund = reply.value
    assert reply.request_id == "b7a7c0e4-req"
    assert refund.amazon_refund_id == "S02-1234567-1234567-R000001"
    assert refund.refund_reference_id == "rf-0001"
    assert refund.amount == Money(1230, "EUR")
    assert refund.fee_refunded == Money(0, "EUR")
    assert refund.status.state == "Pending"
    assert refund.created_at == datetime(2026, 11, 28, 10, 5, tzinfo=UTC)


def test_amounts_keep_the_currency_amazon_names_so_yen_have_no_decimals():
    body = response("GetRefundDetails", refund_details(amount="1000", currency="JPY"))

    refund = wire.read_reply(body, "RefundDetails", wire.read_refund).value

    assert refund.amount == Money(1000, "JPY")


def test_capture_details_are_read_whatever_the_order_of_amount_and_currency():
    body = response("Capture", capture_details())

    capture = wire.read_reply(body, "CaptureDetails", wire.read_capture).value

    assert capture.amount == Money(3000, "EUR")
    assert capture.refund_ids == ("S02-1234567-1234567-R000001", "S02-1234567-1234567-R000002")
    assert capture.status.state == "Completed"


def test_a_declined_authorization_is_a_result_with_its_reason_not_an_error():
    body = response("Authorize", authorization_details("Declined", "InvalidPaymentMethod"))

    authorization = wire.read_reply(body, "AuthorizationDetails", wire.read_authorization).value

    assert authorization.status.state == "Declined"
    assert authorization.status.reason_code == "InvalidPaymentMethod"
    assert authorization.soft_decline is False
    assert authorization.capture_now is False
    assert authorization.capture_ids == ()


def test_order_reference_details_are_read_and_buyer_data_is_left_out():
    body = response("GetOrderReferenceDetails", order_reference_details())

    details = wire.read_reply(body, "OrderReferenceDetails", wire.read_order_reference).value

    assert details.order_total == Money(3000, "EUR")
    assert details.seller_order_id == "order-42"
    assert details.release_environment == "Sandbox"
    assert details.authorization_ids == ("S02-1234567-1234567-A000001",)
    assert "Ada" not in repr(details)
    assert "example.com" not in repr(details)


def test_an_empty_result_yields_only_the_request_id():
    reply = wire.read_acknowledgement(response("CloseOrderReference", request_id="c-1"))

    assert reply == wire.Reply(None, "c-1")


def test_the_throttled_spelling_request_id_with_capital_d_is_read():
    body = (
        b"<ErrorResponse><Error><Code>RequestThrottled</Code></Error>"
        b"<RequestID>t-9</RequestID></ErrorResponse>"
    )

    assert wire.read_error(body).request_id == "t-9"


def test_a_reply_without_the_expected_details_is_missing_an_element():
    with pytest.raises(MissingElement, match="RefundDetails"):
        wire.read_reply(response("Refund", ""), "RefundDetails", wire.read_refund)


def test_a_missing_status_state_is_named_by_its_path():
    details = refund_details().replace("<State>Pending</State>", "")

    with pytest.raises(MissingElement, match="RefundStatus/State"):
        wire.read_reply(response("Refund", details), "RefundDetails", wire.read_refund)


@pytest.mark.parametrize(
    ("amount", "currency"), [("12.345", "EUR"), ("1e3", "EUR"), ("-1", "EUR"), ("1", "XXX")]
)
def test_an_amount_that_is_not_exact_money_is_an_invalid_value(amount, currency):
    body = response("Refund", refund_details(amount=amount, currency=currency))

    with pytest.raises(InvalidValue, match="RefundAmount"):
        wire.read_reply(body, "RefundDetails", wire.read_refund)


def test_a_timestamp_without_zone_is_an_invalid_value():
    details = refund_details().replace("2026-11-28T10:05:00.000Z", "2026-11-28T10:05:00")

    with pytest.raises(InvalidValue, match="time zone"):
        wire.read_reply(response("Refund", details), "RefundDetails", wire.read_refund)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<RefundResponse>&lol2;</RefundResponse>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><RefundResponse>&x;</RefundResponse>"""


@pytest.mark.parametrize(
    "body", [BILLION_LAUGHS, EXTERNAL_ENTITY, b"<RefundResponse>", b"", b"\xff\xfe<a/>"]
)
def test_entity_declarations_and_broken_xml_are_refused(body):
    with pytest.raises(MalformedXml):
        wire.read_reply(body, "RefundDetails", wire.read_refund)


DOCTYPES = [
    b'<?xml version="1.0"?><!DOCTYPE RefundResponse><RefundResponse/>',
    b'<!DOCTYPE RefundResponse SYSTEM "http://127.0.0.1/evil.dtd"><RefundResponse/>',
    b"<RefundResponse><!-- <!DOCTYPE in a comment --></RefundResponse>",
    b"<RefundResponse><![CDATA[<!DOCTYPE x>]]></RefundResponse>",
    b"<RefundResponse>" + b" " * 70000 + b"<!DOCTYPE late></RefundResponse>",
    "<!DOCTYPE r><RefundResponse/>".encode("utf-16"),  # no ASCII "<!DOCTYPE" in the bytes
]


@pytest.mark.parametrize("body", DOCTYPES)
def test_a_doctype_anywhere_in_any_encoding_is_refused(body):
    with pytest.raises(MalformedXml):
        parse_xml(body)


def test_an_entity_reference_without_a_doctype_is_refused():
    with pytest.raises(MalformedXml, match="undefined entity"):
        parse_xml(b"<RefundResponse>&lol;</RefundResponse>")


def test_a_doctype_in_a_text_argument_is_refused_too():
    with pytest.raises(MalformedXml, match="DOCTYPE"):
        parse_xml('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r><r/>')
