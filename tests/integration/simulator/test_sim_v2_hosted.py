"""Amazon's hosted v2 checkout pages: the button's payload signature checked against the
seller's registered key (and refused visibly when it does not verify), sign-in with a sandbox
test account, an address and a card, back to the shop's review URL; at amazonPayRedirectUrl
the authentication step, passed (the session can be completed), failed or abandoned (the
session is canceled and says why)."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from v2kit import KEY, OTHER_KEY, PLAIN_SELLER, SANDBOX_SELLER, Pay, money

from amzpay.simulator import Simulator

REVIEW = "https://shop.example/review"
RESULT = "https://shop.example/result"
PAYLOAD = json.dumps(
    {"webCheckoutDetails": {"checkoutReviewReturnUrl": REVIEW}, "storeId": "amzn1.store"}
)
V2 = "AMZN-PAY-RSASSA-PSS-V2"


def signature(payload: str, key: rsa.RSAPrivateKey = KEY, algorithm: str = V2) -> str:
    """The button signature as Amazon describes it: ``<algorithm>\\n<hex SHA-256>``."""
    text = f"{algorithm}\n{hashlib.sha256(payload.encode()).hexdigest()}"
    salt = 32 if algorithm.endswith("-V2") else 20
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=salt)
    return base64.b64encode(key.sign(text.encode(), pss, hashes.SHA256())).decode()


def press(http: httpx.Client, **changes: str) -> httpx.Response:
    fields = {
        "merchantId": SANDBOX_SELLER.seller_id,
        "publicKeyId": str(SANDBOX_SELLER.public_key_id),
        "payloadJSON": PAYLOAD,
        "signature": signature(PAYLOAD),
        "algorithm": V2,
        "sandbox": "true",
    }
    return http.post("/checkout/v2/start", data={**fields, **changes})


def session_of(answer: httpx.Response) -> str:
    return answer.headers["location"].split("/")[-2]


def at_review(http: httpx.Client, card: str = "visa", address: str = "0") -> str:
    """Button, sign-in, address and card: the session id handed back to the review URL."""
    started = press(http)
    signed_in = http.post(
        started.headers["location"],
        data={"email": "erika.mustermann@example.com", "password": "sandbox-password"},
    )
    chosen = http.post(signed_in.headers["location"], data={"address": address, "card": card})
    assert chosen.status_code == 303, chosen.text
    back = urlsplit(chosen.headers["location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == REVIEW
    return parse_qs(back.query)["amazonCheckoutSessionId"][0]


def ready(pay: Pay, session: str) -> dict[str, Any]:
    """The shop's Update: result URL, amount, Confirm."""
    return pay.ok(
        "PATCH",
        f"/v2/checkoutSessions/{session}",
        {
            "webCheckoutDetails": {"checkoutResultReturnUrl": RESULT},
            "paymentDetails": {"paymentIntent": "Confirm", "chargeAmount": money("63.89")},
        },
    )


def complete(pay: Pay, session: str) -> httpx.Response:
    body = {"chargeAmount": money("63.89")}
    return pay.post(f"/v2/checkoutSessions/{session}/complete", body)


def test_the_checkout_script_offers_render_button(v2_http):
    script = v2_http.get("/checkout.js")

    assert script.headers["content-type"].startswith("text/javascript")
    assert "renderButton" in script.text


def test_a_signed_button_makes_an_open_session_and_asks_the_buyer_to_sign_in(v2_http, pay):
    started = press(v2_http)

    assert started.status_code == 303
    assert started.headers["location"].endswith("/signin")
    session = pay.ok("GET", f"/v2/checkoutSessions/{session_of(started)}")
    assert session["statusDetails"]["state"] == "Open"
    assert session["webCheckoutDetails"]["checkoutReviewReturnUrl"] == REVIEW
    assert "Sign in" in v2_http.get(started.headers["location"]).text


def test_the_older_algorithm_verifies_too(v2_http):
    signed = signature(PAYLOAD, algorithm="AMZN-PAY-RSASSA-PSS")

    assert press(v2_http, signature=signed, algorithm="").status_code == 303


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"signature": signature(PAYLOAD, OTHER_KEY)}, "InvalidSignature"),
        ({"payloadJSON": PAYLOAD.replace("review", "elsewhere")}, "InvalidSignature"),
        ({"signature": "not base64!"}, "InvalidSignature"),
        ({"algorithm": "AMZN-PAY-RSASSA-PSS"}, "InvalidSignature"),  # signed with -V2
        ({"algorithm": "HMAC"}, "InvalidParameterValue"),
        ({"publicKeyId": "SANDBOX-UNKNOWN"}, "UnauthorizedAccess"),
        ({"merchantId": "A1SOMEONEELSE"}, "InvalidParameterValue"),
    ],
)
def test_a_button_amazon_cannot_verify_is_refused_visibly(v2_http, v2_sim, changes, code):
    refused = press(v2_http, **changes)

    assert refused.status_code == 400
    assert code in refused.text
    assert 'role="alert"' in refused.text
    assert v2_sim.v2.books.sessions == {}


