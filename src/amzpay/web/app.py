"""The FastAPI application: each part is a router of its own module, included here."""

from __future__ import annotations

from fastapi import FastAPI

from amzpay import __version__
from amzpay.web import backoffice, health, ipn, metrics
from amzpay.web.api import api_router
from amzpay.web.backoffice.rendering import outage_page
from amzpay.web.context import Services
from amzpay.web.errors import install_json_errors, install_outage_answers


def create_app(services: Services, *, region: str = "eu") -> FastAPI:
    """The web application over ``services`` (``request.app.state.services`` in handlers);
    the back office links Amazon's ids to Seller Central of ``region`` (na, eu, jp)."""
    app = FastAPI(
        title="amzpay",
        version=__version__,
        summary="The Amazon Pay payment module of a shop's order back end, built around refunds.",
        docs_url=None,  # Swagger UI and ReDoc load from a CDN; /openapi.json is the description
        redoc_url=None,
    )
    app.state.services = services
    app.state.region = region
    install_json_errors(app)  # JSON errors under /api and /amazonpay only
    install_outage_answers(app, outage_page)  # a database outage: 503 with Retry-After
    # Amazon's IPNs come first: the busiest route by far, matched before the others are tried.
    ipn.install(app)
    app.include_router(api_router())
    backoffice.install(app)
    app.include_router(health.router)
    app.include_router(metrics.router)
    return app
