"""The operations Amazon serves beside the payment lifecycle, which SDKs call: service and
account status, SetOrderAttributes, and finding order references by the seller's order id
(amazonpay-api.md §A.4; answers shaped as the Java SDK's sample responses)."""

from __future__ import annotations

from dataclasses import replace
from xml.etree import ElementTree

import httpx
from simkit import HOST, NS, SELLER, Amazon, Shop, names, node, text

from amzpay.simulator import (
    InProcessTransport,
    ManualClock,
    SimulatorConfig,
    create_simulator,
)

TOTAL = {
    "OrderAttributes.OrderTotal.Amount": "59.90",
    "OrderAttributes.OrderTotal.CurrencyCode": "EUR",
}


def _listed(result: ElementTree.Element) -> list[str]:
    return [
        text(order, "AmazonOrderReferenceId")
        for order in node(result, "OrderReferenceList").findall("a:OrderReference", NS)
    ]


def _with_seller_order_id(shop: Shop, seller_order_id: str, total: str = "10.00") -> str:
    order_id = shop.sim.create_order_reference()
    shop.amazon.ok(
        "SetOrderReferenceDetails",
        AmazonOrderReferenceId=order_id,
        **{
            "OrderReferenceAttributes.OrderTotal.Amount": total,
            "OrderReferenceAttributes.OrderTotal.CurrencyCode": "EUR",
            "OrderReferenceAttributes.SellerOrderAttributes.SellerOrderId": seller_order_id,
        },
    )
    return order_id


def _list(amazon: Amazon, **params: str) -> ElementTree.Element:
    query = {"QueryId": "order-7", "QueryIdType": "SellerOrderId", "PaymentDomain": "EU_EUR"}
    return amazon.ok("ListOrderReference", **(query | params))


# --- GetServiceStatus and GetMerchantAccountStatus ------------------------------------------


def test_the_service_status_is_green_at_the_simulators_time(amazon: Amazon) -> None:
    result = amazon.ok("GetServiceStatus")

    assert names(result) == ["Status", "Timestamp"]
    assert text(result, "Status") == "GREEN"
    assert text(result, "Timestamp") == "2026-03-02T10:00:00.000Z"


def test_a_sellers_account_is_active(amazon: Amazon) -> None:
    result = amazon.ok("GetMerchantAccountStatus")

    assert names(result) == ["AccountStatus"]
    assert text(result, "AccountStatus") == "ACTIVE"


def test_an_account_configured_inactive_says_so(clock: ManualClock) -> None:
    seller = replace(SELLER, account_status="INACTIVE")
    app = create_simulator(SimulatorConfig(sellers=(seller,)), clock=clock)
    with httpx.Client(transport=InProcessTransport(app), base_url=f"https://{HOST}") as http:
        result = Amazon(http, clock, seller).ok("GetMerchantAccountStatus")

    assert text(result, "AccountStatus") == "INACTIVE"


# --- SetOrderAttributes ---------------------------------------------------------------------


def test_set_order_attributes_sets_a_drafts_total_and_attributes(
    amazon: Amazon, shop: Shop
) -> None:
    order_id = shop.sim.create_order_reference()

    result = amazon.ok(
        "SetOrderAttributes",
        AmazonOrderReferenceId=order_id,
        **TOTAL,
        **{
            "OrderAttributes.SellerNote": "Thank you",
            "OrderAttributes.SellerOrderAttributes.SellerOrderId": "order-7",
            "OrderAttributes.SellerOrderAttributes.StoreName": "Shop",
            "OrderAttributes.SellerOrderAttributes.OrderItemCategories.OrderItemCategory.2": "B",
            "OrderAttributes.SellerOrderAttributes.OrderItemCategories.OrderItemCategory.1": "A",
            "OrderAttributes.PaymentServiceProviderAttributes.PaymentServiceProviderId": "psp",
            "OrderAttributes.RequestPaymentAuthorization": "false",
        },
    )

    details = node(result, "OrderReferenceDetails")
    assert text(details, "OrderTotal/Amount") == "59.90"
    assert text(details, "SellerNote") == "Thank you"
    assert text(details, "SellerOrderAttributes/SellerOrderId") == "order-7"
    assert text(details, "SellerOrderAttributes/StoreName") == "Shop"
    categories = node(details, "SellerOrderAttributes/OrderItemCategories")
    assert [c.text for c in categories] == ["A", "B"]
    assert text(details, "PaymentServiceProviderAttributes/PaymentServiceProviderId") == "psp"
    assert text(details, "RequestPaymentAuthorization") == "false"
    assert details.find("a:Constraints", NS) is None  # the total is set: AmountNotSet is gone
    amazon.ok("ConfirmOrderReference", AmazonOrderReferenceId=order_id)


