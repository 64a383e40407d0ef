"""The order page: items and their states, the manual events staff may fire, the payments,
and the process diagram with the items' states highlighted.

While a payment waits on Amazon the page's live part (items and payments) asks for itself
again every few seconds (htmx), so a refund is seen to complete without reloading.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from amzpay.oms.diagram import render_svg, to_dot
from amzpay.oms.errors import OmsError, TransitionRefused
from amzpay.ports.errors import OrderNotFound
from amzpay.services.access import StaffSession
from amzpay.services.errors import OrderReferenceNotOpen
from amzpay.web.backoffice.order_view import OrderPage, read_order_page
from amzpay.web.backoffice.rendering import redirect, render
from amzpay.web.backoffice.security import (
    ActionStaff,
    FormList,
    FormText,
    NotFound,
    PageStaff,
    PostedStaff,
    services_of,
)

router = APIRouter()


@router.get("/")
def home(staff: PageStaff) -> Response:
    return redirect("/orders")


@router.get("/orders/{reference}")
def order_page(request: Request, reference: str, staff: PageStaff) -> Response:
    return _order_response(request, staff, reference)


@router.get("/orders/{reference}/live")
def order_live(request: Request, reference: str, staff: ActionStaff) -> Response:
    """The items and payments alone: what the page swaps in while something is pending; and
    the page's actions, swapped in out of band, as what may be refunded changes with them."""
    order = read_order(request, reference)
    return render(request, "_order_live.html", staff, order=order, live=True)


@router.post("/orders/{reference}/events")
def fire_event(
    request: Request,
    reference: str,
    items: FormList,
    staff: PostedStaff,
    event: FormText = "",
) -> Response:
    """Fire a manual event on the chosen items; a refusal is shown on the order page (409)."""
    services = services_of(request)
    read_order(request, reference)  # 404 before anything else
    if not event or not items:
        return _order_response(request, staff, reference, "Choose an event and its items.", 422)
    try:
        services.orders.fire(reference, event, items, actor=staff.username)
    except TransitionRefused as refused:
        return _order_response(request, staff, reference, _refusal_words(refused), 409)
    except OrderReferenceNotOpen as error:
        return _order_response(request, staff, reference, f"Nothing was done: {error}.", 409)
    except OmsError as error:
        return _order_response(request, staff, reference, str(error), 409)
    return redirect(f"/orders/{quote(reference)}")


@router.get("/orders/{reference}/diagram")
def order_diagram(request: Request, reference: str, staff: ActionStaff) -> Response:
    """The order's process as inline SVG, the states its items are in filled."""
    order = read_order(request, reference)
    counts = Counter(item.state for group in order.groups for item in group.items if item.state)
    process = services_of(request).engine.process(order.process)
    try:
        svg = render_svg(to_dot(process, counts)).decode()
    except OmsError as error:
        return HTMLResponse(f'<p class="notice">{Markup.escape(str(error))}</p>')
    return HTMLResponse(Markup(_inline(svg)))


def _order_response(
    request: Request,
    staff: StaffSession,
    reference: str,
    message: str | None = None,
    status: int = 200,
) -> Response:
    order = read_order(request, reference)
    return render(
        request,
        "order.html",
        staff,
        status,
        order=order,
        message=message,
    )


def read_order(request: Request, reference: str) -> OrderPage:
    try:
        return read_order_page(services_of(request), reference)
    except OrderNotFound as missing:
        raise NotFound(f"There is no order {reference!r}.") from missing


def _refusal_words(refused: TransitionRefused) -> str:
    return (
        f"Nothing was done: item {refused.item} is in {refused.current!r}, which does not "
        f"allow {refused.event!r} ({str(refused).rsplit(': ', 1)[-1]})."
    )


def _inline(svg: str) -> str:
    """Graphviz's SVG without its XML prolog, doctype and comments, fit to sit in a page."""
    svg = re.sub(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--.*?-->", "", svg, flags=re.DOTALL)
    return svg.strip()
