"""``/api/v1/orders``: import, list and read orders; fire events on their items; preview and
request refunds."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import AwareDatetime

from amzpay.oms.errors import TransitionRefused
from amzpay.services.queries import OrderFilter
from amzpay.web.api.amazon_ids import ID_FIELDS, amazon_id_of
from amzpay.web.api.auth import ClientDep, ServicesDep
from amzpay.web.api.convert import (
    address_out,
    books_out,
    buyer_out,
    expense_out,
    history_out,
    item_out,
    money,
    money_summary_out,
    payment_out,
    preview_out,
    refund_out,
    summary_out,
)
from amzpay.web.api.requests import (
    PRINTABLE,
    EventRequest,
    OrderSpec,
    PreviewRequest,
    RefundRequest,
)
from amzpay.web.api.responses import (
    OrderOut,
    OrdersPage,
    PreviewOut,
    RefundOut,
)
from amzpay.web.context import Services
from amzpay.web.errors import ApiError, ApiRoute, error_responses

router = APIRouter(route_class=ApiRoute, tags=["orders"])

Reference = Annotated[
    str,
    Path(min_length=1, max_length=64, pattern=PRINTABLE, description="The shop's order reference"),
]
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


@router.post(
    "/orders",
    status_code=201,
    summary="Import an order the shop placed",
    responses=error_responses(409, 503),
)
def import_order(spec: OrderSpec, services: ServicesDep) -> OrderOut:
    """Store the order and start its process (authorization follows), paid through the
    legacy API (``amazon_order_reference_id``) or API v2 (``charge_permission_id``, or the
    ``checkout_session_id`` whose charge permission Amazon is asked for). With ``confirm``
    the buyer's legacy order reference is first given the total and confirmed at Amazon."""
    api, amazon_id, field = amazon_id_of(spec, services)
    taken = services.queries.order_of_amazon_reference(amazon_id)
    if taken is not None and taken != spec.reference:  # the same order: DuplicateOrder
        raise ApiError(
            409,
            "duplicate_order_reference",
            f"Amazon id {amazon_id!r} belongs to order {taken!r}",
            field,
        )
    payload = spec.model_dump(exclude={"confirm", "process", *ID_FIELDS}, exclude_none=True)
    payload["amazon_order_reference_id"] = amazon_id
    reference = services.orders.import_order(
        payload, process=spec.process, confirm=spec.confirm, api=api
    )
    return read_order(services, reference)


@router.get("/orders", summary="Orders, newest first, with search and filters")
def list_orders(
    services: ServicesDep,
    search: Annotated[
        str | None,
        Query(
            max_length=100,
            pattern=PRINTABLE,
            description="Part of the order reference, Amazon order reference id or buyer e-mail",
        ),
    ] = None,
    state: Annotated[
        str | None, Query(max_length=64, pattern=PRINTABLE, description="An item state")
    ] = None,
    placed_from: Annotated[AwareDatetime | None, Query(description="Inclusive")] = None,
    placed_to: Annotated[AwareDatetime | None, Query(description="Exclusive")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> OrdersPage:
    where = OrderFilter(search, state, placed_from, placed_to)
    page = services.queries.orders(where, limit=limit, offset=offset)
    return OrdersPage(
        orders=[summary_out(o) for o in page.rows],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get(
    "/orders/{reference}",
    summary="An order: items and their states, payments, refunds, books, history",
    responses=error_responses(404),
)
def get_order(reference: Reference, services: ServicesDep) -> OrderOut:
    return read_order(services, reference)


@router.post(
    "/orders/{reference}/events",
    summary="Fire a manual event (capture, close, cancel ...) on items",
    responses=error_responses(404, 409),
)
def fire_event(
    reference: Reference, request: EventRequest, services: ServicesDep, client: ClientDep
) -> OrderOut:
    """409 when an item's state refuses the event; the calls to Amazon it asks for are
    made by the worker, so the items' states move on after the answer."""
    detail = services.queries.order(reference)
    process = services.engine.process(detail.facts.process)
    if request.event not in process.events:
        known = ", ".join(sorted(process.events))
        raise ApiError(422, "unknown_event", f"no event {request.event!r}; known: {known}", "event")
    if request.items is not None:
        _check_known(request.items, {item.id for item in detail.order.items}, "item")
    services.orders.fire(reference, request.event, request.items, actor=f"api:{client}")
    return read_order(services, reference)


@router.post(
    "/orders/{reference}/refund-preview",
    summary="What refunding the chosen items would send to Amazon, per capture",
    responses=error_responses(404, 409),
)
def preview_refund(
    reference: Reference, request: PreviewRequest, services: ServicesDep
) -> PreviewOut:
    """Every item and expense with the reason it cannot be refunded, if any; with items
    chosen, the amount per item, expense and capture (409 when one cannot be refunded)."""
    if not request.items:
        return preview_out(None, services.refunds.standing(reference))
    preview = services.refunds.preview(reference, request.items)
    return preview_out(preview.plan, preview.lines)


@router.post(
    "/orders/{reference}/refunds",
    status_code=201,
    summary="Refund items (a bundle stands for its items; shipping comes with the last)",
    responses=error_responses(404, 409),
)
def request_refund(
    reference: Reference, request: RefundRequest, services: ServicesDep, client: ClientDep
) -> list[RefundOut]:
    """The refund records made, one per capture, ``requested``: the worker sends them to
    Amazon, then they wait in ``pending`` until Amazon says completed or declined."""
    order = services.queries.order(reference).order
    known: set[str] = {line.id for line in order.lines()} | {b.id for b in order.bundles}
    _check_known(request.items, known, "item, bundle or expense")
    try:
        made = services.refunds.request(
            reference, request.items, f"api:{client}", note=request.note
        )
    except TransitionRefused as refused:  # an item's state allows no refund now
        raise ApiError(409, "item_not_refundable", str(refused), "items") from refused
    if not made:  # only bundles whose items are all refunded or pending: nothing was stored
        raise ApiError(409, "item_not_refundable", "nothing chosen can be refunded now", "items")
    return [refund_out(view) for view in made]


def read_order(services: Services, reference: str) -> OrderOut:
    detail = services.queries.order(reference)
    order = detail.order
    views = {view.id: view for view in services.orders.items(reference)}
    summary = services.ledger.money_summary(reference)
    return OrderOut(
        reference=order.reference,
        api=order.api,
        amazon_order_reference_id=order.amazon_order_reference_id,
        currency=order.currency,
        customer_email=order.customer_email,
        locale=order.locale,
        process=detail.facts.process,
        placed_at=detail.facts.placed_at,
        closed_at=detail.facts.closed_at,
        buyer=buyer_out(detail.buyer.buyer),
        shipping_address=address_out(detail.buyer.shipping_address),
        total=money(summary.total),
        items=[item_out(order, item, views.get(item.id)) for item in order.items],
        expenses=[expense_out(order, expense) for expense in order.expenses],
        payments=[payment_out(record) for record in detail.payments],
        refunds=[refund_out(view) for view in services.refunds.refunds(reference)],
        books=books_out(services.ledger.books(reference)),
        money=money_summary_out(summary),
        history=[history_out(entry) for entry in services.queries.history(reference)],
    )


def _check_known(chosen: Iterable[str], known: set[str], what: str) -> None:
    unknown = [line for line in chosen if line not in known]
    if unknown:
        raise ApiError(422, "unknown_item", f"the order has no {what} {unknown[0]!r}", "items")
