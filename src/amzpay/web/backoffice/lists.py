"""The list pages read through ``QueryService``: orders with search and filters, an order's
history (state moves, payment records, API calls, IPNs, e-mails; redacted by the query), and
the IPN log."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from amzpay.amazonpay.notifications import NOTIFICATION_TYPES as TYPES_OF_API
from amzpay.domain.order import AmazonApi
from amzpay.ports.errors import OrderNotFound
from amzpay.services.queries import OrderFilter
from amzpay.web.backoffice.paging import PAGE_SIZE, Query, pager
from amzpay.web.backoffice.rendering import redirect, render
from amzpay.web.backoffice.security import NotFound, PageStaff, services_of

router = APIRouter()

NOTIFICATION_TYPES = tuple(t for api in AmazonApi for t in TYPES_OF_API[api])
"""Both APIs' notification types: the legacy API's, then v2's object types."""
APIS = tuple(api.value for api in AmazonApi)
HISTORY_KINDS = ("state", "payment", "api_call", "ipn", "mail")


@router.get("/orders")
def orders_page(request: Request, staff: PageStaff) -> Response:
    services = services_of(request)
    query = Query(request)
    states = _item_states(request)
    where = OrderFilter(
        search=query.text("q"),
        state=query.choice("state", states),
        placed_from=query.day("from"),
        placed_to=query.day("to"),
    )
    found = services.queries.orders(where, limit=PAGE_SIZE, offset=query.offset)
    if where.search and found.total == 1 and found.rows[0].reference == where.search:
        return redirect(f"/orders/{quote(found.rows[0].reference)}")  # typed a reference exactly
    return render(
        request,
        "orders.html",
        staff,
        orders=found.rows,
        pager=pager(query, len(found.rows), found.total),
        query=query,
        states=states,
    )


@router.get("/orders/{reference}/history")
def history_page(request: Request, reference: str, staff: PageStaff) -> Response:
    query = Query(request)
    kind = query.choice("kind", HISTORY_KINDS)
    try:
        entries = services_of(request).queries.history(reference)
    except OrderNotFound as missing:
        raise NotFound(f"There is no order {reference!r}.") from missing
    shown = [entry for entry in entries if kind is None or entry.kind == kind]
    return render(
        request,
        "history.html",
        staff,
        reference=reference,
        entries=shown,
        kinds=HISTORY_KINDS,
        kind=kind,
        query=query,
    )


@router.get("/ipns")
def ipn_log(request: Request, staff: PageStaff) -> Response:
    query = Query(request)
    api = query.choice("api", APIS)
    found = services_of(request).queries.ipns(
        notification_type=query.choice("type", NOTIFICATION_TYPES),
        api=None if api is None else AmazonApi(api),
        errors_only=query.text("errors") == "1",
        limit=PAGE_SIZE,
        offset=query.offset,
    )
    return render(
        request,
        "ipns.html",
        staff,
        ipns=found.rows,
        pager=pager(query, len(found.rows), found.total),
        query=query,
        types=NOTIFICATION_TYPES,
        apis=APIS,
    )


def _item_states(request: Request) -> tuple[str, ...]:
    """Every state of every process, for the orders' state filter."""
    processes = services_of(request).engine.processes.values()
    return tuple(sorted({state for process in processes for state in process.states}))
