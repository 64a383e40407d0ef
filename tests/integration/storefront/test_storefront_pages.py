"""The demo storefront over plain HTTP: products into a cookie cart, the cart page's button,
Amazon's address for the review page, placing the order through amzpay's checkout (then in
the back office's REST order with buyer and address), and a declined payment method that
sends the buyer back to choose another."""

from __future__ import annotations

import re

import pytest

from shop import AUTHORIZATION_OPENS

ERIKA = "erika.mustermann@example.com"


def filled_cart(client) -> None:
    for sku in ("mug", "mug", "teapot"):
        assert client.post("/shop/cart", data={"sku": sku}).status_code == 303


def checkout_fields(store, payment_method: str = "visa") -> dict[str, str]:
    """What the review page's form holds once the widgets made the order reference."""
    return {
        "amazon_order_reference_id": store.amazon.sim.create_order_reference(
            payment_method=payment_method
        ),
        "consent_token": store.amazon.sim.sign_in(ERIKA),
    }


def test_the_products_page_offers_each_product(client):
    page = client.get("/shop").text

    assert re.findall(r'data-product="([^"]+)"', page) == ["mug", "teapot", "tea"]


def test_the_cart_keeps_what_was_added_and_shows_the_button_with_the_widgets_script(store, client):
    filled_cart(client)

    page = client.get("/shop/cart").text

    assert re.findall(r'<tr data-line="([^"]+)"><td>[^<]+</td><td class="num">(\d+)', page) == [
        ("mug", "2"),
        ("teapot", "1"),
    ]
    assert '<th class="num" id="total">83.88 EUR</th>' in page  # 2 x 19.99 + 39.00 + 4.90
    assert 'id="AmazonPayButton"' in page
    assert f'src="{store.url}/simulator/OffAmazonPayments/de/sandbox/lpa/js/Widgets.js' in page
    assert 'data-client-id="amzn1.application-oa2-client.simulator"' in page


@pytest.mark.parametrize("kept", ["mug=99", "unknown=1", "mug=-1&tea=x"])
def test_a_tampered_cart_cookie_gives_an_empty_cart(store, kept):
    with store.client() as client:
        client.cookies.set("shop_cart", kept, path="/shop")
        page = client.get("/shop/cart").text

    assert "Your cart is empty" in page


def test_the_review_page_reads_amazons_address_and_payment_method(store, client):
    answer = client.post("/shop/details", data=checkout_fields(store))

    seen = answer.json()
    assert {k: v for k, v in seen.items() if k != "payment"} == {
        "name": "Erika Mustermann",
        "lines": ["Heidestrasse 17"],
        "postal_code": "51147",
        "city": "Koeln",
        "country_code": "DE",
    }
    assert "Visa" in seen["payment"]


def test_an_expired_consent_token_gives_the_review_page_an_error(store, client):
    fields = checkout_fields(store) | {"consent_token": "Atza|unknown"}

    answer = client.post("/shop/details", data=fields)

    assert answer.status_code == 409
    assert "consent token" in answer.json()["error"]


def test_placing_the_order_thanks_the_buyer_and_the_order_is_stored_with_buyer_and_address(
    store, client
):
    filled_cart(client)

    placed = client.post("/shop/place", data=checkout_fields(store))
    reference = placed.headers["location"].rsplit("/", 1)[-1]
    thanks = client.get(placed.headers["location"]).text
    store.work()
    store.later(AUTHORIZATION_OPENS)

    assert placed.status_code == 303
    assert f'<strong id="order-reference">{reference}</strong>' in thanks
    detail = store.app.queries.order(reference)
    assert detail.buyer.buyer is not None
    assert detail.buyer.buyer.email == ERIKA
    assert detail.buyer.shipping_address is not None
    assert detail.buyer.shipping_address.city == "Koeln"
    assert [(i.sku, i.name) for i in detail.order.items] == [
        ("mug", "Mug"),
        ("mug", "Mug"),
        ("teapot", "Teapot"),
    ]
    assert store.app.ledger.money_summary(reference).authorized.minor == 8388
    assert "Your cart is empty" in client.get("/shop/cart").text


def test_a_declined_payment_method_asks_the_buyer_to_choose_another(store, client):
    filled_cart(client)
    fields = checkout_fields(store, "*not-allowed")

    answer = client.post("/shop/place", data=fields)

    assert answer.status_code == 409
    assert 'id="choose-another"' in answer.text
    assert "choose another payment method" in answer.text
    assert f'value="{fields["amazon_order_reference_id"]}"' in answer.text  # the same order


def test_placing_with_an_empty_cart_places_nothing(store):
    with store.client() as client:
        answer = client.post("/shop/place", data=checkout_fields(store))

    assert answer.status_code == 409
    assert "Your cart is empty" in answer.text
