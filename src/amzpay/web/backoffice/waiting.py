"""Refunds waiting on Amazon, oldest first, with their age; those unsettled past the stuck
limit (``AMZPAY_POLLING__STUCK_AFTER``) are marked; "check now" asks Amazon about one at
once (``Poller.check_now``: GetRefundDetails, the answer applied as an IPN's would be)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from amzpay.domain.payment import RefundState
from amzpay.ports.errors import RecordNotFound
from amzpay.services.queries import RefundAge, RefundFilter
from amzpay.web.backoffice.paging import PAGE_SIZE, Query, pager
from amzpay.web.backoffice.rendering import redirect, render
from amzpay.web.backoffice.security import NotFound, PageStaff, PostedStaff, services_of

router = APIRouter()
WAITING = (RefundState.REQUESTED.value, RefundState.PENDING.value)
STATES = ("waiting", *(state.value for state in RefundState), "all")


@router.get("/refunds")
def refunds_page(request: Request, staff: PageStaff) -> Response:
    services = services_of(request)
    query = Query(request)
    state = query.choice("state", STATES) or "waiting"
    order = query.text("order")
    rows, total = _refunds(request, state, order, query.offset)
    stuck = {record.reference_id for record in services.poller.stuck_refunds()}
    checked = query.text("checked")
    checked_refund = services.refunds.find(checked) if checked else None
    return render(
        request,
        "refunds.html",
        staff,
        refunds=rows,
        stuck=stuck,
        pager=pager(query, len(rows), total),
        query=query,
        state=state,
        states=STATES,
        checked=checked_refund,
        stuck_after=services.poller.stuck_after,
    )


@router.post("/refunds/{reference_id}/check")
def check_now(request: Request, reference_id: str, staff: PostedStaff) -> Response:
    """Ask Amazon about the refund now; the list says what it answered."""
    try:
        services_of(request).poller.check_now(reference_id)
    except RecordNotFound as missing:
        raise NotFound(f"There is no refund {reference_id!r}.") from missing
    return redirect(f"/refunds?{urlencode({'checked': reference_id})}")


def _refunds(
    request: Request, state: str, order: str | None, offset: int
) -> tuple[list[RefundAge], int]:
    """One page of refunds; "waiting" is requested and pending together, oldest first."""
    queries = services_of(request).queries
    if state != "waiting":
        where = RefundFilter(state=None if state == "all" else state, order=order)
        found = queries.refunds(where, limit=PAGE_SIZE, offset=offset)
        return list(found.rows), found.total
    pages = [queries.refunds(RefundFilter(s, order), limit=200) for s in WAITING]
    rows = sorted((row for page in pages for row in page.rows), key=lambda r: -r.age)
    return rows[offset : offset + PAGE_SIZE], sum(page.total for page in pages)
