"""The REST API under ``/api/v1``, for the shop's own systems (bearer API tokens).

checkout.py   the storefront's checkout: button settings, buyer and address, placing an order
checkout_v2.py  the same with Amazon Pay API v2: button payload, checkout session, payment, order
orders.py     import, list and read orders; events; refund preview and request
refunds.py    read and list refunds, stuck ones, "check now"; the IPN log
requests.py   what clients send; responses.py: what they get
auth.py       the bearer token every route needs
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from amzpay.web.api import checkout, checkout_v2, orders, refunds
from amzpay.web.api.auth import api_client
from amzpay.web.errors import ApiRoute, error_responses

PREFIX = "/api/v1"


def api_router() -> APIRouter:
    """Every API route, each requiring a live API token."""
    router = APIRouter(
        prefix=PREFIX,
        route_class=ApiRoute,
        dependencies=[Depends(api_client)],
        responses=error_responses(401, 413, 422),
    )
    router.include_router(orders.router)
    router.include_router(refunds.router)
    router.include_router(checkout.router)
    router.include_router(checkout_v2.router)
    return router
