"""The PaymentGateway contract at checkout: the buyer's consent token shows the buyer, the
shipping address and the payment method of a Draft order reference, on the fake and on
MwsGateway with the simulator behind it."""

from __future__ import annotations

import pytest

from amzpay.amazonpay.gateway import CallRefused, ObjectKind, PaymentState
from integration.amazonpay.amazon_sides import ADDRESS, BUYER, LegacyAmazon
from integration.amazonpay.contract_steps import eur


def test_the_consent_token_shows_who_buys_and_where_it_ships(legacy_amazon: LegacyAmazon):
    order_id = legacy_amazon.buyer_order()
    token = legacy_amazon.buyer_signs_in(order_id)

    details = legacy_amazon.gateway.checkout_details(order_id, consent_token=token)

    assert details.buyer == BUYER
    assert details.shipping_address == ADDRESS
    assert details.payment_descriptor == "Amazon Pay (Visa **11)"
    assert details.order_reference.kind is ObjectKind.ORDER_REFERENCE
    assert details.order_reference.state is PaymentState.DRAFT


def test_the_details_carry_the_total_the_shop_set(legacy_amazon: LegacyAmazon):
    order_id = legacy_amazon.buyer_order()
    token = legacy_amazon.buyer_signs_in(order_id)
    legacy_amazon.gateway.set_order_reference_details(order_id, eur("19.90"), "shop-7")

    details = legacy_amazon.gateway.checkout_details(order_id, consent_token=token)

    assert details.order_reference.amount == eur("19.90")
    assert details.order_reference.amazon_id == order_id


def test_a_token_amazon_never_gave_is_refused(legacy_amazon: LegacyAmazon):
    order_id = legacy_amazon.buyer_order()

    with pytest.raises(CallRefused) as refused:
        legacy_amazon.gateway.checkout_details(order_id, consent_token="Atza|forged")

    assert refused.value.code == "InvalidAddressConsentToken"
    assert refused.value.operation == "GetOrderReferenceDetails"
