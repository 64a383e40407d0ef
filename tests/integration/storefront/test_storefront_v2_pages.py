"""The demo storefront's API v2 checkout over plain HTTP, the buyer's browser played by an
HTTP client: the cart page's v2 button with its signed payload, Amazon's hosted pages (the
button's signature checked, sign-in, address and card), the review page with Amazon's
address, the payment set and confirmed at amazonPayRedirectUrl, the order placed on the
charge permission; a declined card, a failed and an abandoned authentication."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

ERIKA = "erika.mustermann@example.com"


def filled_cart(client: httpx.Client) -> None:
    for sku in ("mug", "mug", "teapot"):
        assert client.post("/shop/cart", data={"sku": sku}).status_code == 303


def button_config(client: httpx.Client) -> dict:
    page = client.get("/shop/cart").text
    found = re.search(r'<script type="application/json" id="amazon-pay-v2">(.*?)</script>', page)
    assert found is not None, "the cart page shows no v2 button"
    config: dict = json.loads(found.group(1))
    return config


def press_button(client: httpx.Client, config: dict) -> httpx.Response:
    """What checkout.js posts when the buyer presses the button."""
    signed = config["createCheckoutSessionConfig"]
    return client.post(
        "/simulator/checkout/v2/start",
        data={
            "merchantId": config["merchantId"],
            "sandbox": "true",
            "payloadJSON": signed["payloadJSON"],
            "signature": signed["signature"],
            "publicKeyId": signed["publicKeyId"],
            "algorithm": signed["algorithm"],
        },
    )


def path_of(answer: httpx.Response) -> str:
    location = urlsplit(answer.headers["location"])
    return location.path + (f"?{location.query}" if location.query else "")


def reviewed(client: httpx.Client, card: str = "visa", address: str = "1") -> str:
    """The buyer presses the button, signs in, picks an address and a card; returns the
    review page's path (with amazonCheckoutSessionId)."""
    filled_cart(client)
    started = press_button(client, button_config(client))
    assert started.status_code == 303, started.text
    signin = path_of(started)
    signed_in = client.post(signin, data={"email": ERIKA, "password": "sandbox-password"})
    assert signed_in.status_code == 303, signed_in.text
    chosen = client.post(path_of(signed_in), data={"address": address, "card": card})
    assert chosen.status_code == 303, chosen.text
    return path_of(chosen)


def confirmed(client: httpx.Client, review: str, outcome: str = "pass") -> httpx.Response:
    """Place the order on the review page, take the authentication step at Amazon with
    ``outcome``, and come back to the shop's result page; returns the result page's answer."""
    session_id = parse_qs(urlsplit(review).query)["amazonCheckoutSessionId"][0]
    placed = client.post("/shop/v2/place", data={"checkout_session_id": session_id})
    assert placed.status_code == 303, placed.text
    redirect = path_of(placed)
    assert redirect == f"/simulator/_sim/v2/checkout/{session_id}"
    assert "Confirm your payment" in client.get(redirect).text
    back = client.post(redirect, data={"outcome": outcome})
    assert back.status_code == 303, back.text
    return client.get(path_of(back))


def test_the_cart_page_shows_the_v2_button_with_a_payload_signed_for_the_review_page(store, client):
    filled_cart(client)

    config = button_config(client)

    payload = json.loads(config["createCheckoutSessionConfig"]["payloadJSON"])
    assert payload["webCheckoutDetails"]["checkoutReviewReturnUrl"] == f"{store.url}/shop/v2/review"
    assert config["merchantId"] == store.amazon.seller.seller_id
    assert config["createCheckoutSessionConfig"]["publicKeyId"] == "SANDBOX-ASTOREFRONTKEY0001"
    assert f'src="{store.url}/simulator/checkout.js"' in client.get("/shop/cart").text


def test_amazon_refuses_a_button_whose_payload_was_changed_after_signing(client):
    filled_cart(client)
    config = button_config(client)
    signed = config["createCheckoutSessionConfig"]
    signed["payloadJSON"] = signed["payloadJSON"].replace("/shop/v2/review", "/evil")

    refused = press_button(client, config)

    assert refused.status_code == 400
    assert "InvalidSignature" in refused.text
    assert 'role="alert"' in refused.text


def test_the_review_page_shows_amazons_address_and_payment_method(client):
    review = reviewed(client, card="mastercard", address="1")

    page = client.get(review).text

    assert "Friedrichstrasse 43" in page
    assert "Berlin" in page
    assert "MasterCard ****4444" in page
    assert "Erika Mustermann" in page


def test_a_buyer_who_confirms_the_payment_gets_the_order_placed_on_the_charge_permission(
    store, client
):
    review = reviewed(client)

    result = confirmed(client, review)

    assert result.status_code == 303
    reference = path_of(result).rsplit("/", 1)[1]
    order = store.app.queries.order(reference)
    assert order.order.amazon_order_reference_id.startswith("S0")  # a charge permission id
    assert order.buyer.buyer is not None
    assert order.buyer.buyer.email == ERIKA
    assert order.buyer.shipping_address is not None
    assert order.buyer.shipping_address.city == "Berlin"


def test_a_declined_card_sends_the_buyer_to_choose_another_payment_method(store, client):
    review = reviewed(client, card="*declined")

    result = confirmed(client, review)

    assert result.status_code == 409
    assert 'id="choose-another"' in result.text
    assert "choose another payment method" in result.text
    assert 'id="AmazonPayButtonV2"' in result.text  # paying again starts a new checkout


@pytest.mark.parametrize(
    ("outcome", "said"),
    [("abandon", "gave up confirming the payment"), ("fail", "did not pass the payment")],
)
def test_an_abandoned_or_failed_authentication_brings_the_buyer_back_to_the_cart(
    store, client, outcome, said
):
    review = reviewed(client)
    before = store.app.queries.orders().total

    result = confirmed(client, review, outcome)

    assert result.status_code == 409
    assert said in result.text
    assert "Your cart" in result.text
    assert store.app.queries.orders().total == before  # nothing stored
