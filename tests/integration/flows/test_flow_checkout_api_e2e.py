"""The storefront's checkout end to end: amzpay's checkout API with the real gateway against
the in-process simulator (a buyer signed in with a sandbox test account, the order reference
the widgets make), on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest
from checkout_kit import TOTAL_MINOR, cart

from amzpay.mail.sink import SmtpSink
from shop import AUTHORIZATION_OPENS, Shop, api_client, shop_on

ERIKA = "erika.mustermann@example.com"
TOKEN_LIFETIME = 3600  # seconds: Login with Amazon's access token


@pytest.fixture
def shop(database_url: str, sink: SmtpSink) -> Iterator[Shop]:
    with shop_on(database_url, sink) as made:
        yield made


@pytest.fixture
def api(shop: Shop) -> Iterator[httpx.Client]:
    with api_client(shop) as client:
        yield client


def signed_in(shop: Shop, payment_method: str = "visa") -> tuple[str, str]:
    """Erika's Draft order reference (as the address book widget makes it) and her token."""
    order_reference = shop.amazon.sim.create_order_reference(payment_method=payment_method)
    return order_reference, shop.amazon.sim.sign_in(ERIKA)


def place(api: httpx.Client, order_reference: str, token: str, **changes) -> httpx.Response:
    body = {"amazon_order_reference_id": order_reference, "consent_token": token}
    return api.post("/api/v1/checkout/orders", json=body | cart(**changes))


def error_code(answer: httpx.Response) -> tuple[int, str]:
    return answer.status_code, answer.json()["error"]["code"]


def test_a_placed_order_is_confirmed_at_amazon_stored_with_the_buyer_and_authorized(shop, api):
    order_reference, token = signed_in(shop)

    seen = api.post(
        "/api/v1/checkout/details",
        json={"amazon_order_reference_id": order_reference, "consent_token": token},
    ).json()
    placed = place(api, order_reference, token, reference="E2E-1")
    shop.work()
    shop.later(AUTHORIZATION_OPENS)
    order = api.get("/api/v1/orders/E2E-1").json()

    assert (seen["state"], seen["buyer"]["email"]) == ("draft", ERIKA)
    assert seen["shipping_address"]["city"] == "Koeln"
    assert placed.status_code == 201
    assert (order["buyer"]["name"], order["buyer"]["email"]) == ("Erika Mustermann", ERIKA)
    assert order["shipping_address"]["lines"] == ["Heidestrasse 17"]
    assert order["money"]["authorized"]["minor"] == TOTAL_MINOR
    at_amazon = shop.app.gateway.order_reference_details(order_reference)
    assert at_amazon.state.value == "open"
    assert at_amazon.amount is not None
    assert at_amazon.amount.minor == TOTAL_MINOR


def test_an_expired_consent_token_is_refused_and_nothing_is_stored(shop, api):
    order_reference, token = signed_in(shop)
    shop.amazon.advance(TOKEN_LIFETIME + 1)

    answer = place(api, order_reference, token, reference="E2E-LATE")

    assert error_code(answer) == (422, "consent_token_invalid")
    assert api.get("/api/v1/orders/E2E-LATE").status_code == 404


def test_an_unknown_order_reference_is_not_found(shop, api):
    _, token = signed_in(shop)

    answer = place(api, "S01-0000000-0000000", token)

    assert error_code(answer) == (404, "order_reference_not_found")


def test_an_order_reference_placed_already_is_not_draft(shop, api):
    order_reference, token = signed_in(shop)
    place(api, order_reference, token)

    assert error_code(place(api, order_reference, token)) == (409, "order_reference_not_draft")


def test_a_payment_method_the_seller_may_not_take_asks_the_buyer_for_another(shop, api):
    order_reference, token = signed_in(shop, "*not-allowed")

    answer = place(api, order_reference, token, reference="E2E-DECLINED")

    assert error_code(answer) == (409, "payment_method_declined")
    assert api.get("/api/v1/orders/E2E-DECLINED").status_code == 404


def test_an_amount_above_amazons_maximum_is_refused_and_nothing_is_stored(shop, api):
    order_reference, token = signed_in(shop)
    dear = cart(reference="E2E-DEAR")
    dear["lines"][0]["unit_price"] = "200000.00"
    body = {"amazon_order_reference_id": order_reference, "consent_token": token}

    answer = api.post("/api/v1/checkout/orders", json=body | dear)

    assert error_code(answer) == (422, "amount_refused")
    assert "TransactionAmountExceeded" in answer.json()["error"]["message"]
    assert api.get("/api/v1/orders/E2E-DEAR").status_code == 404


def test_the_buyer_and_address_never_reach_the_call_log_the_history_or_the_logs(shop, api, caplog):
    caplog.set_level(logging.DEBUG)
    order_reference, token = signed_in(shop)
    place(api, order_reference, token, reference="E2E-QUIET")
    shop.work()
    shop.later(AUTHORIZATION_OPENS)

    with shop.app.database.read() as tx:
        calls = tx.api_calls("E2E-QUIET")
    assert {"SetOrderReferenceDetails", "ConfirmOrderReference", "Authorize"} <= {
        call.operation for call in calls
    }
    written = [repr(calls), repr(shop.app.queries.history("E2E-QUIET")), caplog.text]
    for secret in (token, ERIKA, "Erika Mustermann", "Heidestrasse", "Koeln"):
        assert not [text for text in written if secret in text], secret