def test_a_confirmed_order_takes_attributes_it_does_not_have_yet(
    amazon: Amazon, shop: Shop
) -> None:
    order_id = shop.open_order("59.90")

    amazon.ok(
        "SetOrderAttributes",
        AmazonOrderReferenceId=order_id,
        **{"OrderAttributes.SellerOrderAttributes.SellerOrderId": "late-42"},
    )

    details = amazon.ok("GetOrderReferenceDetails", AmazonOrderReferenceId=order_id)[0]
    assert text(details, "SellerOrderAttributes/SellerOrderId") == "late-42"
    assert text(details, "OrderReferenceStatus/State") == "Open"


def test_a_confirmed_orders_attribute_may_be_repeated_but_not_changed(
    amazon: Amazon, shop: Shop
) -> None:
    order_id = shop.open_order("59.90")
    store = {"OrderAttributes.SellerOrderAttributes.StoreName": "Shop"}
    amazon.ok("SetOrderAttributes", AmazonOrderReferenceId=order_id, **store)

    amazon.ok("SetOrderAttributes", AmazonOrderReferenceId=order_id, **store)
    refused = amazon.error(
        "SetOrderAttributes",
        AmazonOrderReferenceId=order_id,
        **{"OrderAttributes.SellerOrderAttributes.StoreName": "Other shop"},
    )

    assert refused == (405, "OrderReferenceNotModifiable")


def test_a_confirmed_orders_total_cannot_change(amazon: Amazon, shop: Shop) -> None:
    order_id = shop.open_order("59.90")

    refused = amazon.error(
        "SetOrderAttributes",
        AmazonOrderReferenceId=order_id,
        **{**TOTAL, "OrderAttributes.OrderTotal.Amount": "10.00"},
    )

    assert refused == (405, "OrderReferenceNotModifiable")


def test_set_order_attributes_refuses_an_amount_without_its_currency(
    amazon: Amazon, shop: Shop
) -> None:
    order_id = shop.sim.create_order_reference()

    refused = amazon.error(
        "SetOrderAttributes",
        AmazonOrderReferenceId=order_id,
        **{"OrderAttributes.OrderTotal.Amount": "10.00"},
    )

    assert refused == (400, "MissingParameter")


def test_a_canceled_order_takes_no_attributes(amazon: Amazon, shop: Shop) -> None:
    order_id = shop.open_order("59.90")
    amazon.ok("CancelOrderReference", AmazonOrderReferenceId=order_id)

    refused = amazon.error(
        "SetOrderAttributes",
        AmazonOrderReferenceId=order_id,
        **{"OrderAttributes.SellerNote": "too late"},
    )

    assert refused == (405, "OrderReferenceNotModifiable")


# --- ListOrderReference and ListOrderReferenceByNextToken --------------------------------------


def test_list_order_reference_finds_the_orders_of_a_seller_order_id_newest_first(
    amazon: Amazon, shop: Shop, clock: ManualClock
) -> None:
    first = _with_seller_order_id(shop, "order-7")
    clock.advance(60)
    second = _with_seller_order_id(shop, "order-7")
    _with_seller_order_id(shop, "order-8")

    result = _list(amazon)

    assert _listed(result) == [second, first]
    assert result.find("a:NextPageToken", NS) is None
    summary = node(result, "OrderReferenceList/OrderReference")
    assert names(summary) == [
        "ReleaseEnvironment",
        "OrderReferenceStatus",
        "AmazonOrderReferenceId",
        "CreationTimestamp",
        "SellerOrderAttributes",
        "OrderTotal",
    ]
    assert text(summary, "OrderTotal/Amount") == "10.00"


