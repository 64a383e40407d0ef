"""v2 IPNs (amazonpay-api.md §C.5): an SNS envelope signed like the legacy ones, whose Message
names the changed charge permission, charge or refund and nothing of its state; delivered,
retried and faulted by the legacy side's outbox."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import urlsplit

import httpx
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from simkit import Inbox
from v2kit import SANDBOX_SELLER, Checkout, Pay

from amzpay.simulator import Ipn, Simulator

MESSAGE_KEYS = [
    "MerchantID",
    "ObjectType",
    "ObjectId",
    "ChargePermissionId",
    "NotificationType",
    "NotificationId",
    "NotificationVersion",
]


def _message(ipn: Ipn) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(ipn.envelope["Message"])
    return message


def _of(inbox: Inbox, object_type: str) -> list[dict[str, Any]]:
    return [m for m in map(_message, inbox) if m["ObjectType"] == object_type]


def _verifies(http: httpx.Client, ipn: Ipn) -> bool:
    envelope = ipn.envelope
    pem = http.get(urlsplit(envelope["SigningCertURL"]).path).content
    key = x509.load_pem_x509_certificate(pem).public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    keys = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
    text = "".join(f"{k}\n{envelope[k]}\n" for k in keys if k in envelope).encode()
    try:
        key.verify(base64.b64decode(envelope["Signature"]), text, padding.PKCS1v15(), hashes.SHA1())
    except InvalidSignature:
        return False
    return True


def test_a_settled_refund_sends_one_signed_refund_ipn_naming_it(
    pay: Pay, checkout: Checkout, v2_sim: Simulator, inbox: Inbox
) -> None:
    charge_id = checkout.captured()
    permission_id = pay.ok("GET", f"/v2/charges/{charge_id}")["chargePermissionId"]
    refund_id = checkout.refund(charge_id, "10.00").json()["refundId"]
    v2_sim.advance(30)
    assert _of(inbox, "REFUND") == []
    v2_sim.advance(2)
    (ipn,) = [i for i in inbox if _message(i)["ObjectType"] == "REFUND"]
    message = _message(ipn)
    assert list(message) == MESSAGE_KEYS
    assert message["MerchantID"] == SANDBOX_SELLER.seller_id
    assert message["ObjectId"] == refund_id
    assert message["ChargePermissionId"] == permission_id
    assert message["NotificationType"] == "STATE_CHANGE"
    assert message["NotificationVersion"] == "V2"
    assert message["NotificationId"]
    assert ipn.envelope["Type"] == "Notification"
    assert ipn.headers["x-amz-sns-message-type"] == "Notification"
    assert _verifies(pay.http, ipn)


def test_charges_send_ipns_when_they_change_and_sessions_never(
    pay: Pay, checkout: Checkout, v2_sim: Simulator, inbox: Inbox
) -> None:
    done = checkout.completed()
    v2_sim.advance(1)
    assert [m["ObjectId"] for m in _of(inbox, "CHARGE")] == [done["chargeId"]]
    pay.ok(
        "POST",
        f"/v2/charges/{done['chargeId']}/capture",
        {"captureAmount": {"amount": "1.00", "currencyCode": "EUR"}},
    )
    v2_sim.advance(1)
    assert len(_of(inbox, "CHARGE")) == 2
    assert all(m["ObjectType"] != "CHECKOUT_SESSION" for m in map(_message, inbox))


def test_a_pending_charge_is_announced_when_amazon_decides(
    pay: Pay, checkout: Checkout, v2_sim: Simulator, inbox: Inbox
) -> None:
    session_id = checkout.session(canHandlePendingAuthorization=True)["checkoutSessionId"]
    checkout.buyer(session_id, "*pending-declined")
    pay.send(
        "POST",
        f"/v2/checkoutSessions/{session_id}/complete",
        {"chargeAmount": {"amount": "100.00", "currencyCode": "EUR"}},
    )
    v2_sim.advance(10)
    assert _of(inbox, "CHARGE") == []
    v2_sim.advance(21)
    (charge,) = [i for i in inbox if _message(i)["ObjectType"] == "CHARGE"]
    assert charge.state == "Declined"


def test_closing_a_permission_sends_a_charge_permission_ipn(
    pay: Pay, checkout: Checkout, v2_sim: Simulator, inbox: Inbox
) -> None:
    permission_id = checkout.completed(paymentIntent="Confirm")["chargePermissionId"]
    pay.ok("DELETE", f"/v2/chargePermissions/{permission_id}/close", {"closureReason": "done"})
    v2_sim.advance(1)
    (message,) = _of(inbox, "CHARGE_PERMISSION")
    assert (message["ObjectId"], message["ChargePermissionId"]) == (permission_id, permission_id)


def test_an_ipn_answered_500_is_retried_an_hour_later(
    pay: Pay, checkout: Checkout, v2_sim: Simulator, inbox: Inbox
) -> None:
    charge_id = checkout.captured()
    v2_sim.advance(1)
    inbox.clear()
    inbox.status = 500
    checkout.refund(charge_id, "1.00")
    v2_sim.advance(32)
    assert len(_of(inbox, "REFUND")) == 1
    inbox.status = 200
    v2_sim.advance(3600)
    assert len(_of(inbox, "REFUND")) == 2
    log = pay.http.get("/_sim/ipns").json()[-1]
    assert (log["NotificationType"], log["final"]) == ("STATE_CHANGE", "delivered")
    assert [a["status"] for a in log["attempts"]] == [500, 200]


def test_dropped_duplicated_and_late_v2_ipns(
    pay: Pay, checkout: Checkout, v2_sim: Simulator, inbox: Inbox
) -> None:
    charge_id = checkout.captured()
    v2_sim.advance(1)
    inbox.clear()
    pay.http.post("/_sim/faults", json={"drop_ipns": 1})
    checkout.refund(charge_id, "1.00")
    v2_sim.advance(3600)
    assert _of(inbox, "REFUND") == []
    pay.http.post("/_sim/faults", json={"duplicate_ipns": 1})
    checkout.refund(charge_id, "1.00")
    v2_sim.advance(32)
    assert len(_of(inbox, "REFUND")) == 2
    pay.http.post("/_sim/faults", json={"delay_ipns": 1, "delay_seconds": 600})
    checkout.refund(charge_id, "1.00")
    v2_sim.advance(32)
    assert len(_of(inbox, "REFUND")) == 2
    v2_sim.advance(600)
    assert len(_of(inbox, "REFUND")) == 3
