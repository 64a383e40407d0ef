"""``/api/v1/checkout/v2`` on the in-memory store with the v2 checkout in front of the
simulator, the buyer's part played at its hosted pages: the button's signed payload, the
buyer and address, the payment, the order on the charge permission; and every endpoint's
errors (an unknown or malformed session id, an expired session, a changed amount, an
abandoned or failed authentication, a declined card, a bad API token, a malformed body)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from checkout_kit import cart
from checkout_v2_kit import (
    ERIKA,
    RESULT_URL,
    REVIEW_URL,
    V2_SELLER,
    at_amazon,
    authenticate,
    press,
    v2_app,
)

from amzpay.bootstrap import App
from amzpay.simulator import InProcessTransport
from amzpay.web.app import create_app
from shop import SimulatedAmazon, make_shop

V2 = "/api/v1/checkout/v2"
TOTAL = "93.88"  # the kit's cart: two mugs at 19.99, a tea set at 49.00, shipping 4.90
ENDPOINTS = [
    ("POST", f"{V2}/button"),
    ("GET", f"{V2}/sessions/s-1"),
    ("POST", f"{V2}/sessions/s-1/payment"),
    ("POST", f"{V2}/sessions/s-1/orders"),
]


@pytest.fixture
def amazon() -> Iterator[SimulatedAmazon]:
    made = SimulatedAmazon(V2_SELLER)
    try:
        yield made
    finally:
        made.close()


@pytest.fixture
def app(amazon: SimulatedAmazon) -> Iterator[App]:
    made = v2_app(amazon)
    try:
        yield made
    finally:
        made.close()


@pytest.fixture
def api(app: App) -> Iterator[httpx.Client]:
    secret = app.access.add_api_token("storefront")
    with httpx.Client(
        transport=InProcessTransport(create_app(app)),
        base_url="http://amzpay.test",
        headers={"Authorization": f"Bearer {secret}"},
    ) as client:
        yield client


def error_of(answer: httpx.Response) -> tuple[int, str, str | None]:
    error = answer.json()["error"]
    assert error["message"]
    return answer.status_code, error["code"], error["field"]


def button(api: httpx.Client) -> dict[str, Any]:
    answer = api.post(f"{V2}/button", json={"review_return_url": REVIEW_URL})
    assert answer.status_code == 200, answer.text
    config: dict[str, Any] = answer.json()
    return config


def reviewed(api: httpx.Client, amazon: SimulatedAmazon, card: str = "visa") -> str:
    return at_amazon(amazon, button(api), card)


def paid(
    api: httpx.Client, session: str, reference: str = "SHOP-2001", **changes: Any
) -> dict[str, Any]:
    body = {**cart(reference=reference, **changes), "result_return_url": RESULT_URL}
    answer = api.post(f"{V2}/sessions/{session}/payment", json=body)
    assert answer.status_code == 200, answer.text
    seen: dict[str, Any] = answer.json()
    return seen


def confirmed(
    api: httpx.Client, amazon: SimulatedAmazon, card: str = "visa", outcome: str = "pass"
) -> str:
    """A session reviewed, its payment set for order SHOP-2001, confirmed with ``outcome``."""
    session = reviewed(api, amazon, card)
    authenticate(amazon, paid(api, session)["amazon_pay_redirect_url"], outcome)
    return session


def place(api: httpx.Client, session: str, reference: str = "SHOP-2001", **changes: Any):
    return api.post(f"{V2}/sessions/{session}/orders", json=cart(reference=reference, **changes))


def test_the_button_holds_checkout_js_settings_and_a_payload_signed_for_the_review_url(api):
    config = button(api)

    assert config["merchant_id"] == V2_SELLER.seller_id
    assert config["checkout_js_url"] == "http://sim.test/checkout.js"
    assert (config["ledger_currency"], config["sandbox"]) == ("EUR", True)
    signed = config["create_checkout_session_config"]
    assert signed["publicKeyId"] == V2_SELLER.public_key_id
    assert signed["algorithm"] == "AMZN-PAY-RSASSA-PSS-V2"
    payload = json.loads(signed["payloadJSON"])
    assert payload["webCheckoutDetails"] == {"checkoutReviewReturnUrl": REVIEW_URL}
    assert payload["storeId"] == V2_SELLER.client_id


def test_amazon_takes_the_signed_button_and_refuses_it_with_another_payload(api, amazon):
    config = button(api)
    assert press(amazon, config).status_code == 303

    config["create_checkout_session_config"]["payloadJSON"] += " "
    refused = press(amazon, config)

    assert refused.status_code == 400
    assert "InvalidSignature" in refused.text


def test_the_session_shows_the_buyer_the_address_and_the_payment_method(api, amazon):
    session = at_amazon(amazon, button(api), "mastercard", address=1)

    seen = api.get(f"{V2}/sessions/{session}").json()

    assert seen["state"] == "open"
    assert seen["buyer"] == {"name": "Erika Mustermann", "email": ERIKA, "phone": "+49 221 1234567"}
    assert seen["shipping_address"]["lines"] == ["Friedrichstrasse 43"]
    assert seen["shipping_address"]["city"] == "Berlin"
    assert seen["payment_descriptor"] == "MasterCard ****4444"
    assert seen["amazon_pay_redirect_url"] is None  # no amount yet


def test_the_payment_sets_the_total_and_order_id_and_answers_where_the_buyer_confirms(api, amazon):
    session = reviewed(api, amazon)

    seen = paid(api, session)

    assert seen["charge_amount"] == {"amount": TOTAL, "minor": 9388, "currency": "EUR"}
    assert seen["reference"] == "SHOP-2001"
    assert seen["amazon_pay_redirect_url"] == f"http://sim.test/_sim/v2/checkout/{session}"


def test_placing_a_confirmed_checkout_stores_a_v2_order_on_the_charge_permission(api, amazon):
    session = confirmed(api, amazon)

    answer = place(api, session)

    assert answer.status_code == 201, answer.text
    order = answer.json()
    permission = amazon.sim.v2.books.sessions[session].charge_permission_id
    assert (order["api"], order["amazon_order_reference_id"]) == ("v2", permission)
    assert order["buyer"]["email"] == ERIKA
    assert order["shipping_address"]["city"] == "Koeln"
    assert amazon.sim.v2.books.permissions[permission].status.state == "Chargeable"


def test_the_placed_checkouts_process_authorizes_it_through_api_v2(app, api, amazon):
    place(api, confirmed(api, amazon))

    app.worker("test").run_once()

    order = api.get("/api/v1/orders/SHOP-2001").json()
    [authorization] = [p for p in order["payments"] if p["kind"] == "authorization"]
    assert authorization["state"] in {"open", "pending"}
    assert order["process"] == "amazon-pay-v2"
    assert {item["state"] for item in order["items"]} <= {"authorized", "authorization initiated"}
    charge = amazon.sim.v2.books.charges[authorization["amazon_id"]]
    assert charge.charge_permission_id == order["amazon_order_reference_id"]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_every_endpoint_refuses_a_request_without_a_valid_api_token(api, method, path):
    answer = api.request(method, path, headers={"Authorization": "Bearer nope"}, json={})

    assert error_of(answer)[:2] == (401, "invalid_token")


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_every_endpoint_says_when_no_api_v2_key_is_configured(method, path):
    bodies = {
        "button": {"review_return_url": REVIEW_URL},
        "payment": {**cart(), "result_return_url": RESULT_URL},
        "orders": cart(),
    }
    with make_shop(None) as shop, _api(shop.app) as client:
        answer = client.request(method, path, json=bodies.get(path.rsplit("/", 1)[1]))

    assert error_of(answer)[:2] == (503, "amazon_v2_not_configured")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "review_return_url"),
        ({"review_return_url": "javascript:alert(1)"}, "review_return_url"),
    ],
)
def test_a_malformed_button_request_names_the_field(api, body, field):
    assert error_of(api.post(f"{V2}/button", json=body)) == (422, "invalid_value", field)


@pytest.mark.parametrize(
    ("method", "suffix"), [("GET", ""), ("POST", "/payment"), ("POST", "/orders")]
)
def test_an_unknown_session_is_not_found(api, method, suffix):
    body = None if method == "GET" else {**cart(), "result_return_url": RESULT_URL}
    if suffix == "/orders":
        body = cart()
    answer = api.request(method, f"{V2}/sessions/a1b2c3-unknown{suffix}", json=body)

    assert error_of(answer) == (404, "checkout_session_not_found", "checkout_session_id")


def test_a_malformed_session_id_is_refused_before_amazon_is_asked(api, amazon):
    answer = api.get(f"{V2}/sessions/{'x' * 101}")

    assert error_of(answer)[:2] == (422, "invalid_value")
    assert amazon.sim.calls == []


def test_a_malformed_cart_names_the_field_and_leaves_the_session_as_it_was(api, amazon):
    session = reviewed(api, amazon)
    body = {**cart(), "result_return_url": RESULT_URL}
    body["lines"][0]["unit_price"] = "19,99"

    answer = api.post(f"{V2}/sessions/{session}/payment", json=body)

    assert error_of(answer)[:2] == (422, "invalid_value")
    assert api.get(f"{V2}/sessions/{session}").json()["charge_amount"] is None


def test_an_expired_session_is_gone(api, amazon):
    session = reviewed(api, amazon)
    amazon.advance(24 * 3600 + 1)

    for answer in (
        api.post(
            f"{V2}/sessions/{session}/payment", json={**cart(), "result_return_url": RESULT_URL}
        ),
        place(api, session),
    ):
        status, code, field = error_of(answer)
        assert (status, code, field) == (410, "checkout_session_expired", "checkout_session_id")
        assert "Expired" in answer.json()["error"]["message"]


def test_a_cart_whose_total_changed_after_the_buyer_confirmed_is_refused(app, api, amazon):
    session = confirmed(api, amazon)

    answer = place(api, session, lines=[{**cart()["lines"][0], "quantity": 3}])

    assert error_of(answer) == (409, "amount_changed", "lines")
    assert "93.88 EUR" in answer.json()["error"]["message"]
    assert amazon.sim.v2.books.sessions[session].status.state == "Open"  # not completed
    assert app.queries.orders().total == 0


def test_another_order_id_than_the_one_set_is_refused(api, amazon):
    session = confirmed(api, amazon)

    assert error_of(place(api, session, reference="SHOP-OTHER")) == (
        409,
        "reference_changed",
        "reference",
    )


@pytest.mark.parametrize(
    ("outcome", "card", "code"),
    [
        ("abandon", "visa", "buyer_abandoned"),
        ("fail", "visa", "authentication_failed"),
        ("pass", "*declined", "payment_method_declined"),
    ],
)
def test_a_checkout_the_buyer_did_not_complete_names_why_and_stores_nothing(
    app, api, amazon, outcome, card, code
):
    session = confirmed(api, amazon, card, outcome)

    answer = place(api, session)

    assert error_of(answer) == (409, code, "checkout_session_id")
    assert app.queries.orders().total == 0


def test_a_payment_the_buyer_has_not_confirmed_yet_cannot_be_placed(api, amazon):
    session = reviewed(api, amazon)
    paid(api, session)

    assert error_of(place(api, session)) == (409, "payment_not_confirmed", "checkout_session_id")


def test_a_placed_checkout_cannot_be_placed_again(api, amazon):
    session = confirmed(api, amazon)
    assert place(api, session).status_code == 201

    assert error_of(place(api, session))[:2] == (409, "checkout_session_completed")


def _api(app: App) -> httpx.Client:
    secret = app.access.add_api_token("storefront")
    return httpx.Client(
        transport=InProcessTransport(create_app(app)),
        base_url="http://amzpay.test",
        headers={"Authorization": f"Bearer {secret}"},
    )


def test_a_session_the_buyer_has_not_finished_at_amazon_takes_no_payment_and_no_order(
    app, api, amazon
):
    started = press(amazon, button(api))  # the button pressed, nobody signed in
    session = started.headers["location"].split("/")[-2]
    body = {**cart(reference="SHOP-2001"), "result_return_url": RESULT_URL}

    payment = api.post(f"{V2}/sessions/{session}/payment", json=body)
    order = place(api, session)

    assert error_of(payment) == (409, "constraints_exist", "checkout_session_id")
    assert error_of(order) == (409, "constraints_exist", "checkout_session_id")
    assert app.queries.orders().total == 0


def test_buyer_data_never_reaches_the_call_log_the_history_or_the_logs(app, api, amazon, caplog):
    caplog.set_level(logging.DEBUG)
    session = confirmed(api, amazon)
    order = place(api, session).json()["reference"]

    with app.database.read() as tx:
        calls = [row.call for row in tx.tables.calls.values()]  # every call, linked or not
    assert {call.operation for call in calls} >= {
        "GetCheckoutSession",
        "UpdateCheckoutSession",
        "CompleteCheckoutSession",
    }
    written = [repr(calls), repr(app.queries.history(order)), caplog.text]
    for secret in (ERIKA, "Erika Mustermann", "Heidestrasse", "Koeln", RESULT_URL):
        assert not [text for text in written if secret in text]
