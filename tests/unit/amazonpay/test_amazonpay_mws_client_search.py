"""The operations around the payments: service and account status, SetOrderAttributes and
the order reference search, read from answers shaped as Amazon's samples (the Java SDK's
GetServiceStatusResponseGreenI.xml, GetMerchantAccountStatusActive.xml,
ListOrderReferenceResponse.xml: element order varies, CurrencyCode may come first)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from amazonpay_mws_samples import order_reference_details, response

from amzpay.amazonpay.mws import errors
from amzpay.domain.money import Money

ORO = "S02-1234567-1234567"

SERVICE_STATUS = (
    "<Status>GREEN_I</Status><Timestamp>2010-11-01T21:38:09.676Z</Timestamp>"
    "<MessageId>173964729I</MessageId><Messages><Message><Locale>en_UK</Locale>"
    "<Text>We are experiencing high latency in UK because of heavy traffic.</Text>"
    "</Message></Messages>"
)


def _listed(order_id: str) -> str:
    return (
        "<OrderReference><ReleaseEnvironment>Sandbox</ReleaseEnvironment>"
        "<OrderReferenceStatus><LastUpdateTimestamp>2017-09-08T19:30:48.045Z"
        "</LastUpdateTimestamp><State>Open</State></OrderReferenceStatus>"
        f"<AmazonOrderReferenceId>{order_id}</AmazonOrderReferenceId>"
        "<CreationTimestamp>2017-09-08T19:30:46.898Z</CreationTimestamp>"
        "<SellerOrderAttributes><StoreName>Top of the World Store</StoreName>"
        "<SellerOrderId>OR# 12345</SellerOrderId></SellerOrderAttributes>"
        "<OrderTotal><CurrencyCode>USD</CurrencyCode><Amount>0.45</Amount></OrderTotal>"
        "</OrderReference>"
    )


def test_the_service_status_is_read_with_when_it_was_evaluated(client, amazon):
    amazon.reply(200, response("GetServiceStatus", SERVICE_STATUS))

    reply = client.get_service_status()

    assert amazon.requests[0]["Action"] == "GetServiceStatus"
    assert reply.value.status == "GREEN_I"
    assert reply.value.evaluated_at == datetime(2010, 11, 1, 21, 38, 9, 676000, tzinfo=UTC)


def test_the_merchant_account_status_is_read(client, amazon):
    amazon.reply(200, response("GetMerchantAccountStatus", "<AccountStatus>ACTIVE</AccountStatus>"))

    reply = client.get_merchant_account_status()

    assert amazon.requests[0]["Action"] == "GetMerchantAccountStatus"
    assert reply.value == "ACTIVE"


def test_set_order_attributes_sends_only_what_is_given(client, amazon):
    amazon.reply(200, response("SetOrderAttributes", order_reference_details("Open")))

    reply = client.set_order_attributes(ORO, seller_order_id="order-42")

    sent = amazon.requests[0]
    assert sent["Action"] == "SetOrderAttributes"
    assert sent["OrderAttributes.SellerOrderAttributes.SellerOrderId"] == "order-42"
    assert not any(name.startswith("OrderAttributes.OrderTotal") for name in sent)
    assert reply.value.seller_order_id == "order-42"


def test_set_order_attributes_sends_a_total_in_its_currency(client, amazon):
    amazon.reply(200, response("SetOrderAttributes", order_reference_details("Draft")))

    client.set_order_attributes(ORO, order_total=Money(5990, "EUR"))

    sent = amazon.requests[0]
    assert sent["OrderAttributes.OrderTotal.Amount"] == "59.90"
    assert sent["OrderAttributes.OrderTotal.CurrencyCode"] == "EUR"


def test_a_page_of_order_references_is_read_with_its_next_token(client, amazon):
    page = (
        f"<OrderReferenceList>{_listed('S01-1489058-8391380')}{_listed('S01-1604993-6338551')}"
        "</OrderReferenceList><NextPageToken>1eUc0QkJMVnJp</NextPageToken>"
    )
    amazon.reply(200, response("ListOrderReference", page))

    reply = client.list_order_references("OR# 12345", "USD", page_size=2)

    sent = amazon.requests[0]
    assert (sent["QueryId"], sent["QueryIdType"]) == ("OR# 12345", "SellerOrderId")
    assert (sent["PaymentDomain"], sent["PageSize"]) == ("NA_USD", "2")
    found = reply.value.order_references
    assert [o.amazon_order_reference_id for o in found] == [
        "S01-1489058-8391380",
        "S01-1604993-6338551",
    ]
    assert found[0].order_total == Money(45, "USD")
    assert found[0].status.state == "Open"
    assert found[0].seller_order_id == "OR# 12345"
    assert reply.value.next_page_token == "1eUc0QkJMVnJp"


def test_the_last_page_has_no_next_token(client, amazon):
    amazon.reply(
        200,
        response(
            "ListOrderReferenceByNextToken",
            f"<OrderReferenceList>{_listed('S01-1')}</OrderReferenceList>",
        ),
    )

    reply = client.list_more_order_references("1eUc0QkJMVnJp")

    assert amazon.requests[0]["NextPageToken"] == "1eUc0QkJMVnJp"
    assert len(reply.value.order_references) == 1
    assert reply.value.next_page_token is None


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c: c.list_order_references("o-1", "CHF"), id="no-payment-domain"),
        pytest.param(lambda c: c.list_order_references("o-1", "EUR", page_size=0), id="page-0"),
    ],
)
def test_searches_amazon_would_refuse_are_refused_before_sending(client, amazon, call):
    with pytest.raises(errors.InvalidRequest):
        call(client)

    assert amazon.requests == []
