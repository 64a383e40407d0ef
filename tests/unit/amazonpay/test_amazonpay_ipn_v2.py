"""API v2 IPNs: the same SNS envelope and signature as the legacy ones, a Message that names
the changed object (research C.5). Verified like v1 (signature, certificate URL, the merchant
id checked before any certificate is fetched), read into a hint, and looked up through the
gateway port."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from amazonpay_sns_signer import (
    SELLER_ID,
    certificate_pem,
    message,
    notification_body,
    refund_notification_xml,
)

from amzpay.amazonpay import ipn
from amzpay.amazonpay.gateway import ObjectKind, Observation, PaymentState
from amzpay.amazonpay.ipn import IpnSettings, IpnVerifier, V2IpnMessage, VerifiedNotification
from amzpay.amazonpay.notifications import Hint, look, notice_of, read_stored
from amzpay.domain.money import Money

PERMISSION = "S02-1234567-1234567"
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


def v2_message(**changes: object) -> str:
    fields: dict[str, object] = {
        "MerchantID": SELLER_ID,
        "ObjectType": "REFUND",
        "ObjectId": f"{PERMISSION}-R0000001",
        "ChargePermissionId": PERMISSION,
        "NotificationType": "STATE_CHANGE",
        "NotificationId": "8a6b2c1d-0000-4f5e-9a8b-7c6d5e4f3a2b",
        "NotificationVersion": "V2",
    }
    fields.update(changes)
    return json.dumps({k: v for k, v in fields.items() if v is not None})


class Fetches(list[str]):
    """A certificate fetcher that counts what it is asked for."""

    def __call__(self, url: str) -> bytes:
        self.append(url)
        return certificate_pem()


def verify(body: bytes, fetches: Fetches | None = None) -> VerifiedNotification:
    verifier = IpnVerifier(IpnSettings(SELLER_ID, "Live"), fetches or Fetches())
    result = verifier.verify(body)
    assert isinstance(result, VerifiedNotification)
    return result


def test_a_v2_notification_is_verified_and_read_as_the_object_it_names():
    result = verify(notification_body(v2_message()))

    assert result.message == V2IpnMessage(
        merchant_id=SELLER_ID,
        object_type="REFUND",
        object_id=f"{PERMISSION}-R0000001",
        charge_permission_id=PERMISSION,
        notification_type="STATE_CHANGE",
        notification_id="8a6b2c1d-0000-4f5e-9a8b-7c6d5e4f3a2b",
    )


def test_a_v2_notification_for_another_merchant_is_refused_before_any_certificate_fetch():
    fetches = Fetches()

    with pytest.raises(ipn.ForeignNotification) as refused:
        verify(notification_body(v2_message(MerchantID="A9OTHERSELLER")), fetches)

    assert "MerchantID" in str(refused.value)
    assert fetches == []


def test_a_tampered_v2_notification_fails_its_signature():
    body = json.loads(notification_body(v2_message()))
    body["Message"] = v2_message(ObjectId=f"{PERMISSION}-R0000002")

    with pytest.raises(ipn.InvalidSignature):
        verify(json.dumps(body).encode())


@pytest.mark.parametrize(
    ("changes", "error", "field"),
    [
        ({"ObjectId": None}, ipn.MissingField, "ObjectId"),
        ({"MerchantID": None}, ipn.MissingField, "MerchantID"),
        ({"ObjectType": "INVOICE"}, ipn.InvalidField, "ObjectType"),
        ({"ObjectId": 17}, ipn.InvalidField, "ObjectId"),
        ({"ChargePermissionId": ""}, ipn.InvalidField, "ChargePermissionId"),
    ],
)
def test_a_malformed_v2_message_is_refused_naming_the_field(changes, error, field):
    with pytest.raises(error) as refused:
        verify(notification_body(v2_message(**changes)))

    assert field in str(refused.value)


def test_a_legacy_message_still_needs_its_seller_and_environment():
    with pytest.raises(ipn.ForeignNotification):
        verify(notification_body(message("PaymentRefund", refund_notification_xml())))


@pytest.mark.parametrize(
    ("object_type", "kinds"),
    [
        ("REFUND", (ObjectKind.REFUND,)),
        ("CHARGE", (ObjectKind.AUTHORIZATION, ObjectKind.CAPTURE)),
        ("CHARGE_PERMISSION", (ObjectKind.ORDER_REFERENCE,)),
    ],
)
def test_a_v2_notice_is_a_hint_naming_the_port_objects_to_ask_for(object_type, kinds):
    notice = notice_of(verify(notification_body(v2_message(ObjectType=object_type))), NOW)

    assert (notice.kind, notice.notification, notice.seen) == (object_type, True, None)
    assert notice.hint == Hint(kinds, f"{PERMISSION}-R0000001", PERMISSION)


def test_a_chargeback_notice_names_nothing_the_port_knows():
    notice = notice_of(verify(notification_body(v2_message(ObjectType="CHARGEBACK"))), NOW)

    assert (notice.kind, notice.hint, notice.seen) == ("CHARGEBACK", None, None)


def test_a_stored_v2_message_reads_back_to_the_same_hint():
    body = notification_body(v2_message(ObjectType="CHARGE", ObjectId=f"{PERMISSION}-C0000001"))

    stored = read_stored(body.decode(), 64 * 1024, NOW)

    assert stored == notice_of(verify(body), NOW)
    assert stored.hint is not None
    assert stored.hint.amazon_id == f"{PERMISSION}-C0000001"


class Details:
    """A gateway's details calls, answering each with what the object is, and counting."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []

    def _seen(self, kind: ObjectKind, amazon_id: str, order: str | None = None) -> Observation:
        self.asked.append((kind.value, amazon_id))
        return Observation(
            kind, amazon_id, None, PaymentState.COMPLETED, NOW, Money(500, "EUR"),
            order_reference_id=order,
        )  # fmt: skip

    def refund_details(self, refund_id: str) -> Observation:
        return self._seen(ObjectKind.REFUND, refund_id)

    def authorization_details(self, authorization_id: str) -> Observation:
        return self._seen(ObjectKind.AUTHORIZATION, authorization_id, "S02-from-the-charge")

    def capture_details(self, capture_id: str) -> Observation:
        return self._seen(ObjectKind.CAPTURE, capture_id, "S02-from-the-charge")

    def order_reference_details(self, order_reference_id: str) -> Observation:
        return self._seen(ObjectKind.ORDER_REFERENCE, order_reference_id)


def test_looking_at_a_hint_asks_the_gateway_for_each_port_object_it_names():
    gateway = Details()
    hint = Hint((ObjectKind.AUTHORIZATION, ObjectKind.CAPTURE), "C-1", PERMISSION)

    seen = look(gateway, hint)  # type: ignore[arg-type]

    assert gateway.asked == [("authorization", "C-1"), ("capture", "C-1")]
    assert [(s.kind, s.order_reference_id) for s in seen] == [
        (ObjectKind.AUTHORIZATION, "S02-from-the-charge"),
        (ObjectKind.CAPTURE, "S02-from-the-charge"),
    ]


def test_an_object_that_does_not_say_its_order_reference_takes_the_hints():
    seen = look(Details(), Hint((ObjectKind.REFUND,), "R-1", PERMISSION))  # type: ignore[arg-type]

    assert [(s.kind, s.amazon_id, s.order_reference_id) for s in seen] == [
        (ObjectKind.REFUND, "R-1", PERMISSION)
    ]
