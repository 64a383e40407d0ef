"""Who may use the back office: every page and action refuses without a session, every POST
without the session's CSRF token; logging in and out; the cookie's flags."""

from __future__ import annotations

import re

import pytest
from bo_shop import PASSWORD, USERNAME, http_client, log_in

from amzpay.web.backoffice import routes
from amzpay.web.backoffice.security import LOGIN_COOKIE, SESSION_COOKIE

PUBLIC = {("GET", "/login"), ("POST", "/login")}
PATH_VALUES = {"reference": "BO-1001", "reference_id": "R-unknown", "mail_id": "1"}


@pytest.mark.parametrize(("method", "path"), [r for r in routes() if r not in PUBLIC])
def test_every_page_and_action_refuses_without_a_session(client, method, path):
    url = path.format(**PATH_VALUES)

    answer = client.request(method, url, data={"items": ["mug-1"], "event": "capture"})
    as_htmx = client.request(method, url, headers={"HX-Request": "true"})

    if answer.status_code == 303:
        assert method == "GET"
        assert answer.headers["location"].startswith("/login")
    else:
        assert answer.status_code == 401
    assert as_htmx.status_code == 401


def test_a_page_sends_a_stranger_to_log_in_and_back(shop, client):
    order = shop.closed_order()

    answer = client.get(f"/orders/{order}")
    login = client.get(answer.headers["location"])
    back = client.post(
        "/login",
        data={
            "username": USERNAME,
            "password": PASSWORD,
            "login_token": client.cookies.get(LOGIN_COOKIE) or "",
            "next": f"/orders/{order}",
        },
    )

    assert answer.status_code == 303
    assert f'value="/orders/{order}"' in login.text
    assert back.headers["location"] == f"/orders/{order}"


def test_a_wrong_password_is_refused_and_opens_no_session(client):
    client.get("/login")

    answer = client.post(
        "/login",
        data={
            "username": USERNAME,
            "password": "not the password at all",
            "login_token": client.cookies.get(LOGIN_COOKIE) or "",
        },
    )

    assert answer.status_code == 401
    assert "Wrong username or password" in answer.text
    assert SESSION_COOKIE not in answer.cookies
    assert client.get("/orders").status_code == 303


def test_an_unknown_user_gets_the_same_answer_as_a_wrong_password(client):
    client.get("/login")

    answer = client.post(
        "/login",
        data={
            "username": "nobody",
            "password": "whatever it may be",
            "login_token": client.cookies.get(LOGIN_COOKIE) or "",
        },
    )

    assert answer.status_code == 401
    assert "Wrong username or password" in answer.text


def test_a_login_form_without_its_own_token_is_refused(client):
    answer = client.post("/login", data={"username": USERNAME, "password": PASSWORD})

    assert answer.status_code == 403
    assert SESSION_COOKIE not in answer.cookies


def test_a_login_elsewhere_is_never_a_redirect_to_another_site(client):
    client.get("/login")

    answer = client.post(
        "/login",
        data={
            "username": USERNAME,
            "password": PASSWORD,
            "login_token": client.cookies.get(LOGIN_COOKIE) or "",
            "next": "//evil.example/orders",
        },
    )

    assert answer.headers["location"] == "/"


def test_the_session_cookie_is_httponly_and_samesite_lax(client):
    client.get("/login")

    answer = client.post(
        "/login",
        data={
            "username": USERNAME,
            "password": PASSWORD,
            "login_token": client.cookies.get(LOGIN_COOKIE) or "",
        },
    )

    cookie = next(c for c in answer.headers.get_list("set-cookie") if SESSION_COOKIE in c)
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain HTTP here; over HTTPS it is Secure (next test)


def test_the_session_cookie_is_secure_over_https(shop):
    with http_client(shop.web, base_url="https://backoffice.test") as client:
        client.get("/login")
        answer = client.post(
            "/login",
            data={
                "username": USERNAME,
                "password": PASSWORD,
                "login_token": client.cookies.get(LOGIN_COOKIE) or "",
            },
        )

    cookie = next(c for c in answer.headers.get_list("set-cookie") if SESSION_COOKIE in c)
    assert "Secure" in cookie


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(shop, client):
    order = shop.closed_order()
    log_in(client)

    answer = client.post(f"/orders/{order}/refund", data={"items": ["mug-1"]})

    assert answer.status_code == 403
    assert "Form refused" in answer.text
    assert "security token" in answer.text
    assert shop.app.refunds.refunds(order) == []


def test_a_post_with_another_sessions_token_is_refused(shop, client):
    order = shop.closed_order()
    log_in(client)
    with http_client(shop.web) as other:
        stolen = log_in(other)

    answer = client.post(f"/orders/{order}/refund", data={"items": ["mug-1"], "csrf_token": stolen})

    assert answer.status_code == 403
    assert shop.app.refunds.refunds(order) == []


def test_htmx_sends_the_token_in_a_header(shop, client):
    order = shop.closed_order()
    csrf = log_in(client)

    answer = client.post(
        f"/orders/{order}/refund/preview",
        data={"items": ["mug-1"]},
        headers={"X-CSRF-Token": csrf, "HX-Request": "true"},
    )

    assert answer.status_code == 200
    assert "19.99 EUR" in answer.text


def test_logging_out_ends_the_session(client):
    csrf = log_in(client)
    cookie = client.cookies.get(SESSION_COOKIE)

    answer = client.post("/logout", data={"csrf_token": csrf})
    client.cookies.set(SESSION_COOKIE, cookie or "")

    assert answer.headers["location"] == "/login"
    assert client.get("/orders").status_code == 303


def test_pages_forbid_framing_and_foreign_scripts(client):
    log_in(client)

    answer = client.get("/orders")

    policy = answer.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert answer.headers["cache-control"] == "no-store"
    assert not re.search(r"<script[^>]+src=\"https?:", answer.text)


def test_the_back_office_stays_out_of_the_rest_apis_openapi_document(shop, client):
    paths = client.get("/openapi.json").json()["paths"]

    assert not [path for path in paths if path.startswith(("/orders", "/login", "/refunds"))]
