"""Every IPN the simulator sends verifies with the shop's IpnVerifier (sandbox-simulator mode
trusts the simulator's certificate host), for all four notification types; a tampered one
does not."""

from __future__ import annotations

import json

import pytest

from amzpay.amazonpay.ipn import (
    AuthorizationNotification,
    CaptureNotification,
    CertificateUrlPolicy,
    HttpxCertificateFetcher,
    InvalidSignature,
    IpnSettings,
    IpnVerifier,
    OrderReferenceNotification,
    RefundNotification,
    UntrustedCertificateUrl,
    VerifiedNotification,
)
from amzpay.simulator import Ipn
from integration.amazonpay.amazon_sides import SELLER, SIMULATOR_HOST, SimulatorSide
from integration.amazonpay.contract_steps import captured, eur, fresh, simulation

KINDS = {
    "OrderReferenceNotification": OrderReferenceNotification,
    "PaymentAuthorize": AuthorizationNotification,
    "PaymentCapture": CaptureNotification,
    "PaymentRefund": RefundNotification,
}


def verifier_for(side: SimulatorSide, *, simulator_mode: bool = True) -> IpnVerifier:
    policy = CertificateUrlPolicy(
        sandbox_simulator_mode=simulator_mode, simulator_host=SIMULATOR_HOST
    )
    settings = IpnSettings(SELLER.seller_id, "Sandbox", url_policy=policy)
    return IpnVerifier(settings, HttpxCertificateFetcher(side.http))


def a_shop_day(side: SimulatorSide) -> None:
    """Orders confirmed, authorized, captured, refunded (one refund declined), closed."""
    capture = captured(side, "100.00")
    for note in (None, simulation("Declined", "AmazonRejected")):
        side.gateway.refund(
            capture_id=capture.amazon_id, reference_id=fresh("rf"), amount=eur("10.00"), note=note
        )
    side.advance(60)


def object_id(verified: VerifiedNotification) -> str:
    data = verified.message.data
    assert not hasattr(data, "notification_type")
    details = data.details  # type: ignore[union-attr]
    for name in ("amazon_order_reference_id", "amazon_authorization_id", "amazon_capture_id"):
        if hasattr(details, name):
            return str(getattr(details, name))
    return str(details.amazon_refund_id)


def test_every_ipn_the_simulator_sends_verifies_and_reads_as_its_type(simulated: SimulatorSide):
    a_shop_day(simulated)
    verifier = verifier_for(simulated)

    verified = [(ipn, verifier.verify(ipn.body, ipn.headers)) for ipn in simulated.inbox]

    assert {ipn.notification_type for ipn, _ in verified} == set(KINDS)
    for ipn, notification in verified:
        assert isinstance(notification, VerifiedNotification)
        assert isinstance(notification.message.data, KINDS[ipn.notification_type])
        assert object_id(notification) == ipn.object_id
        assert notification.message_id == ipn.message_id
    assert verifier.cached_certificates == 1


def test_a_refund_ipn_says_completed_or_declined_as_the_simulator_settled_it(
    simulated: SimulatorSide,
):
    a_shop_day(simulated)
    verifier = verifier_for(simulated)

    states = [
        verifier.verify(ipn.body).message.data.details.status.state  # type: ignore[union-attr]
        for ipn in simulated.inbox
        if ipn.notification_type == "PaymentRefund"
    ]

    assert sorted(states) == ["Completed", "Declined"]


def tampered(ipn: Ipn) -> bytes:
    envelope = dict(ipn.envelope)
    envelope["Message"] = envelope["Message"].replace("10.00", "99.00", 1)
    assert envelope["Message"] != ipn.envelope["Message"]
    return json.dumps(envelope).encode()


def test_a_simulator_ipn_with_a_changed_amount_is_refused(simulated: SimulatorSide):
    a_shop_day(simulated)
    refund_ipn = next(i for i in simulated.inbox if i.notification_type == "PaymentRefund")

    with pytest.raises(InvalidSignature):
        verifier_for(simulated).verify(tampered(refund_ipn))


def test_an_ipn_the_simulator_signs_badly_is_refused(simulated: SimulatorSide):
    simulated.sim.faults.update({"bad_signature_ipns": 1})
    captured(simulated)
    simulated.advance(1)  # an IPN leaves 0.4 s after the change

    first, *rest = simulated.inbox
    verifier = verifier_for(simulated)

    with pytest.raises(InvalidSignature):
        verifier.verify(first.body, first.headers)
    assert all(isinstance(verifier.verify(ipn.body), VerifiedNotification) for ipn in rest)


def test_the_simulators_certificate_host_is_untrusted_outside_simulator_mode(
    simulated: SimulatorSide,
):
    captured(simulated)
    simulated.advance(1)

    with pytest.raises(UntrustedCertificateUrl):
        verifier_for(simulated, simulator_mode=False).verify(simulated.inbox[0].body)
