"""The FastAPI application: each part is a router of its own module, included here."""

from __future__ import annotations

from fastapi import FastAPI

from amzpay import __version__
from amzpay.web import ipn
from amzpay.web.api import api_router
from amzpay.web.context import Services
from amzpay.web.errors import install_json_errors


def create_app(services: Services) -> FastAPI:
    """The web application over ``services`` (``request.app.state.services`` in handlers)."""
    app = FastAPI(
        title="amzpay",
        version=__version__,
        summary="The Amazon Pay payment module of a shop's order back end, built around refunds.",
    )
    app.state.services = services
    install_json_errors(app)  # JSON errors under /api and /amazonpay only
    app.include_router(api_router())
    app.include_router(ipn.router)
    return app
