"""The checkout service on the in-memory store with the fake Amazon: the buyer and address
read with the consent token, the order placed (total and order id to Amazon, confirmed,
stored with the buyer and address, authorized by its process), and each of Amazon's refusals
named, with nothing stored."""

from __future__ import annotations

import logging

import pytest
from checkout_kit import BERLIN, ERIKA, TOTAL_MINOR, cart, signed_in

from amzpay.amazonpay.gateway import PaymentState
from amzpay.domain.buyer import OrderBuyer
from amzpay.ports.errors import DuplicateOrder, OrderNotFound
from amzpay.services.errors import CheckoutRefused, InvalidOrderSpec


def refused_code(shop, order_reference_id, token, placed=None) -> CheckoutRefused:
    with pytest.raises(CheckoutRefused) as refused:
        shop.app.checkout.place(placed or cart(), order_reference_id, token)
    return refused.value


def test_the_details_show_the_buyer_the_address_and_the_payment_method(shop):
    order_reference, token = signed_in(shop, "S02-1000001-1000001")

    seen = shop.app.checkout.details(order_reference, token)

    assert (seen.buyer, seen.shipping_address) == (ERIKA, BERLIN)
    assert seen.payment_descriptor == "Visa ****1111"
    assert seen.order_reference.state is PaymentState.DRAFT


def test_placing_the_order_confirms_it_at_amazon_and_stores_it_with_the_buyer(shop):
    order_reference, token = signed_in(shop, "S02-1000002-1000002")
    placed = cart(reference="SHOP-1")

    order = shop.app.checkout.place(placed, order_reference, token)
    shop.work()

    assert order == "SHOP-1"
    seen = shop.amazon.order_reference_details(order_reference)
    assert seen.state is PaymentState.OPEN
    assert seen.amount is not None
    assert seen.amount.minor == TOTAL_MINOR
    with shop.app.database.read() as tx:
        assert tx.order_buyer(order) == OrderBuyer(ERIKA, BERLIN)
        assert tx.order(order).customer_email == ERIKA.email
        assert tx.order(order).amazon_order_reference_id == order_reference
    assert shop.states(order) == {"auth open"}


def test_the_order_id_sent_to_amazon_is_the_shops(shop):
    order_reference, token = signed_in(shop, "S02-1000003-1000003")
    sent = []
    setting = shop.amazon.set_order_reference_details

    def spy(amazon_id, amount, seller_order_id, note=None):
        sent.append((amazon_id, amount.minor, seller_order_id))
        return setting(amazon_id, amount, seller_order_id, note)

    shop.amazon.set_order_reference_details = spy
    shop.app.checkout.place(cart(reference="SHOP-2"), order_reference, token)

    assert sent == [(order_reference, TOTAL_MINOR, "SHOP-2")]


def test_an_unknown_consent_token_is_refused_and_nothing_is_stored(shop):
    order_reference, _ = signed_in(shop, "S02-1000004-1000004")
    placed = cart()

    refused = refused_code(shop, order_reference, "Atza|expired-long-ago", placed)

    assert (refused.code, refused.status, refused.field) == (
        "consent_token_invalid",
        422,
        "consent_token",
    )
    assert shop.amazon.order_reference_details(order_reference).state is PaymentState.DRAFT
    with pytest.raises(OrderNotFound), shop.app.database.read() as tx:
        tx.order(placed["reference"])


def test_another_order_references_token_is_refused(shop):
    _, token = signed_in(shop, "S02-1000005-1000005")
    other, _ = signed_in(shop, "S02-1000006-1000006")

    assert refused_code(shop, other, token).code == "consent_token_invalid"


def test_an_unknown_order_reference_is_named(shop):
    refused = refused_code(shop, "S02-9999999-9999999", "Atza|anything")

    assert (refused.code, refused.status) == ("order_reference_not_found", 404)


def test_an_order_reference_placed_already_is_not_draft(shop):
    order_reference, token = signed_in(shop, "S02-1000007-1000007")
    shop.app.checkout.place(cart(), order_reference, token)

    refused = refused_code(shop, order_reference, token)

    assert (refused.code, refused.status) == ("order_reference_not_draft", 409)


def test_a_payment_method_amazon_does_not_allow_asks_for_another(shop):
    order_reference, token = signed_in(shop, "S02-1000008-1000008", "*not-allowed")
    placed = cart()

    refused = refused_code(shop, order_reference, token, placed)

    assert (refused.code, refused.status) == ("payment_method_declined", 409)
    assert refused.choose_another_payment_method
    assert "choose another" in str(refused)
    with pytest.raises(OrderNotFound), shop.app.database.read() as tx:
        tx.order(placed["reference"])


def test_a_malformed_cart_is_refused_before_amazon_is_asked(shop):
    order_reference, token = signed_in(shop, "S02-1000009-1000009")
    placed = cart()
    placed["lines"][0]["unit_price"] = 19.99

    with pytest.raises(InvalidOrderSpec) as invalid:
        shop.app.checkout.place(placed, order_reference, token)

    assert invalid.value.field == "lines[0].unit_price"
    assert shop.amazon.calls["set order reference details", order_reference] == 0


def test_a_taken_order_id_is_a_duplicate_and_amazon_is_not_confirmed(shop):
    first, token = signed_in(shop, "S02-1000010-1000010")
    shop.app.checkout.place(cart(reference="SHOP-TAKEN"), first, token)
    second, other_token = signed_in(shop, "S02-1000011-1000011")

    with pytest.raises(DuplicateOrder):
        shop.app.checkout.place(cart(reference="SHOP-TAKEN"), second, other_token)

    assert shop.amazon.order_reference_details(second).state is PaymentState.DRAFT


def test_buyer_data_never_reaches_the_call_log_the_history_or_the_logs(shop, caplog):
    caplog.set_level(logging.DEBUG)
    order_reference, token = signed_in(shop, "S02-1000012-1000012")
    order = shop.app.checkout.place(cart(), order_reference, token)
    shop.work()

    with shop.app.database.read() as tx:
        calls = [row.call for row in tx.tables.calls.values()]  # every call, linked or not
    assert {call.operation for call in calls} >= {
        "GetOrderReferenceDetails",
        "SetOrderReferenceDetails",
        "ConfirmOrderReference",
    }
    written = [repr(calls), repr(shop.app.queries.history(order)), caplog.text]
    for secret in (token, ERIKA.email, ERIKA.name, "Heidestraße", "Berlin"):
        assert not [text for text in written if secret in text]
