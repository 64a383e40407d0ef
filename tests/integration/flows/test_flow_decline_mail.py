"""The buyer's e-mail when Amazon declines the authorization, as it arrives at a real SMTP
server: a soft decline (the order reference Suspended) asks the buyer to choose another
payment method; a hard decline asks them to contact the shop, with its own words when the
payment method itself was refused (InvalidPaymentMethod) and other words for anything else.

Amazon's answer arrives by IPN from the simulator, for an authorization it made with our
reference id and a sandbox simulation string in SellerAuthorizationNote (§A.11): the
simulator's SoftDecline element is what tells soft from hard, as Amazon's does.
"""

from __future__ import annotations

import json

import pytest

from amzpay.amazonpay.gateway import PaymentState
from amzpay.domain.payment import PaymentKind
from shop import order_spec

SUPPORT = "support@example.com"  # the shop's default support address


def declined(reason: str, soft: bool | None = None) -> str:
    simulation: dict[str, str] = {"State": "Declined", "ReasonCode": reason}
    if soft is not None:
        simulation["SoftDecline"] = str(soft).lower()
    return json.dumps({"SandboxSimulation": simulation})


def authorization_declined_by_ipn(sim_shop, simulated, note: str, locale: str = "en_GB"):
    """An order whose authorization is Pending at the shop's Amazon, then declined as
    ``note`` simulates, Amazon's IPN saying so; returns the mail the buyer got."""
    sim_shop.amazon.answer("authorize", PaymentState.PENDING)
    spec = order_spec(customer={"email": "buyer@example.com", "locale": locale})
    order = sim_shop.place(spec)
    with sim_shop.app.database.transaction() as tx:
        [auth] = tx.payments(order, PaymentKind.AUTHORIZATION)
    amazon_order = simulated.sim.create_order_reference(payment_method="visa")
    simulated.client.set_order_reference_details(amazon_order, auth.amount)
    simulated.client.confirm_order_reference(amazon_order)
    simulated.client.authorize(
        amazon_order, auth.reference_id, auth.amount, transaction_timeout=0, seller_note=note
    )
    simulated.advance(1)
    sim_shop.work()
    return order


def mail_of(sink):
    [mail] = sink.messages
    return mail["To"], mail["Subject"], mail.get_body(("plain",)).get_content()


def test_a_hard_invalid_payment_method_decline_asks_the_buyer_to_contact_the_shop(
    sim_shop, simulated, sink
):
    order = authorization_declined_by_ipn(
        sim_shop, simulated, declined("InvalidPaymentMethod", soft=False)
    )

    to, subject, text = mail_of(sink)
    assert to == "buyer@example.com"
    assert subject.endswith("the payment was declined")
    assert "declined the payment method you chose" in text
    assert SUPPORT in text
    assert "sign in to your Amazon account" not in text
    assert sim_shop.states(order) == {"auth declined"}


def test_a_decline_for_another_reason_asks_the_same_with_other_words(sim_shop, simulated, sink):
    authorization_declined_by_ipn(sim_shop, simulated, declined("AmazonRejected"))

    _, subject, text = mail_of(sink)
    assert subject.endswith("the payment was declined")
    assert "declined the payment for your order" in text
    assert "payment method you chose" not in text
    assert SUPPORT in text


def test_a_soft_decline_asks_the_buyer_to_choose_another_payment_method(sim_shop, simulated, sink):
    authorization_declined_by_ipn(sim_shop, simulated, declined("InvalidPaymentMethod", soft=True))

    _, subject, text = mail_of(sink)
    assert subject.endswith("please choose another payment method")
    assert "sign in to your Amazon account and choose another payment method" in text


@pytest.mark.parametrize(
    ("soft", "locale", "amount"),
    [(True, "en_GB", "€93.88"), (False, "en_GB", "€93.88"), (False, "de_DE", "93,88\xa0€")],
)
def test_the_decline_mail_names_the_order_and_its_amount_in_the_buyers_language(
    sim_shop, simulated, sink, soft, locale, amount
):
    order = authorization_declined_by_ipn(
        sim_shop, simulated, declined("InvalidPaymentMethod", soft=soft), locale
    )

    _, subject, text = mail_of(sink)
    assert order in subject
    assert amount in text
