"""The FastAPI application: each part is a router of its own module, included here."""

from __future__ import annotations

from fastapi import FastAPI

from amzpay import __version__
from amzpay.web import backoffice, health, metrics
from amzpay.web.context import Services


def create_app(services: Services) -> FastAPI:
    """The web application over ``services`` (``request.app.state.services`` in handlers)."""
    app = FastAPI(
        title="amzpay",
        version=__version__,
        summary="The Amazon Pay payment module of a shop's order back end, built around refunds.",
    )
    app.state.services = services
    backoffice.install(app)
    app.include_router(health.router)
    app.include_router(metrics.router)
    return app
