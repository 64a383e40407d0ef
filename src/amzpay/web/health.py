"""``/healthz`` and ``/readyz``: what a load balancer or an orchestrator asks.

``/healthz`` says the process is up and serving (it touches nothing else, so a slow database
never gets a healthy process restarted); ``/readyz`` says it can do its work: the database
answers a trivial query. Not ready is a 503 with a JSON reason, never a 500.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from amzpay.ports.errors import StorageFailed
from amzpay.web.context import Services

log = logging.getLogger(__name__)

router = APIRouter(tags=["operations"])


@router.get("/healthz", include_in_schema=False)
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", include_in_schema=False)
def readyz(request: Request) -> JSONResponse:
    """The database answers: 200, else 503 with the reason (the error's kind, no URL)."""
    services: Services = request.app.state.services
    try:
        services.database.ping()
    except StorageFailed as error:
        log.warning("not ready: the database did not answer (%s)", error.kind)
        reason = f"database unreachable: {error.kind}"
        return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
    return JSONResponse({"status": "ready"})
