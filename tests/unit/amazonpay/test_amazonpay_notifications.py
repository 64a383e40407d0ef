"""An IPN handed over in the port's words: the notice of a verified or a stored message."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from amazonpay_mws_samples import order_reference_details
from amazonpay_sns_signer import (
    SELLER_ID,
    TOPIC_ARN,
    certificate_pem,
    message,
    notification_body,
    refund_notification_xml,
    sign,
)

from amzpay.amazonpay.gateway import ObjectKind, PaymentState
from amzpay.amazonpay.ipn import IpnError, IpnSettings, IpnVerifier
from amzpay.amazonpay.notifications import notice_of, read_stored
from amzpay.domain.money import Money

RECEIVED = datetime(2026, 11, 28, 10, 0, 5, tzinfo=UTC)
LIMIT = 64 * 1024
IPN_NS = "https://mws.amazonservices.com/ipn/OffAmazonPayments/2013-01-01"


def verify(body: bytes):
    settings = IpnSettings(SELLER_ID, "Sandbox")
    return IpnVerifier(settings, lambda url: certificate_pem()).verify(body)


def refund_body(state: str = "Completed") -> bytes:
    return notification_body(message("PaymentRefund", refund_notification_xml(state=state)))


def test_a_refund_notification_is_an_observation_of_the_refund_and_its_order_reference():
    notice = notice_of(verify(refund_body()), RECEIVED)

    assert (notice.message_id, notice.kind, notice.notification) == (
        "b6e2d9c4-0000-5a1b-8c3d-0e1f2a3b4c5d",
        "PaymentRefund",
        True,
    )
    seen = notice.seen
    assert seen is not None
    assert (seen.kind, seen.amazon_id, seen.reference_id) == (
        ObjectKind.REFUND,
        "S02-1234567-1234567-R000001",
        "rf-0001",
    )
    assert (seen.state, seen.amount) == (PaymentState.COMPLETED, Money(1230, "EUR"))
    assert seen.order_reference_id == "S02-1234567-1234567"


def test_an_order_reference_notification_belongs_to_its_own_order_reference():
    details = order_reference_details("Suspended").replace(
        "OrderReferenceDetails", "OrderReference"
    )
    root = "OrderReferenceNotification"
    xml = f'<?xml version="1.0"?><{root} xmlns="{IPN_NS}">{details}</{root}>'
    body = notification_body(message("OrderReferenceNotification", xml))

    seen = notice_of(verify(body), RECEIVED).seen

    assert seen is not None
    assert (seen.kind, seen.state) == (ObjectKind.ORDER_REFERENCE, PaymentState.SUSPENDED)
    assert seen.order_reference_id == seen.amazon_id == "S02-1234567-1234567"


def test_a_state_amazon_does_not_document_is_a_notification_with_nothing_to_apply():
    notice = notice_of(verify(refund_body(state="Frozen")), RECEIVED)

    assert (notice.notification, notice.seen) == (True, None)


def test_a_subscription_confirmation_is_for_the_operator():
    envelope = {
        "Type": "SubscriptionConfirmation",
        "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
        "Token": "2336412f37fb",
        "TopicArn": TOPIC_ARN,
        "Message": "You have chosen to subscribe to the topic.",
        "SubscribeURL": "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription",
        "Timestamp": "2026-11-28T10:00:00.000Z",
    }
    body = json.dumps(sign(envelope)).encode()

    for notice in (notice_of(verify(body), RECEIVED), read_stored(body.decode(), LIMIT, RECEIVED)):
        assert (notice.kind, notice.notification, notice.seen) == (
            "SubscriptionConfirmation",
            False,
            None,
        )


def test_a_stored_message_reads_as_it_did_at_receipt():
    body = refund_body()

    assert read_stored(body.decode(), LIMIT, RECEIVED) == notice_of(verify(body), RECEIVED)


def test_a_stored_body_that_is_no_sns_message_is_refused_with_an_ipn_error():
    with pytest.raises(IpnError):
        read_stored('{"Type": "Notification"}', LIMIT, RECEIVED)