def test_a_key_of_the_older_form_takes_the_environment_from_the_button(v2_http, v2_sim):
    started = press(
        v2_http,
        merchantId=PLAIN_SELLER.seller_id,
        publicKeyId=str(PLAIN_SELLER.public_key_id),
        sandbox="false",
    )

    assert started.status_code == 303
    assert v2_sim.v2.books.sessions[session_of(started)].sandbox is False


def test_a_signed_payload_amazon_refuses_is_shown_with_its_code(v2_http):
    payload = json.dumps({"webCheckoutDetails": {"checkoutReviewReturnUrl": REVIEW}})

    refused = press(v2_http, payloadJSON=payload, signature=signature(payload))

    assert refused.status_code == 400
    assert "MissingParameterValue" in refused.text


def test_a_wrong_password_shows_the_sign_in_form_again(v2_http):
    signin = press(v2_http).headers["location"]

    answer = v2_http.post(signin, data={"email": "erika.mustermann@example.com", "password": "x"})

    assert answer.status_code == 401
    assert "the e-mail or password is wrong" in answer.text


def test_choosing_before_signing_in_leads_to_the_sign_in(v2_http):
    choose = press(v2_http).headers["location"].replace("/signin", "/choose")

    answer = v2_http.post(choose, data={"address": "0", "card": "visa"})

    assert answer.status_code == 303
    assert answer.headers["location"].endswith("/signin")


def test_the_buyers_choice_is_the_sessions_buyer_address_and_card(v2_http, pay):
    session = at_review(v2_http, card="amex", address="1")

    seen = pay.ok("GET", f"/v2/checkoutSessions/{session}")

    assert seen["buyer"]["email"] == "erika.mustermann@example.com"
    assert seen["shippingAddress"]["city"] == "Berlin"
    assert seen["paymentPreferences"][0]["paymentDescriptor"] == "American Express ****0005"


def test_a_session_from_the_button_completes_only_after_the_buyer_passed_authentication(
    v2_http, pay
):
    session = at_review(v2_http)
    redirect = ready(pay, session)["webCheckoutDetails"]["amazonPayRedirectUrl"]
    early = complete(pay, session)
    step = v2_http.get(redirect)

    back = v2_http.post(redirect, data={"outcome": "pass"})

    assert (early.status_code, early.json()["reasonCode"]) == (422, "InvalidCheckoutSessionStatus")
    assert "63.89 EUR" in step.text
    assert back.headers["location"] == f"{RESULT}?amazonCheckoutSessionId={session}"
    assert complete(pay, session).json()["statusDetails"]["state"] == "Completed"


@pytest.mark.parametrize(
    ("outcome", "reason"), [("fail", "MFANotCompleted"), ("abandon", "BuyerCanceled")]
)
def test_a_failed_or_abandoned_authentication_cancels_the_session_with_its_reason(
    v2_http, pay, outcome, reason
):
    session = at_review(v2_http)
    redirect = ready(pay, session)["webCheckoutDetails"]["amazonPayRedirectUrl"]

    back = v2_http.post(redirect, data={"outcome": outcome})

    assert back.headers["location"] == f"{RESULT}?amazonCheckoutSessionId={session}"
    seen = pay.ok("GET", f"/v2/checkoutSessions/{session}")
    assert (seen["statusDetails"]["state"], seen["statusDetails"]["reasonCode"]) == (
        "Canceled",
        reason,
    )
    assert complete(pay, session).json()["reasonCode"] == "CheckoutSessionCanceled"
    assert v2_http.post(redirect, data={"outcome": "pass"}).status_code == 404


def test_the_hosted_pages_know_only_sessions_made_at_the_button(
    v2_http, checkout, v2_sim: Simulator
):
    session = checkout.session()["checkoutSessionId"]

    answer = v2_http.get(f"/checkout/v2/{session}/signin")

    assert answer.status_code == 404
    assert "ResourceNotFound" in answer.text
