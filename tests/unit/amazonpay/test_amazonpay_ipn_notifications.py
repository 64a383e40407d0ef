"""Reading the four notification types, and every specific reason to refuse an IPN."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from amazonpay_mws_samples import authorization_details, capture_details, order_reference_details
from amazonpay_sns_signer import (
    SELLER_ID,
    TOPIC_ARN,
    certificate_pem,
    message,
    notification_body,
    refund_notification_xml,
    sign,
)

from amzpay.amazonpay import ipn
from amzpay.amazonpay.ipn import IpnSettings, IpnVerifier, VerifiedNotification
from amzpay.domain.money import Money

IPN_NS = "https://mws.amazonservices.com/ipn/OffAmazonPayments/2013-01-01"


def make_verifier(**settings) -> IpnVerifier:
    return IpnVerifier(IpnSettings(SELLER_ID, "Sandbox", **settings), lambda url: certificate_pem())


def notification(notification_type: str, root: str, details: str) -> bytes:
    xml = f'<?xml version="1.0"?><{root} xmlns="{IPN_NS}">{details}</{root}>'
    return notification_body(message(notification_type, xml))


def verified(body: bytes) -> VerifiedNotification:
    result = make_verifier().verify(body)
    assert isinstance(result, VerifiedNotification)
    return result


def test_a_completed_refund_notification_is_read():
    result = verified(notification_body(message("PaymentRefund", refund_notification_xml())))

    assert isinstance(result.message.data, ipn.RefundNotification)
    refund = result.message.data.details
    assert refund.refund_reference_id == "rf-0001"
    assert refund.amount == Money(1230, "EUR")
    assert refund.status.state == "Completed"
    assert refund.status.last_update == datetime(2026, 11, 28, 9, 59, 59, 751000, tzinfo=UTC)


def test_a_declined_refund_notification_carries_its_reason_code():
    xml = refund_notification_xml(state="Declined", reason="AmazonRejected")

    refund = verified(notification_body(message("PaymentRefund", xml))).message.data

    assert isinstance(refund, ipn.RefundNotification)
    assert refund.details.status.reason_code == "AmazonRejected"


def test_an_authorization_notification_is_read():
    body = notification("PaymentAuthorize", "AuthorizationNotification", authorization_details())

    data = verified(body).message.data

    assert isinstance(data, ipn.AuthorizationNotification)
    assert data.details.amount == Money(3000, "EUR")


def test_a_capture_notification_is_read():
    body = notification("PaymentCapture", "CaptureNotification", capture_details())

    data = verified(body).message.data

    assert isinstance(data, ipn.CaptureNotification)
    assert data.details.status.state == "Completed"


def test_an_order_reference_notification_is_read():
    details = order_reference_details("Suspended").replace(
        "OrderReferenceDetails", "OrderReference"
    )
    body = notification("OrderReferenceNotification", "OrderReferenceNotification", details)

    data = verified(body).message.data

    assert isinstance(data, ipn.OrderReferenceNotification)
    assert data.details.status.state == "Suspended"


def test_an_unknown_type_is_reported_as_unknown_with_its_data_kept():
    xml = "<ChargebackNotification><ChargebackDetails/></ChargebackNotification>"

    data = verified(notification_body(message("ChargebackDetailedNotification", xml))).message.data

    assert data == ipn.UnknownNotification("ChargebackDetailedNotification", xml)


def test_signature_version_2_is_sha256_with_rsa():
    body = notification_body(message("PaymentRefund", refund_notification_xml()), version="2")

    assert verified(body).envelope.signature_version == "2"


def test_a_signed_subject_is_part_of_the_canonical_string():
    body = notification_body(message("PaymentRefund", refund_notification_xml()), Subject="Hi")
    tampered = body.replace(b'"Subject": "Hi"', b'"Subject": "Ho"')

    verified(body)
    with pytest.raises(ipn.InvalidSignature):
        make_verifier().verify(tampered)


def subscription(kind: str = "SubscriptionConfirmation") -> dict[str, str]:
    return sign(
        {
            "Type": kind,
            "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
            "Token": "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a",
            "TopicArn": TOPIC_ARN,
            "Message": "You have chosen to subscribe to the topic.",
            "SubscribeURL": "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription",
            "Timestamp": "2026-11-28T10:00:00.000Z",
        }
    )


@pytest.mark.parametrize("kind", ["SubscriptionConfirmation", "UnsubscribeConfirmation"])
def test_a_subscription_confirmation_verifies_and_is_returned_unconfirmed(kind):
    result = make_verifier().verify(json.dumps(subscription(kind)).encode())

    assert isinstance(result, ipn.VerifiedSubscription)
    assert result.subscribe_url == "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription"


def test_a_subscription_confirmation_signs_its_token():
    envelope = subscription()
    envelope["Token"] = envelope["Token"][:-1] + "0"

    with pytest.raises(ipn.InvalidSignature):
        make_verifier().verify(json.dumps(envelope).encode())


# -- refusals ----------------------------------------------------------------------------------


def test_a_notification_for_another_seller_is_foreign():
    body = notification_body(message("PaymentRefund", refund_notification_xml(), seller_id="B9"))

    with pytest.raises(ipn.ForeignNotification, match="SellerId"):
        make_verifier().verify(body)


def test_a_live_notification_is_foreign_to_a_sandbox_configuration():
    inner = message("PaymentRefund", refund_notification_xml(), environment="Live")

    with pytest.raises(ipn.ForeignNotification, match="ReleaseEnvironment"):
        make_verifier().verify(notification_body(inner))


def test_a_body_above_the_cap_is_refused_before_reading():
    body = notification_body(message("PaymentRefund", refund_notification_xml()))

    with pytest.raises(ipn.BodyTooLarge):
        make_verifier(max_body_bytes=len(body) - 1).verify(body)


@pytest.mark.parametrize("body", [b"", b"{", b"[]", b"\xff\xfe{}", b'"Notification"', b"[" * 50000])
def test_a_body_that_is_not_a_json_object_is_invalid_json(body):
    with pytest.raises(ipn.InvalidJson):
        make_verifier().verify(body)


@pytest.mark.parametrize(
    "field",
    ["Type", "MessageId", "TopicArn", "Message", "Timestamp", "Signature", "SigningCertURL"],
)
def test_each_missing_envelope_field_is_named(field):
    envelope = json.loads(notification_body(message("PaymentRefund", refund_notification_xml())))
    del envelope[field]

    with pytest.raises(ipn.MissingField) as raised:
        make_verifier().verify(json.dumps(envelope).encode())

    assert raised.value.field == field


@pytest.mark.parametrize(
    ("field", "value"),
    [("SignatureVersion", "3"), ("Type", "Other"), ("Message", 7), ("MessageId", None)],
)
def test_unusable_envelope_fields_are_refused(field, value):
    envelope = json.loads(notification_body(message("PaymentRefund", refund_notification_xml())))
    envelope[field] = value

    with pytest.raises((ipn.InvalidField, ipn.MissingField)):
        make_verifier().verify(json.dumps(envelope).encode())


def test_a_signature_that_is_not_base64_is_a_bad_signature():
    envelope = json.loads(notification_body(message("PaymentRefund", refund_notification_xml())))
    envelope["Signature"] = "not base64!"

    with pytest.raises(ipn.InvalidSignature):
        make_verifier().verify(json.dumps(envelope).encode())


def test_sns_headers_that_agree_with_the_signed_body_are_accepted():
    body = notification_body(message("PaymentRefund", refund_notification_xml()))
    envelope = json.loads(body)
    headers = {
        "X-Amz-Sns-Message-Type": "Notification",
        "x-amz-sns-message-id": envelope["MessageId"],
        "X-AMZ-SNS-TOPIC-ARN": TOPIC_ARN,
    }

    assert isinstance(make_verifier().verify(body, headers), VerifiedNotification)


@pytest.mark.parametrize(
    "header", ["x-amz-sns-message-type", "x-amz-sns-message-id", "x-amz-sns-topic-arn"]
)
def test_an_sns_header_that_disagrees_with_the_signed_body_is_refused(header):
    body = notification_body(message("PaymentRefund", refund_notification_xml()))

    with pytest.raises(ipn.InvalidField, match=header):
        make_verifier().verify(body, {header: "SubscriptionConfirmation"})


def test_an_inner_message_that_is_not_json_is_invalid_json():
    with pytest.raises(ipn.InvalidJson, match="Message"):
        make_verifier().verify(notification_body("NotificationData=<xml/>"))


def test_a_missing_message_field_is_named():
    inner = json.loads(message("PaymentRefund", refund_notification_xml()))
    del inner["NotificationData"]

    with pytest.raises(ipn.MissingField, match=r"Message\.NotificationData"):
        make_verifier().verify(notification_body(json.dumps(inner)))


ENTITY_EXPANSION = (
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    "<RefundNotification><RefundDetails><AmazonRefundId>&c;</AmazonRefundId>"
    "</RefundDetails></RefundNotification>"
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "http://127.0.0.1/secret">]>'
    "<RefundNotification>&x;</RefundNotification>"
)


@pytest.mark.parametrize(
    "xml",
    [
        ENTITY_EXPANSION,
        EXTERNAL_ENTITY,
        "<!DOCTYPE RefundNotification><RefundNotification/>",  # a DTD, even an empty one
        "<RefundNotification>&undeclared;</RefundNotification>",
        "<RefundNotification>",
        "not xml at all",
    ],
)
def test_bad_notification_data_xml_is_invalid_xml(xml):
    with pytest.raises(ipn.InvalidXml):
        make_verifier().verify(notification_body(message("PaymentRefund", xml)))


def test_notification_data_with_the_wrong_root_is_an_invalid_field():
    xml = "<CaptureNotification><CaptureDetails/></CaptureNotification>"

    with pytest.raises(ipn.InvalidField, match="RefundNotification"):
        make_verifier().verify(notification_body(message("PaymentRefund", xml)))


def test_a_missing_element_in_the_details_is_a_missing_field():
    xml = refund_notification_xml().replace("<RefundReferenceId>rf-0001</RefundReferenceId>", "")

    with pytest.raises(ipn.MissingField, match="RefundReferenceId"):
        make_verifier().verify(notification_body(message("PaymentRefund", xml)))


def test_an_unreadable_amount_in_the_details_is_an_invalid_field():
    xml = refund_notification_xml(amount="12,30")

    with pytest.raises(ipn.InvalidField, match="RefundAmount"):
        make_verifier().verify(notification_body(message("PaymentRefund", xml)))


def test_the_configured_environment_must_be_sandbox_or_live():
    with pytest.raises(ValueError, match="sandbox"):
        IpnSettings(SELLER_ID, "sandbox")
