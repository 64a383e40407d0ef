"""Who is asking: the staff session behind the cookie, and the CSRF token every POST carries.

    staff = Depends(page_session)     # a page: no session -> 303 to /login?next=...
    staff = Depends(action_session)   # a fragment or action: no session -> 401
    staff = Depends(posted_session)   # a POST: the session, and its CSRF token checked -> 403

The cookie holds the session's random token (only its digest is stored); it is HttpOnly and
SameSite=Lax, and Secure when the request came over HTTPS (or always, by ``install``'s
``secure_cookies``). The CSRF token is the session's own: forms send it in a hidden
``csrf_token`` field, htmx in the ``X-CSRF-Token`` header (``hx-headers`` on the page's body).
Requests that read never change anything, so only POSTs are checked.
"""

from __future__ import annotations

import secrets
from typing import Annotated, cast
from urllib.parse import quote

from fastapi import Depends, Form, Request
from fastapi.responses import Response

from amzpay.services.access import StaffSession
from amzpay.web.context import Services

SESSION_COOKIE = "amzpay_session"
LOGIN_COOKIE = "amzpay_login"  # the login form's own CSRF token (double submit)
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


class Refusal(Exception):
    """Base of the back office's refusals: each becomes a page in the back office's layout."""

    status = 400
    title = "Refused"

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class NotLoggedIn(Refusal):
    """No live session: a page redirects to the login form, anything else answers 401."""

    status = 401
    title = "Please log in"

    def __init__(self, *, page: bool, next_path: str = "/") -> None:
        self.page, self.next_path = page, next_path
        super().__init__("Your session has ended or you are not logged in.")


class CsrfRefused(Refusal):
    """A POST without the session's CSRF token (a forged or stale form)."""

    status = 403
    title = "Form refused"

    def __init__(self) -> None:
        super().__init__(
            "This form did not carry the security token of your session, so nothing was done. "
            "It may be older than your session: reload the page and try again."
        )


class DatabaseUnreachable(Refusal):
    """The database does not answer: a passing outage, so a 503 that says when to try again."""

    status = 503
    title = "The database is unreachable"

    def __init__(self) -> None:
        super().__init__(
            "The database does not answer just now, so this page cannot be shown. "
            "It works again as soon as the database is back: try again in a few seconds."
        )


class NotFound(Refusal):
    status = 404
    title = "Not found"


def services_of(request: Request) -> Services:
    return cast(Services, request.app.state.services)


def session_of(request: Request) -> StaffSession | None:
    token = request.cookies.get(SESSION_COOKIE, "")
    return services_of(request).access.session(token) if token else None


def page_session(request: Request) -> StaffSession:
    """The session of a page request; without one the browser is sent to log in."""
    found = session_of(request)
    if found is None:
        htmx = request.headers.get("HX-Request") == "true"
        raise NotLoggedIn(page=not htmx, next_path=_here(request))
    return found


def action_session(request: Request) -> StaffSession:
    """The session of a fragment or an action; without one: 401."""
    found = session_of(request)
    if found is None:
        raise NotLoggedIn(page=False)
    return found


async def posted_session(
    request: Request, staff: Annotated[StaffSession, Depends(action_session)]
) -> StaffSession:
    """The session of a POST whose CSRF token (header or form field) is the session's."""
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        field = form.get(CSRF_FIELD)
        sent = field if isinstance(field, str) else ""
    if not secrets.compare_digest(sent.encode(), staff.csrf_token.encode()):
        raise CsrfRefused
    return staff


PageStaff = Annotated[StaffSession, Depends(page_session)]
ActionStaff = Annotated[StaffSession, Depends(action_session)]
PostedStaff = Annotated[StaffSession, Depends(posted_session)]
FormList = Annotated[list[str], Form(default_factory=list)]  # a missing field is an empty list
FormText = Annotated[str, Form()]


def set_cookie(
    request: Request, response: Response, name: str, value: str, max_age: int | None
) -> None:
    secure = request.app.state.backoffice_secure_cookies
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https" if secure is None else bool(secure),
    )


def login_url(next_path: str) -> str:
    return "/login" if next_path in ("", "/") else f"/login?next={quote(next_path, safe='')}"


def safe_next(next_path: str | None) -> str:
    """Where to go after logging in: a path of this site only (never ``//host`` or a URL)."""
    if not next_path or not next_path.startswith("/") or next_path.startswith(("//", "/\\")):
        return "/"
    return next_path


def _here(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")