def test_list_order_reference_sorts_ascending_and_filters_by_state(
    amazon: Amazon, shop: Shop, clock: ManualClock
) -> None:
    draft = _with_seller_order_id(shop, "order-7")
    clock.advance(60)
    opened = _with_seller_order_id(shop, "order-7")
    amazon.ok("ConfirmOrderReference", AmazonOrderReferenceId=opened)
    clock.advance(60)
    later = _with_seller_order_id(shop, "order-7")

    ascending = _list(amazon, SortOrder="Ascending")
    drafts = _list(amazon, **{"OrderReferenceStatusListFilter.OrderReferenceStatus.1": "Draft"})

    assert _listed(ascending) == [draft, opened, later]
    assert _listed(drafts) == [later, draft]


def test_list_order_reference_keeps_to_the_creation_time_range(
    amazon: Amazon, shop: Shop, clock: ManualClock
) -> None:
    _with_seller_order_id(shop, "order-7")
    clock.advance(86400)
    next_day = _with_seller_order_id(shop, "order-7")

    result = _list(
        amazon,
        **{
            "CreatedTimeRange.StartTime": "2026-03-03",
            "CreatedTimeRange.EndTime": "2026-03-04T00:00",
        },
    )

    assert _listed(result) == [next_day]


def test_list_order_reference_pages_with_a_next_page_token(
    amazon: Amazon, shop: Shop, clock: ManualClock
) -> None:
    made = []
    for _ in range(5):
        made.append(_with_seller_order_id(shop, "order-7"))
        clock.advance(1)
    newest_first = made[::-1]

    first = _list(amazon, PageSize="2")
    token = text(first, "NextPageToken")
    _with_seller_order_id(shop, "order-7")  # made after the query: not in its pages
    second = amazon.ok("ListOrderReferenceByNextToken", NextPageToken=token)
    again = amazon.ok("ListOrderReferenceByNextToken", NextPageToken=token)
    last = amazon.ok("ListOrderReferenceByNextToken", NextPageToken=text(second, "NextPageToken"))

    assert _listed(first) == newest_first[:2]
    assert _listed(second) == _listed(again) == newest_first[2:4]
    assert text(again, "NextPageToken") == text(second, "NextPageToken")
    assert _listed(last) == newest_first[4:]
    assert last.find("a:NextPageToken", NS) is None


def test_a_payment_domain_in_another_currency_finds_nothing(amazon: Amazon, shop: Shop) -> None:
    _with_seller_order_id(shop, "order-7")

    assert _listed(_list(amazon, PaymentDomain="EU_GBP")) == []


def test_list_order_reference_refuses_what_amazon_does_not_offer(amazon: Amazon) -> None:
    query = {"QueryId": "order-7", "QueryIdType": "SellerOrderId", "PaymentDomain": "EU_EUR"}

    def refused(**changes: str) -> tuple[int, str]:
        sent = {k: v for k, v in (query | changes).items() if v}
        return amazon.error("ListOrderReference", **sent)

    assert refused(QueryIdType="Email") == (400, "InvalidParameterValue")
    assert refused(PaymentDomain="EU_CHF") == (400, "InvalidParameterValue")
    assert refused(PageSize="0") == (400, "InvalidParameterValue")
    assert refused(SortOrder="Up") == (400, "InvalidParameterValue")
    assert refused(**{"CreatedTimeRange.StartTime": "2026-03-01"}) == (400, "MissingParameter")
    assert refused(
        **{"CreatedTimeRange.StartTime": "March", "CreatedTimeRange.EndTime": "May"}
    ) == (
        400,
        "InvalidParameterValue",
    )
    assert refused(PaymentDomain="") == (400, "MissingParameter")


def test_an_unknown_next_page_token_is_invalid(amazon: Amazon) -> None:
    assert amazon.error("ListOrderReferenceByNextToken", NextPageToken="bm9wZQ==") == (
        400,
        "InvalidParameterValue",
    )


def test_a_next_page_token_holds_only_in_the_environment_it_was_made_in(
    amazon: Amazon, shop: Shop
) -> None:
    for _ in range(3):
        _with_seller_order_id(shop, "order-7")
    token = text(_list(amazon, PageSize="1"), "NextPageToken")
    amazon.path = "/OffAmazonPayments/2013-01-01"  # the live environment is another book

    assert amazon.error("ListOrderReferenceByNextToken", NextPageToken=token)[1] == (
        "InvalidParameterValue"
    )
