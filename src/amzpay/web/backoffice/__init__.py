"""The back office: server-rendered pages for staff (session cookie, CSRF on every form).

    install(app)   # in web/app.py: the routes, /static/backoffice, and the refusal pages

Pages are Jinja2 templates (``templates/``) made lively with htmx, which is vendored in
``static/`` with its licence; nothing is loaded from another site. Every route refuses
without a session (``security.py``); none of them is in the REST API's OpenAPI document.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from amzpay.web.backoffice import lists, login, mails, orders, refund_form, waiting
from amzpay.web.backoffice.rendering import refusal_page
from amzpay.web.backoffice.security import Refusal

STATIC = Path(__file__).parent / "static"
STATIC_PATH = "/static/backoffice"


PARTS = (login, lists, orders, refund_form, waiting, mails)


def router() -> APIRouter:
    """Every back-office route, none of them in the OpenAPI document."""
    combined = APIRouter(include_in_schema=False)
    for part in PARTS:
        combined.include_router(part.router)
    return combined


def routes() -> list[tuple[str, str]]:
    """(method, path) of every route (the tests walk them: each must refuse strangers)."""
    return sorted(
        (method, route.path)
        for part in PARTS
        for route in part.router.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    )


def install(app: FastAPI, *, secure_cookies: bool | None = None, poll_seconds: float = 2) -> None:
    """Add the back office to ``app``. Cookies are Secure when ``secure_cookies`` is True, or,
    when it is None, when the request came over HTTPS (behind a proxy: uvicorn's
    ``--proxy-headers``). An order page with a payment waiting on Amazon asks for its news
    every ``poll_seconds``."""
    app.state.backoffice_secure_cookies = secure_cookies
    app.state.backoffice_poll_seconds = poll_seconds
    app.include_router(router())
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC), name="backoffice-static")
    app.add_exception_handler(Refusal, refusal_page)
