"""ListOrderReference and ListOrderReferenceByNextToken (amazonpay-api.md §A.4; parameters
as Amazon's SDKs send them, the answer as the Java SDK's sample ListOrderReferenceResponse).

A query finds the seller's order references, in the environment called, whose SellerOrderId
is ``QueryId`` (the only ``QueryIdType`` Amazon offers), optionally within a creation time
range and among some states, newest first unless ``SortOrder=Ascending``. The answer holds
``PageSize`` of them (20 unless told); a ``NextPageToken`` fetches the rest. The matches are
fixed when the query is made, so pages neither repeat nor skip an order created meanwhile, and
a token answers the same page each time it is sent (a retry after a lost answer is safe).
"""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree.ElementTree import Element

from .errors import invalid, missing
from .ledger import Ledger, Page
from .model import TRANSITIONS
from .params import Call
from .wire import order_reference_summary

PAYMENT_DOMAINS = {"NA_USD": "USD", "EU_EUR": "EUR", "EU_GBP": "GBP", "FE_JPY": "JPY"}
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
_STATUS_FILTER = "OrderReferenceStatusListFilter.OrderReferenceStatus."
_START, _END = "CreatedTimeRange.StartTime", "CreatedTimeRange.EndTime"


def list_order_references(ledger: Ledger, call: Call) -> list[Element]:
    query_id = call.required("QueryId")
    if (query_type := call.required("QueryIdType")) != "SellerOrderId":
        raise invalid("QueryIdType", query_type)
    domain = call.required("PaymentDomain")
    if domain not in PAYMENT_DOMAINS:
        raise invalid("PaymentDomain", domain)
    start, end = _time_range(call)
    states = _states(call)
    descending = _sort_order(call)
    size = call.whole_number("PageSize", DEFAULT_PAGE_SIZE)
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise invalid("PageSize", str(size))
    found = [
        order
        for order in ledger.orders.values()
        if ledger.owner[order.id] == (call.seller_id, call.sandbox)
        and order.seller_order.seller_order_id == query_id
        and (order.total is None or order.total.currency == PAYMENT_DOMAINS[domain])
        and (not states or order.status.state in states)
        and (start is None or start <= order.created <= end)
    ]
    found.sort(key=lambda order: (order.created, order.id), reverse=descending)
    page = Page(call.seller_id, call.sandbox, tuple(order.id for order in found), size)
    return _answer(ledger, page)


def next_page(ledger: Ledger, call: Call) -> list[Element]:
    token = call.required("NextPageToken")
    page = ledger.pages.get(token)
    if page is None or (page.seller_id, page.sandbox) != (call.seller_id, call.sandbox):
        raise invalid("NextPageToken", token)
    return _answer(ledger, page)


def _answer(ledger: Ledger, page: Page) -> list[Element]:
    """The ``…Result`` content: the first ``size`` orders of ``page``, and a token for the
    rest, made once per page."""
    listed = Element("OrderReferenceList")
    listed.extend(order_reference_summary(ledger.orders[i]) for i in page.order_ids[: page.size])
    rest = page.order_ids[page.size :]
    if not rest:
        return [listed]
    if page.next_token is None:
        page.next_token = ledger.ids.page_token()
        ledger.pages[page.next_token] = Page(page.seller_id, page.sandbox, rest, page.size)
    token = Element("NextPageToken")
    token.text = page.next_token
    return [listed, token]


def _time_range(call: Call) -> tuple[datetime | None, datetime]:
    start, end = call.params.get(_START), call.params.get(_END)
    if start is None and end is None:
        return None, datetime.max.replace(tzinfo=UTC)
    if start is None or end is None:
        raise missing(_END if end is None else _START)
    return _moment(_START, start), _moment(_END, end)


def _moment(name: str, text: str) -> datetime:
    """ISO 8601, as the SDKs document it: ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM[:SS]``, UTC
    unless an offset says otherwise."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise invalid(name, text) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _states(call: Call) -> set[str]:
    known = TRANSITIONS["OrderReference"]
    chosen = {v for k, v in call.params.items() if k.startswith(_STATUS_FILTER)}
    for state in chosen:
        if state not in known:
            raise invalid("OrderReferenceStatus", state)
    return chosen


def _sort_order(call: Call) -> bool:
    """Whether the newest come first (Descending, the default)."""
    order = call.params.get("SortOrder", "Descending")
    if order not in ("Ascending", "Descending"):
        raise invalid("SortOrder", order)
    return order == "Descending"
