"""The refund form: tick items (a bundle ticks its items), see the amount per capture as you
tick (``RefundService.preview``, asked by htmx on every change), add a note, confirm.

Confirming stores the refund records and holds the items (``RefundService.request``); the
worker then calls Amazon, and the order page follows the refund until Amazon settles it.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from amzpay.domain.errors import RefundError
from amzpay.oms.errors import OmsError
from amzpay.services.access import StaffSession
from amzpay.services.errors import NoteTooLong
from amzpay.services.refunds import SELLER_NOTE_LIMIT, RefundPreview
from amzpay.web.backoffice.orders import read_order
from amzpay.web.backoffice.rendering import redirect, render
from amzpay.web.backoffice.security import (
    FormList,
    FormText,
    PageStaff,
    PostedStaff,
    services_of,
)

router = APIRouter()


@router.get("/orders/{reference}/refund")
def refund_form(request: Request, reference: str, staff: PageStaff) -> Response:
    return _form(request, staff, reference)


@router.post("/orders/{reference}/refund/preview")
def refund_preview(
    request: Request,
    reference: str,
    items: FormList,
    staff: PostedStaff,
) -> Response:
    """The amounts the ticked items would ask of each capture, or why they cannot."""
    order = read_order(request, reference)
    preview, problem = _preview(request, reference, items)
    return render(
        request, "_refund_preview.html", staff, order=order, preview=preview, problem=problem
    )


@router.post("/orders/{reference}/refund")
def refund_request(
    request: Request,
    reference: str,
    items: FormList,
    staff: PostedStaff,
    note: FormText = "",
) -> Response:
    read_order(request, reference)
    if not items:
        return _form(request, staff, reference, items, note, "Tick at least one item.", 422)
    try:
        services_of(request).refunds.request(
            reference, items, actor=staff.username, note=note.strip() or None
        )
    except (RefundError, OmsError, NoteTooLong) as refused:
        return _form(request, staff, reference, items, note, f"Nothing was refunded: {refused}")
    return redirect(f"/orders/{quote(reference)}")


def _preview(
    request: Request, reference: str, items: list[str]
) -> tuple[RefundPreview | None, str | None]:
    if not items:
        return None, None
    try:
        return services_of(request).refunds.preview(reference, items), None
    except RefundError as refused:
        return None, str(refused)


def _form(
    request: Request,
    staff: StaffSession,
    reference: str,
    ticked: list[str] | None = None,
    note: str = "",
    message: str | None = None,
    status: int | None = None,
) -> Response:
    order = read_order(request, reference)
    chosen = ticked or []
    preview, problem = _preview(request, reference, chosen)
    return render(
        request,
        "refund.html",
        staff,
        status or (409 if message else 200),
        order=order,
        ticked=set(chosen),
        note=note,
        note_limit=SELLER_NOTE_LIMIT,
        message=message,
        preview=preview,
        problem=problem,
    )
