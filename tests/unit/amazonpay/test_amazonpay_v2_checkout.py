"""The v2 checkout adapter (``V2CheckoutSessions``) over the client and a fake Amazon: the
button's payload signed as Amazon verifies it (checked with ``cryptography`` alone), the
buyer, address and payment method read from Get Checkout Session, the payment set with the
Confirm intent and the shop's order id, and completion to the charge permission."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator

import httpx
import pytest
from amazonpay_fakes import FakeClock, make_pacing
from amazonpay_v2_fakes import (
    CHARGE_PERMISSION,
    CHECKOUT_SESSION,
    PUBLIC_KEY_ID,
    FakeAmazonV2,
    checkout_session_json,
    private_key,
)
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from amzpay.amazonpay.checkout_sessions import SessionState
from amzpay.amazonpay.v2.buyer import read_session_buyer
from amzpay.amazonpay.v2.checkout import V2CheckoutSessions
from amzpay.amazonpay.v2.client import V2Client
from amzpay.amazonpay.v2.regions import Endpoint, Environment, Region, checkout_script_url
from amzpay.amazonpay.v2.signing import Algorithm, Signer
from amzpay.domain.money import Money

ADDRESS = {
    "name": "Erika Mustermann",
    "addressLine1": "Heidestrasse 17",
    "addressLine2": "Hinterhaus",
    "addressLine3": None,
    "city": "Koeln",
    "stateOrRegion": None,
    "postalCode": "51147",
    "countryCode": "DE",
    "phoneNumber": "+49 221 1234567",
}


@pytest.fixture
def amazon() -> FakeAmazonV2:
    return FakeAmazonV2()


@pytest.fixture
def sessions(amazon: FakeAmazonV2) -> Iterator[V2CheckoutSessions]:
    signer = Signer(PUBLIC_KEY_ID, private_key(), Algorithm.PSS_V2)
    endpoint = Endpoint.of(Region.EU, Environment.SANDBOX, PUBLIC_KEY_ID)
    with httpx.Client(transport=httpx.MockTransport(amazon)) as http:
        client = V2Client(http, endpoint, signer, pacing=make_pacing(FakeClock()))
        yield V2CheckoutSessions(client, signer)


@pytest.mark.parametrize("algorithm", list(Algorithm))
def test_the_button_payload_is_signed_as_amazon_verifies_it(algorithm):
    signer = Signer(PUBLIC_KEY_ID, private_key(), algorithm)
    endpoint = Endpoint.of(Region.EU, Environment.SANDBOX, PUBLIC_KEY_ID)
    with httpx.Client() as http:
        sessions = V2CheckoutSessions(V2Client(http, endpoint, signer), signer)
        signed = sessions.sign_button("https://shop.example/review", "amzn1.store")

    text = f"{algorithm.label}\n{hashlib.sha256(signed.payload_json.encode()).hexdigest()}"
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=algorithm.salt_length)
    private_key().public_key().verify(
        base64.b64decode(signed.signature), text.encode(), pss, hashes.SHA256()
    )
    assert json.loads(signed.payload_json) == {
        "webCheckoutDetails": {"checkoutReviewReturnUrl": "https://shop.example/review"},
        "storeId": "amzn1.store",
        "chargePermissionType": "OneTime",
    }
    assert (signed.public_key_id, signed.algorithm) == (PUBLIC_KEY_ID, algorithm.label)


def test_the_session_shows_the_buyer_the_address_and_the_payment_method(sessions, amazon):
    reply = checkout_session_json() | {
        "shippingAddress": ADDRESS,
        "paymentPreferences": [{"paymentDescriptor": "Visa ****1111"}],
    }
    amazon.reply(200, reply)

    seen = sessions.checkout_session(CHECKOUT_SESSION)

    assert seen.state is SessionState.OPEN
    assert seen.buyer is not None
    assert (seen.buyer.name, seen.buyer.email) == ("Jane Buyer", "jane@example.com")
    assert seen.shipping_address is not None
    assert seen.shipping_address.lines == ("Heidestrasse 17", "Hinterhaus")
    assert seen.shipping_address.postal_code == "51147"
    assert seen.payment_descriptor == "Visa ****1111"
    assert seen.charge_amount == Money(1400, "EUR")
    assert seen.merchant_reference_id == "order-1001"
    assert "Jane" not in repr(seen)


def test_a_session_before_sign_in_shows_no_buyer_address_or_payment_method():
    seen = read_session_buyer({"buyer": None, "shippingAddress": None})

    assert (seen.buyer, seen.shipping_address, seen.payment_descriptor) == (None, None, None)


def test_an_address_without_a_street_is_left_out():
    seen = read_session_buyer(
        {"shippingAddress": ADDRESS | {"addressLine1": None, "addressLine2": ""}}
    )

    assert seen.shipping_address is None


def test_a_canceled_session_says_amazons_reason(sessions, amazon):
    reply = checkout_session_json("Canceled")
    reply["statusDetails"]["reasonCode"] = "BuyerCanceled"
    amazon.reply(200, reply)

    seen = sessions.checkout_session(CHECKOUT_SESSION)

    assert (seen.state, seen.reason_code) == (SessionState.CANCELED, "BuyerCanceled")


def test_the_payment_is_set_to_be_confirmed_with_the_shops_order_id(sessions, amazon):
    amazon.reply(200, checkout_session_json())

    seen = sessions.set_payment(
        CHECKOUT_SESSION, Money(6389, "EUR"), "SHOP-1", "https://shop.example/result"
    )

    assert amazon.requests[0].method == "PATCH"
    assert amazon.bodies()[0] == {
        "webCheckoutDetails": {"checkoutResultReturnUrl": "https://shop.example/result"},
        "paymentDetails": {
            "chargeAmount": {"amount": "63.89", "currencyCode": "EUR"},
            "paymentIntent": "Confirm",
        },
        "merchantMetadata": {"merchantReferenceId": "SHOP-1"},
    }
    assert seen.amazon_pay_redirect_url == "https://pay.example/redirect"


def test_completing_answers_the_charge_permission_and_sends_the_key_on_every_attempt(
    sessions, amazon
):
    amazon.reply(200, checkout_session_json("Completed"))

    seen = sessions.complete(CHECKOUT_SESSION, Money(1400, "EUR"), reference_id="cs-0001")

    assert seen.state is SessionState.COMPLETED
    assert seen.charge_permission_id == CHARGE_PERMISSION
    assert amazon.requests[0].headers["x-amz-pay-idempotency-key"] == "cs-0001"


@pytest.mark.parametrize(
    ("region", "host"),
    [(Region.EU, "static-eu"), (Region.NA, "static-na"), (Region.JP, "static-fe")],
)
def test_each_region_has_its_checkout_script(region, host):
    assert checkout_script_url(region) == f"https://{host}.payments-amazon.com/checkout.js"
