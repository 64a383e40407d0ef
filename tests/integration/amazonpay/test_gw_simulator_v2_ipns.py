"""Every API v2 IPN the simulator sends verifies with the shop's IpnVerifier (sandbox-
simulator mode trusts the simulator's certificate host) and reads as a hint naming the object
that changed, which V2Gateway then reads; a tampered one does not verify, and the merchant id
must be the shop's."""

from __future__ import annotations

import json

import pytest

from amzpay.amazonpay.gateway import PaymentState
from amzpay.amazonpay.ipn import (
    CertificateUrlPolicy,
    ForeignNotification,
    HttpxCertificateFetcher,
    InvalidSignature,
    IpnSettings,
    IpnVerifier,
    V2IpnMessage,
    VerifiedNotification,
)
from amzpay.amazonpay.notifications import look, notice_of
from integration.amazonpay.amazon_sides import SIMULATOR_HOST
from integration.amazonpay.contract_steps import captured, eur, fresh
from integration.amazonpay.v2_side import V2SimulatorSide
from integration.simulator.v2kit import SANDBOX_SELLER


@pytest.fixture
def side() -> V2SimulatorSide:
    return V2SimulatorSide()


def verifier_for(side: V2SimulatorSide, seller_id: str = SANDBOX_SELLER.seller_id) -> IpnVerifier:
    policy = CertificateUrlPolicy(sandbox_simulator_mode=True, simulator_host=SIMULATOR_HOST)
    settings = IpnSettings(seller_id, "Sandbox", url_policy=policy)
    return IpnVerifier(settings, HttpxCertificateFetcher(side.http))


def a_shop_day(side: V2SimulatorSide) -> str:
    """A charge captured and refunded twice, one refund declined; the charge's id."""
    capture = captured(side, "100.00")
    for declined in (False, True):
        reference_id = fresh("rf")
        if declined:
            side.declining_refund(reference_id)
        side.gateway.refund(
            capture_id=capture.amazon_id, reference_id=reference_id, amount=eur("10.00")
        )
    side.advance(60)
    return capture.amazon_id


def test_every_v2_ipn_the_simulator_sends_verifies_and_names_its_object(side: V2SimulatorSide):
    charge_id = a_shop_day(side)
    verifier = verifier_for(side)

    messages = []
    for ipn in side.inbox:
        verified = verifier.verify(ipn.body, ipn.headers)
        assert isinstance(verified, VerifiedNotification)
        assert isinstance(verified.message, V2IpnMessage)
        assert verified.message.object_id == ipn.object_id
        messages.append(verified.message)

    refunds = {m.object_id for m in messages if m.object_type == "REFUND"}
    assert refunds == set(side.refunds_of(charge_id))
    assert charge_id in {m.object_id for m in messages if m.object_type == "CHARGE"}
    assert {m.charge_permission_id for m in messages} == {charge_id.rsplit("-", 1)[0]}
    assert verifier.cached_certificates == 1


def test_looking_up_the_refund_hints_says_refunded_or_declined_as_amazon_settled_them(
    side: V2SimulatorSide,
):
    a_shop_day(side)
    verifier = verifier_for(side)

    notices = [notice_of(verifier.verify(ipn.body), side.clock.now()) for ipn in side.inbox]
    refunds = [
        seen
        for notice in notices
        if notice.kind == "REFUND" and notice.hint is not None
        for seen in look(side.gateway, notice.hint)
    ]

    assert sorted((s.state, s.reason_code) for s in refunds) == [
        (PaymentState.COMPLETED, None),
        (PaymentState.DECLINED, "AmazonRejected"),
    ]


def test_a_v2_ipn_whose_object_was_changed_is_refused(side: V2SimulatorSide):
    a_shop_day(side)
    ipn = next(i for i in side.inbox if i.envelope["Message"].count("REFUND"))
    envelope = dict(ipn.envelope)
    envelope["Message"] = envelope["Message"].replace(ipn.object_id, ipn.object_id[:-1] + "9")

    with pytest.raises(InvalidSignature):
        verifier_for(side).verify(json.dumps(envelope).encode())


def test_a_v2_ipn_for_another_merchant_is_refused(side: V2SimulatorSide):
    a_shop_day(side)

    with pytest.raises(ForeignNotification):
        verifier_for(side, seller_id="A1SOMEONEELSE").verify(side.inbox[0].body)
