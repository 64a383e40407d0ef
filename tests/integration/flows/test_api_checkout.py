"""``/api/v1/checkout`` on the in-memory store with the fake Amazon: the button's settings,
the buyer and address, placing the order, and every endpoint's errors (a consent token Amazon
does not take, an unknown order reference, a bad API token, a malformed body)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from checkout_kit import TOTAL_MINOR, cart, signed_in

from amzpay.simulator import InProcessTransport
from amzpay.web.app import create_app
from shop import FakeShop, api_client, make_shop

ENDPOINTS = [
    ("GET", "/api/v1/checkout/button"),
    ("POST", "/api/v1/checkout/details"),
    ("POST", "/api/v1/checkout/orders"),
]


@pytest.fixture
def api(shop: FakeShop) -> Iterator[httpx.Client]:
    with api_client(shop) as client:
        yield client


def error_of(answer: httpx.Response) -> tuple[int, str, str | None]:
    error = answer.json()["error"]
    assert error["message"]
    return answer.status_code, error["code"], error["field"]


def place_body(order_reference: str, token: str, **changes) -> dict:
    return {"amazon_order_reference_id": order_reference, "consent_token": token, **cart(**changes)}


def test_the_button_settings_name_the_seller_the_client_and_the_widgets_script():
    environ = {
        "AMZPAY_AMAZON__SELLER_ID": "A1SHOPSELLER",
        "AMZPAY_AMAZON__CLIENT_ID": "amzn1.application-oa2-client.shop",
        "AMZPAY_AMAZON__REGION": "uk",
    }
    with make_shop(None, environ=environ) as shop, api_client(shop) as api:
        answer = api.get("/api/v1/checkout/button")

    assert answer.json() == {
        "seller_id": "A1SHOPSELLER",
        "client_id": "amzn1.application-oa2-client.shop",
        "widgets_url": "https://static-eu.payments-amazon.com/OffAmazonPayments/gbp/sandbox/lpa/js/Widgets.js",
        "sandbox": True,
    }


def test_a_configured_widgets_script_is_the_one_the_button_loads():
    environ = {"AMZPAY_AMAZON__WIDGETS_URL": "http://127.0.0.1:8000/simulator/Widgets.js"}
    with make_shop(None, environ=environ) as shop, api_client(shop) as api:
        answer = api.get("/api/v1/checkout/button")

    assert answer.json()["widgets_url"] == "http://127.0.0.1:8000/simulator/Widgets.js"


def test_the_details_show_the_buyer_and_the_shipping_address(shop, api):
    order_reference, token = signed_in(shop, "S02-2000001-2000001")

    answer = api.post(
        "/api/v1/checkout/details",
        json={"amazon_order_reference_id": order_reference, "consent_token": token},
    )

    assert answer.status_code == 200
    assert answer.json() == {
        "amazon_order_reference_id": order_reference,
        "state": "draft",
        "buyer": {
            "name": "Erika Mustermann",
            "email": "erika.mustermann@example.com",
            "phone": None,
        },
        "shipping_address": {
            "name": "Erika Mustermann",
            "lines": ["Heidestraße 17"],
            "city": "Berlin",
            "postal_code": "10557",
            "region": None,
            "country_code": "DE",
            "phone": None,
        },
        "payment_descriptor": "Visa ****1111",
    }


def test_placing_the_order_answers_the_stored_order_with_buyer_and_address(shop, api):
    order_reference, token = signed_in(shop, "S02-2000002-2000002")

    answer = api.post(
        "/api/v1/checkout/orders", json=place_body(order_reference, token, reference="WEB-1")
    )
    shop.work()
    read = api.get("/api/v1/orders/WEB-1").json()

    assert answer.status_code == 201
    assert answer.json()["reference"] == "WEB-1"
    assert read["total"]["minor"] == TOTAL_MINOR
    assert read["customer_email"] == "erika.mustermann@example.com"
    assert read["buyer"]["name"] == "Erika Mustermann"
    assert read["shipping_address"]["city"] == "Berlin"
    assert {item["state"] for item in read["items"]} == {"auth open"}


def body_for(path: str, order_reference: str, token: str) -> dict:
    if path.endswith("/orders"):
        return place_body(order_reference, token)
    return {"amazon_order_reference_id": order_reference, "consent_token": token}


@pytest.mark.parametrize("path", ["/api/v1/checkout/details", "/api/v1/checkout/orders"])
def test_a_consent_token_amazon_does_not_take_is_named(shop, api, path):
    order_reference, _ = signed_in(shop, "S02-2000003-2000003")

    answer = api.post(path, json=body_for(path, order_reference, "Atza|expired"))

    assert error_of(answer) == (422, "consent_token_invalid", "consent_token")


@pytest.mark.parametrize("path", ["/api/v1/checkout/details", "/api/v1/checkout/orders"])
def test_an_unknown_order_reference_is_not_found(api, path):
    answer = api.post(path, json=body_for(path, "S02-9999999-9999999", "Atza|x"))

    assert error_of(answer) == (404, "order_reference_not_found", "amazon_order_reference_id")


def test_an_order_reference_placed_already_is_a_conflict(shop, api):
    order_reference, token = signed_in(shop, "S02-2000004-2000004")
    api.post("/api/v1/checkout/orders", json=place_body(order_reference, token))

    again = api.post("/api/v1/checkout/orders", json=place_body(order_reference, token))

    assert error_of(again) == (409, "order_reference_not_draft", "amazon_order_reference_id")


def test_a_declined_payment_method_tells_the_storefront_to_let_the_buyer_choose_again(shop, api):
    order_reference, token = signed_in(shop, "S02-2000005-2000005", "*not-allowed")

    answer = api.post("/api/v1/checkout/orders", json=place_body(order_reference, token))

    assert error_of(answer)[:2] == (409, "payment_method_declined")
    assert "choose another" in answer.json()["error"]["message"]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_every_endpoint_needs_a_live_api_token(shop, method, path):
    client = httpx.Client(
        transport=InProcessTransport(create_app(shop.app)),
        base_url="http://amzpay.test",
        headers={"Authorization": "Bearer not-a-token"},
    )
    with client:
        answer = client.request(method, path, json={})

    assert answer.status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"consent_token": "Atza|x"}, "amazon_order_reference_id"),
        ({"amazon_order_reference_id": "S02-1", "consent_token": ""}, "consent_token"),
        ({"amazon_order_reference_id": "S02-1", "consent_token": "x", "extra": 1}, "extra"),
    ],
)
def test_a_malformed_details_request_names_the_field(api, body, field):
    answer = api.post("/api/v1/checkout/details", json=body)

    assert error_of(answer)[::2] == (422, field)


def test_a_malformed_cart_names_the_field_and_amazon_is_not_asked(shop, api):
    order_reference, token = signed_in(shop, "S02-2000006-2000006")
    body = place_body(order_reference, token)
    body["lines"][0]["unit_price"] = "19,99"

    answer = api.post("/api/v1/checkout/orders", json=body)

    assert error_of(answer)[0] == 422
    assert "lines" in (error_of(answer)[2] or "")
    assert shop.amazon.calls["set order reference details", order_reference] == 0


def test_a_body_that_is_not_json_is_refused(api):
    answer = api.post(
        "/api/v1/checkout/orders", content=b"{nope", headers={"Content-Type": "application/json"}
    )

    assert error_of(answer)[:2] == (422, "invalid_json")


def test_the_openapi_description_holds_the_checkout(api):
    paths = api.get("/openapi.json").json()["paths"]

    assert {
        "/api/v1/checkout/button",
        "/api/v1/checkout/details",
        "/api/v1/checkout/orders",
    } <= set(paths)
