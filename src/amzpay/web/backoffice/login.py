"""Logging in and out.

The login form has no session yet, so it is protected by a double-submit token of its own: a
random value in an HttpOnly cookie and the same value in the form (login CSRF would log a
member of staff into someone else's account). A wrong username, a wrong password and a
disabled user get the same answer. Too many failed logins for a username or from an address
get 429 with ``Retry-After``, before the password is checked (``services.login_limits``). The
address is the client's as uvicorn sees it: a proxy on another machine must pass it in
``X-Forwarded-For`` and be trusted with ``FORWARDED_ALLOW_IPS`` (docs/operations.md).
"""

from __future__ import annotations

import math
import secrets

from fastapi import APIRouter, Request
from fastapi.responses import Response

from amzpay.services.access import LoginRefused, LoginThrottled
from amzpay.services.login_limits import LoginFailure
from amzpay.web.backoffice.paging import PAGE_SIZE, Query, pager
from amzpay.web.backoffice.rendering import redirect, render
from amzpay.web.backoffice.security import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    CsrfRefused,
    FormText,
    PageStaff,
    PostedStaff,
    safe_next,
    services_of,
    session_of,
    set_cookie,
)

router = APIRouter()
LOGIN_FORM_LIFETIME = 3600  # seconds a login form stays usable
FAILURE_WORDS = {
    LoginFailure.WRONG_PASSWORD: "wrong password",
    LoginFailure.UNKNOWN_USER: "no such user",
    LoginFailure.DISABLED_USER: "user disabled",
    LoginFailure.THROTTLED: "refused unchecked: too many failed logins",
}


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    if session_of(request) is not None:
        return redirect(safe_next(next))
    return _form(request, safe_next(next), error=None, status=200)


@router.post("/login")
def log_in(
    request: Request,
    username: FormText = "",
    password: FormText = "",
    login_token: FormText = "",
    next: FormText = "/",
) -> Response:
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not secrets.compare_digest(login_token.encode(), expected.encode()):
        raise CsrfRefused
    access = services_of(request).access
    address = request.client.host if request.client is not None else "unknown"
    try:
        session = access.log_in(username.strip(), password, address)
    except LoginThrottled as throttled:
        response = _form(request, safe_next(next), error=str(throttled).capitalize(), status=429)
        response.headers["Retry-After"] = str(math.ceil(throttled.retry_after.total_seconds()))
        return response
    except LoginRefused as refused:
        return _form(request, safe_next(next), error=str(refused).capitalize(), status=401)
    response = redirect(safe_next(next))
    lifetime = int((session.expires_at - services_of(request).clock()).total_seconds())
    set_cookie(request, response, SESSION_COOKIE, session.token, max_age=lifetime)
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@router.post("/logout")
def log_out(request: Request, staff: PostedStaff) -> Response:
    services_of(request).access.log_out(staff.token)
    response = redirect("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/logins")
def failed_logins(request: Request, staff: PageStaff) -> Response:
    """Failed logins, newest first, optionally of one username."""
    query = Query(request)
    access = services_of(request).access
    rows, total = access.login_failures(PAGE_SIZE, query.offset, query.text("username"))
    return render(
        request,
        "logins.html",
        staff,
        failures=rows,
        words=FAILURE_WORDS,
        limits=access.limits,
        pager=pager(query, len(rows), total),
        query=query,
    )


def _form(request: Request, next_path: str, error: str | None, status: int) -> Response:
    token = secrets.token_urlsafe(32)
    response = render(
        request, "login.html", None, status, login_token=token, next_path=next_path, error=error
    )
    set_cookie(request, response, LOGIN_COOKIE, token, max_age=LOGIN_FORM_LIFETIME)
    return response
