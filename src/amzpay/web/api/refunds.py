"""``/api/v1/refunds`` and ``/api/v1/ipns``: read refunds, list them with filters, the stuck
ones, ask Amazon about one now; the IPN log."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Query

from amzpay.domain.order import AmazonApi
from amzpay.services.queries import RefundFilter
from amzpay.web.api.auth import ServicesDep
from amzpay.web.api.convert import (
    ipn_out,
    refund_out,
    refund_row_out,
    stuck_out,
)
from amzpay.web.api.orders import Limit, Offset
from amzpay.web.api.requests import PRINTABLE
from amzpay.web.api.responses import (
    CheckOut,
    IpnsPage,
    RefundOut,
    RefundRowOut,
    RefundsPage,
)
from amzpay.web.errors import ApiError, ApiRoute, error_responses

router = APIRouter(route_class=ApiRoute)

ReferenceId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=64,
        pattern=PRINTABLE,
        description="Our RefundReferenceId or Amazon's refund id",
    ),
]


@router.get("/refunds", tags=["refunds"], summary="Refunds, oldest request first, with filters")
def list_refunds(
    services: ServicesDep,
    state: Annotated[
        str | None,
        Query(max_length=32, pattern=PRINTABLE, description="requested, pending, completed ..."),
    ] = None,
    order: Annotated[
        str | None, Query(max_length=64, pattern=PRINTABLE, description="An order reference")
    ] = None,
    older_than: Annotated[
        int | None,
        Query(ge=0, le=10 * 365 * 86400, description="Requested more than this many seconds ago"),
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> RefundsPage:
    age = None if older_than is None else timedelta(seconds=older_than)
    page = services.queries.refunds(RefundFilter(state, order, age), limit=limit, offset=offset)
    return RefundsPage(
        refunds=[refund_row_out(row) for row in page.rows],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get(
    "/refunds/stuck",
    tags=["refunds"],
    summary="Refunds still unsettled after the configured age (AMZPAY_POLLING__STUCK_AFTER)",
)
def stuck_refunds(services: ServicesDep) -> list[RefundRowOut]:
    now = services.clock()
    return [stuck_out(record, now) for record in services.poller.stuck_refunds()]


@router.get(
    "/refunds/{reference_id}",
    tags=["refunds"],
    summary="One refund",
    responses=error_responses(404),
)
def get_refund(reference_id: ReferenceId, services: ServicesDep) -> RefundOut:
    view = services.refunds.find(reference_id)
    if view is None:
        raise ApiError(404, "refund_not_found", f"no refund {reference_id!r}", "reference_id")
    return refund_out(view)


@router.post(
    "/refunds/{reference_id}/check",
    tags=["refunds"],
    summary="Ask Amazon about the refund now (GetRefundDetails) and apply the answer",
    responses=error_responses(404),
)
def check_refund(reference_id: ReferenceId, services: ServicesDep) -> CheckOut:
    result = services.poller.check_now(reference_id)
    view = services.refunds.find(result.record.reference_id)
    assert view is not None  # check_now just found it
    return CheckOut(refund=refund_out(view), answered=result.answered, error=result.error)


@router.get("/ipns", tags=["ipns"], summary="The IPN log, newest first")
def list_ipns(
    services: ServicesDep,
    notification_type: Annotated[
        str | None,
        Query(
            max_length=64,
            pattern=PRINTABLE,
            description="e.g. PaymentRefund (legacy API) or REFUND (API v2)",
        ),
    ] = None,
    noted_only: Annotated[
        bool, Query(description="Only messages the worker noted (nothing changed, a failure)")
    ] = False,
    api: Annotated[
        AmazonApi | None, Query(description="Only the messages of one of Amazon's APIs")
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> IpnsPage:
    page = services.queries.ipns(
        notification_type=notification_type,
        errors_only=noted_only,
        limit=limit,
        offset=offset,
        api=api,
    )
    return IpnsPage(
        ipns=[ipn_out(e) for e in page.rows], total=page.total, limit=page.limit, offset=page.offset
    )
