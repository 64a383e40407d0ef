"""The buyer's pages for the legacy API: the widgets script, the sign-in page with the
sandbox test accounts, the address book and the wallet, leaving a Draft order reference with
the buyer's choices (amazonpay-api.md part A, §A.11)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
from simkit import SELLER, Amazon, text
from widgetkit import (
    CLIENT_ID,
    ERIKA,
    JOHN,
    ORIGIN,
    SCOPE,
    choose,
    kinds,
    messages,
    open_address_book,
    sign_in,
    token_of,
    widget_fields,
)

from amzpay.simulator import ManualClock, Simulator

TOTAL = {
    "OrderReferenceAttributes.OrderTotal.Amount": "42.00",
    "OrderReferenceAttributes.OrderTotal.CurrencyCode": "EUR",
}


def test_the_widgets_script_is_served_at_amazons_sandbox_and_live_paths(http: httpx.Client):
    sandbox = http.get("/OffAmazonPayments/de/sandbox/lpa/js/Widgets.js", params={"sellerId": "X"})
    live = http.get("/OffAmazonPayments/de/lpa/js/Widgets.js")

    assert sandbox.status_code == live.status_code == 200
    assert sandbox.headers["content-type"].startswith("text/javascript")
    for name in ("OffAmazonPayments", "onOrderReferenceCreate", "onAddressSelect"):
        assert name in sandbox.text
    assert "onPaymentSelect" in sandbox.text
    assert "amazon_Login_accessToken" in sandbox.text


def test_the_sign_in_page_lists_the_sandbox_test_accounts(http: httpx.Client):
    page = http.get("/ap/signin", params={"client_id": CLIENT_ID, "scope": SCOPE, "origin": ORIGIN})

    assert page.status_code == 200
    assert ERIKA in page.text
    assert JOHN in page.text
    assert 'name="password"' in page.text


def test_a_button_of_an_unknown_client_id_gets_no_sign_in_page(http: httpx.Client):
    page = http.get("/ap/signin", params={"client_id": "someone-else", "origin": ORIGIN})

    assert page.status_code == 400
    assert "InvalidClientId" in page.text


def test_a_wrong_password_shows_the_form_again_and_hands_out_no_token(http: httpx.Client):
    page = sign_in(http, password="guess")

    assert page.status_code == 401
    assert "e-mail or password is wrong" in page.text
    assert "amazon-messages" not in page.text


def test_signing_in_in_the_popup_hands_the_token_to_the_shops_origin_only(
    http: httpx.Client, sim: Simulator
):
    page = sign_in(http)

    posted = messages(page)
    assert posted["origin"] == ORIGIN
    login = posted["messages"][0]
    assert login["type"] == "login"
    assert login["token_type"] == "bearer"
    assert login["expires_in"] == "3600"
    assert login["scope"] == SCOPE
    assert login["access_token"].startswith("Atza|")
    assert sim.ledger.logins.of(login["access_token"], sim.clock.now()) is not None


def test_signing_in_without_a_popup_returns_to_the_shop_with_the_token_in_the_url(
    http: httpx.Client,
):
    answer = http.post(
        "/ap/signin",
        data={
            "client_id": CLIENT_ID,
            "scope": SCOPE,
            "redirect_uri": "https://shop.example/checkout?step=2",
            "email": ERIKA,
            "password": "sandbox-password",
        },
    )

    assert answer.status_code == 303
    target = urlsplit(answer.headers["location"])
    query = parse_qs(target.query)
    assert target.netloc == "shop.example"
    assert target.path == "/checkout"
    assert query["step"] == ["2"]
    assert query["access_token"][0].startswith("Atza|")


def test_the_address_book_creates_a_draft_order_reference_for_the_buyer(
    http: httpx.Client, sim: Simulator
):
    order_id, page = open_address_book(http, token_of(http))

    assert kinds(page) == ["orderReferenceCreate", "addressSelect", "ready"]
    order = sim.ledger.orders[order_id]
    assert order.status.state == "Draft"
    assert order.seller_id == SELLER.seller_id
    assert order.buyer.email == ERIKA
    assert order.buyer.address.city == "Koeln"
    assert "Friedrichstrasse 43" in page.text  # the second entry of the address book


def test_choosing_an_address_and_a_declining_card_leaves_them_on_the_draft(
    http: httpx.Client, sim: Simulator
):
    token = token_of(http)
    order_id, _ = open_address_book(http, token)

    choose(http, "address-book", token, order_id, address="1")
    wallet = http.get("/widgets/wallet", params=widget_fields(token, order_id))
    choose(http, "wallet", token, order_id, payment_method="*amazon-rejected")

    assert kinds(wallet) == ["paymentSelect", "ready"]
    assert "AmazonRejected" in wallet.text
    assert "InvalidPaymentMethod" in wallet.text
    order = sim.ledger.orders[order_id]
    assert order.status.state == "Draft"
    assert order.buyer.address.city == "Berlin"
    assert order.buyer.payment_method == "*amazon-rejected"


def test_the_chosen_card_declines_the_authorization_after_confirmation(
    http: httpx.Client, amazon: Amazon
):
    token = token_of(http)
    order_id, _ = open_address_book(http, token)
    choose(http, "wallet", token, order_id, payment_method="*amazon-rejected")

    amazon.ok("SetOrderReferenceDetails", AmazonOrderReferenceId=order_id, **TOTAL)
    amazon.ok("ConfirmOrderReference", AmazonOrderReferenceId=order_id)
    result = amazon.ok(
        "Authorize",
        AmazonOrderReferenceId=order_id,
        AuthorizationReferenceId="auth-1",
        TransactionTimeout="0",
        **{"AuthorizationAmount.Amount": "42.00", "AuthorizationAmount.CurrencyCode": "EUR"},
    )

    assert text(result, "AuthorizationDetails/AuthorizationStatus/State") == "Declined"
    assert text(result, "AuthorizationDetails/AuthorizationStatus/ReasonCode") == "AmazonRejected"


def test_a_payment_method_the_seller_may_not_accept_blocks_confirmation(
    http: httpx.Client, amazon: Amazon
):
    token = token_of(http)
    order_id, _ = open_address_book(http, token)
    choose(http, "wallet", token, order_id, payment_method="*not-allowed")
    amazon.ok("SetOrderReferenceDetails", AmazonOrderReferenceId=order_id, **TOTAL)

    status, code = amazon.error("ConfirmOrderReference", AmazonOrderReferenceId=order_id)

    assert (status, code) == (400, "ConstraintsExist")


def test_a_widget_after_the_token_expired_reports_the_session_expired_to_the_page(
    http: httpx.Client, clock: ManualClock
):
    token = token_of(http)
    clock.advance(3601)

    page = http.get("/widgets/address-book", params=widget_fields(token))

    assert page.status_code == 401
    error = messages(page)["messages"][0]
    assert (error["type"], error["code"]) == ("error", "BuyerSessionExpired")


def test_another_buyer_cannot_choose_for_an_order_reference(http: httpx.Client, sim: Simulator):
    order_id, _ = open_address_book(http, token_of(http))
    other = token_of(http, JOHN)

    answer = http.post(
        "/widgets/wallet", data=widget_fields(other, order_id) | {"payment_method": "visa"}
    )

    assert answer.status_code == 403
    assert messages(answer)["messages"][0]["code"] == "BuyerNotAssociated"
    assert sim.ledger.orders[order_id].buyer.payment_method == "visa"


def test_a_choice_outside_the_wallet_or_the_address_book_is_refused(http: httpx.Client):
    token = token_of(http)
    order_id, _ = open_address_book(http, token)

    card = http.post(
        "/widgets/wallet", data=widget_fields(token, order_id) | {"payment_method": "amex"}
    )
    address = http.post(
        "/widgets/address-book", data=widget_fields(token, order_id) | {"address": "7"}
    )

    assert card.status_code == address.status_code == 400
    assert "There is no payment method amex" in card.text
    assert "There is no address 7" in address.text


def test_a_widget_answers_only_an_origin_it_can_post_to(http: httpx.Client):
    fields = widget_fields(token_of(http)) | {"origin": "*"}

    page = http.get("/widgets/address-book", params=fields)

    assert page.status_code == 400
    assert "amazon-messages" not in page.text


def test_the_read_only_wallet_shows_the_choice_without_a_form(http: httpx.Client):
    token = token_of(http)
    order_id, _ = open_address_book(http, token)
    choose(http, "wallet", token, order_id, payment_method="mastercard")

    page = http.get(
        "/widgets/wallet", params=widget_fields(token, order_id) | {"displayMode": "Read"}
    )

    assert "MasterCard ending in 44" in page.text
    assert "<form" not in page.text
    assert "Visa ending in 11" not in page.text
    assert kinds(page) == ["ready"]


def test_the_live_widgets_make_a_live_order_reference(http: httpx.Client, sim: Simulator):
    fields = widget_fields(token_of(http)) | {"environment": "live"}

    page = http.get("/widgets/address-book", params=fields)

    order_id = messages(page)["messages"][0]["amazonOrderReferenceId"]
    assert order_id.startswith("P01-")
    assert sim.ledger.orders[order_id].sandbox is False
