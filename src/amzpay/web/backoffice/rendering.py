"""Pages from the templates: the Jinja2 environment, its filters, and the headers every back
office answer carries (no caching, no framing, scripts and styles from this site only)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from amzpay.domain.money import Money
from amzpay.ports.outage import RETRY_AFTER_SECONDS
from amzpay.services.access import StaffSession
from amzpay.web.backoffice.security import (
    CSRF_HEADER,
    DatabaseUnreachable,
    NotLoggedIn,
    Refusal,
    login_url,
    services_of,
    session_of,
)
from amzpay.web.backoffice.words import (
    AMAZON_IDS,
    SELLER_CENTRAL,
    api_name,
    is_normal,
    reason_in_words,
    reason_words,
    seller_central_url,
    tone,
)

HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("amzpay.web.backoffice", "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters |= {
        "money": money,
        "age": age,
        "when": when,
        "reason": reason_in_words,
        "reason_words": reason_words,
        "normal_reason": is_normal,
        "tone": tone,
        "api_name": api_name,
    }
    env.globals |= {
        "csrf_header": CSRF_HEADER,
        "seller_central_url": seller_central_url,
        "amazon_ids": AMAZON_IDS,
    }
    return env


def render(
    request: Request,
    template: str,
    staff: StaffSession | None,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    """The template as an answer; ``staff`` (None on the login page) fills the header."""
    body = (
        environment()
        .get_template(template)
        .render(
            request=request,
            staff=staff,
            now=services_of(request).clock(),
            seller_central=seller_central_of(request),
            **context,
        )
    )
    return HTMLResponse(body, status_code=status, headers=HEADERS)


def seller_central_of(request: Request) -> str:
    """Seller Central of the shop's region (``create_app``'s), Europe's when it names none."""
    return SELLER_CENTRAL[getattr(request.app.state, "region", "eu")]


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def refusal_page(request: Request, refusal: Exception) -> Response:
    """A Refusal as a page in the layout (a session that ended sends a page to log in)."""
    assert isinstance(refusal, Refusal)
    if isinstance(refusal, NotLoggedIn) and refusal.page:
        return redirect(login_url(refusal.next_path))
    staff = None if isinstance(refusal, NotLoggedIn) else session_of(request)
    return render(request, "error.html", staff, refusal.status, refusal=refusal)


def outage_page(request: Request) -> Response:
    """The page for a database outage (no staff in the header: the session cannot be read)."""
    page = render(request, "error.html", None, 503, refusal=DatabaseUnreachable())
    page.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return page


def money(amount: Money | None) -> str:
    return "" if amount is None else str(amount)


def when(moment: datetime | None) -> str:
    """A moment in UTC, saying so: "2026-03-02 09:30:00 UTC" (a naive one is taken as UTC,
    as the store writes them)."""
    if moment is None:
        return ""
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%d %H:%M:%S UTC")


def age(span: timedelta) -> str:
    """A waiting time as staff say it: "45 s", "12 min", "3 h 5 min", "2 d 4 h"."""
    seconds = max(0, int(span.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if minutes < 60:
        return f"{minutes} min"
    if hours < 24:
        return f"{hours} h {minutes % 60} min" if minutes % 60 else f"{hours} h"
    return f"{days} d {hours % 24} h" if hours % 24 else f"{days} d"
