"""GetOrderReferenceDetails with the buyer's address consent token, read into the port's
CheckoutDetails: the buyer, the full shipping address and the payment descriptor in the
domain's words; nothing of it in a repr or the call log."""

from __future__ import annotations

import pytest
from amazonpay_fakes import FakeAmazon
from amazonpay_mws_samples import error_response, price, response, status

from amzpay.amazonpay.calllog import InMemoryCallLog
from amzpay.amazonpay.gateway import CallRefused, PaymentState
from amzpay.amazonpay.mws.client import MwsClient
from amzpay.amazonpay.mws.gateway import MwsGateway
from amzpay.domain.buyer import Buyer, ShippingAddress
from amzpay.domain.money import Money

FULL_DESTINATION = (
    "<Destination><DestinationType>Physical</DestinationType><PhysicalDestination>"
    "<Name>Ada Buyer</Name><AddressLine1>Flat 2</AddressLine1>"
    "<AddressLine2>12 Market Street</AddressLine2><City>York</City>"
    "<County>North Yorkshire</County><PostalCode>YO1 8AA</PostalCode>"
    "<CountryCode>GB</CountryCode><Phone>+44 1904 000000</Phone>"
    "</PhysicalDestination></Destination>"
)
COARSE_DESTINATION = (
    "<Destination><DestinationType>Physical</DestinationType><PhysicalDestination>"
    "<City>York</City><PostalCode>YO1 8AA</PostalCode><CountryCode>GB</CountryCode>"
    "</PhysicalDestination></Destination>"
)
BUYER = "<Buyer><Name>Ada Buyer</Name><Email>ada@example.com</Email></Buyer>"
DESCRIPTOR = (
    "<PaymentDescriptor><Name>Visa</Name><AccountNumberTail>11</AccountNumberTail>"
    "<FullDescriptor>Amazon Pay (Visa **11)</FullDescriptor></PaymentDescriptor>"
)


def draft(*parts: str) -> bytes:
    details = (
        "<OrderReferenceDetails>"
        "<AmazonOrderReferenceId>S02-1234567-1234567</AmazonOrderReferenceId>"
        + "".join(parts)
        + price("OrderTotal", "24.50", "GBP")
        + status("OrderReferenceStatus", "Draft")
        + "</OrderReferenceDetails>"
    )
    return response("GetOrderReferenceDetails", details)


@pytest.fixture
def gateway(client: MwsClient) -> MwsGateway:
    return MwsGateway(client)


def test_the_buyer_and_the_full_address_are_read_in_the_domains_words(
    amazon: FakeAmazon, gateway: MwsGateway
):
    amazon.reply(200, draft(BUYER, FULL_DESTINATION, DESCRIPTOR))

    details = gateway.checkout_details("S02-1234567-1234567", consent_token="Atza|abc")

    assert details.buyer == Buyer("Ada Buyer", "ada@example.com")
    assert details.shipping_address == ShippingAddress(
        name="Ada Buyer",
        lines=("Flat 2", "12 Market Street"),
        city="York",
        postal_code="YO1 8AA",
        country_code="GB",
        region="North Yorkshire",
        phone="+44 1904 000000",
    )
    assert details.payment_descriptor == "Amazon Pay (Visa **11)"
    assert details.order_reference.state is PaymentState.DRAFT
    assert details.order_reference.amount == Money(2450, "GBP")


def test_the_token_travels_as_address_consent_token(amazon: FakeAmazon, gateway: MwsGateway):
    amazon.reply(200, draft(BUYER, FULL_DESTINATION))

    gateway.checkout_details("S02-1234567-1234567", consent_token="Atza|abc")

    sent = amazon.requests[0]
    assert sent["Action"] == "GetOrderReferenceDetails"
    assert sent["AddressConsentToken"] == "Atza|abc"
    assert "AccessToken" not in sent


def test_an_address_amazon_shows_only_in_part_is_left_out(amazon: FakeAmazon, gateway: MwsGateway):
    amazon.reply(200, draft(COARSE_DESTINATION))

    details = gateway.checkout_details("S02-1234567-1234567", consent_token="Atza|abc")

    assert details.buyer is None
    assert details.shipping_address is None
    assert details.payment_descriptor is None


def test_an_invalid_token_is_refused_with_amazons_code(amazon: FakeAmazon, gateway: MwsGateway):
    amazon.reply(404, error_response("InvalidAddressConsentToken", "invalid or expired"))

    with pytest.raises(CallRefused) as refused:
        gateway.checkout_details("S02-1234567-1234567", consent_token="Atza|old")

    assert refused.value.code == "InvalidAddressConsentToken"
    assert refused.value.http_status == 404


def test_an_empty_token_is_refused_before_anything_is_sent(amazon: FakeAmazon, gateway: MwsGateway):
    with pytest.raises(CallRefused) as refused:
        gateway.checkout_details("S02-1234567-1234567", consent_token="")

    assert refused.value.code == "InvalidRequest"
    assert amazon.requests == []


def test_neither_the_details_nor_the_call_log_show_personal_data(
    amazon: FakeAmazon, gateway: MwsGateway, call_log: InMemoryCallLog
):
    amazon.reply(200, draft(BUYER, FULL_DESTINATION, DESCRIPTOR))

    details = gateway.checkout_details("S02-1234567-1234567", consent_token="Atza|secret")

    shown = repr(details) + repr(call_log.calls)
    for personal in ("Ada Buyer", "ada@example.com", "Market Street", "YO1 8AA", "Atza|secret"):
        assert personal not in shown
