"""Who may call the web layer: every /api route needs a live API token; the IPN endpoint needs
none (Amazon signs its messages) and answers 200/400/413/503 as Amazon expects; tokens are
made and revoked with ``amzpay token``."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from amzpay.cli import main
from amzpay.mail.sink import SmtpSink
from amzpay.simulator import InProcessTransport
from amzpay.web.app import create_app
from amzpay.web.errors import MAX_BODY_BYTES as MAX_API_BODY
from amzpay.web.ipn import MAX_BODY_BYTES
from shop import REFUND_SETTLES, Shop, api_client, shop_on


@pytest.fixture
def shop(sqlite_url: str, sink: SmtpSink) -> Iterator[Shop]:
    with shop_on(sqlite_url, sink) as made:
        yield made


@pytest.fixture
def anonymous(shop: Shop) -> Iterator[httpx.Client]:
    """A client that sends no token."""
    transport = InProcessTransport(create_app(shop.app))
    with httpx.Client(transport=transport, base_url="http://amzpay.test") as client:
        yield client


def api_routes(shop: Shop) -> list[tuple[str, str]]:
    """(method, path with its parameters filled) of every /api route."""
    paths = create_app(shop.app).openapi()["paths"]
    return [
        (method.upper(), re.sub(r"\{\w+\}", "X-1", path))
        for path, operations in paths.items()
        if path.startswith("/api/")
        for method in operations
    ]


def test_every_api_route_refuses_a_request_without_a_token(shop, anonymous):
    routes = api_routes(shop)

    answers = {(m, p): anonymous.request(m, p, json={}) for m, p in routes}

    assert len(routes) >= 11
    for answer in answers.values():
        assert answer.status_code == 401
        assert answer.json()["error"] == {
            "code": "unauthorized",
            "message": "send an API token: Authorization: Bearer <token>",
            "field": "Authorization",
        }
        assert answer.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "authorization",
    ["Bearer amzpay_not-a-token", "Bearer ", "Basic ZXJwOnNlY3JldA==", "amzpay_token"],
)
def test_every_api_route_refuses_a_bad_token(shop, anonymous, authorization):
    routes = api_routes(shop)

    codes = {
        anonymous.request(m, p, json={}, headers={"Authorization": authorization}).status_code
        for m, p in routes
    }

    assert codes == {401}


def test_a_revoked_token_is_refused_and_a_live_one_accepted(shop):
    with api_client(shop, "erp") as client:
        accepted = client.get("/api/v1/orders")
        shop.app.access.revoke_api_token("erp")
        refused = client.get("/api/v1/orders")

    assert accepted.status_code == 200
    assert (refused.status_code, refused.json()["error"]["code"]) == (401, "invalid_token")


def test_an_unknown_api_path_is_a_json_404(shop):
    with api_client(shop) as client:
        answer = client.get("/api/v1/nothing-here")

    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"


def test_an_api_body_larger_than_any_request_is_refused_with_413(shop):
    with api_client(shop) as client:
        answer = client.post(
            "/api/v1/orders",
            content=b"[" + b" " * MAX_API_BODY + b"]",
            headers={"Content-Type": "application/json"},
        )

    assert (answer.status_code, answer.json()["error"]["code"]) == (413, "body_too_large")


# -- the IPN endpoint ---------------------------------------------------------------------------


def undelivered_refund_ipn(shop: Shop) -> tuple[bytes, dict[str, str]]:
    """A refund's real signed IPN that Amazon could not deliver (our side was down)."""
    order = shop.closed_order()
    shop.app.refunds.request(order, ["L1-1"], actor="staff")
    shop.work()
    shop.amazon.receiver = None  # deliveries fail: the simulator keeps the message
    shop.amazon.advance(REFUND_SETTLES)
    ipn = next(i for i, _ in shop.amazon.answers if i.notification_type == "PaymentRefund")
    return ipn.body, dict(ipn.headers)


def test_an_ipn_posted_to_the_endpoint_is_stored_acknowledged_and_applied(shop, anonymous):
    body, headers = undelivered_refund_ipn(shop)

    first = anonymous.post("/amazonpay/ipn", content=body, headers=headers)
    again = anonymous.post("/amazonpay/ipn", content=body, headers=headers)
    shop.work()

    assert (first.status_code, first.text) == (200, "stored")
    assert (again.status_code, again.text) == (200, "duplicate")
    [refund] = shop.app.queries.refunds().rows
    assert refund.refund.state == "completed"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"{}",
        b"[]",
        b'{"Type": 5}',
        b"\xff\xfe\x00garbage",
        b'{"Type": "Notification", "MessageId": "m1", "Message": "<x/>", "Signature": "AA=="}',
    ],
)
def test_a_malformed_ipn_is_refused_with_400_and_nothing_is_stored(shop, anonymous, body):
    answer = anonymous.post("/amazonpay/ipn", content=body)

    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "ipn_rejected"
    assert shop.app.queries.ipns().total == 0


def test_an_ipn_with_a_tampered_signature_is_refused(shop, anonymous):
    body, headers = undelivered_refund_ipn(shop)

    assert b"19.99" in body
    answer = anonymous.post(
        "/amazonpay/ipn", content=body.replace(b"19.99", b"99.99"), headers=headers
    )

    assert answer.status_code == 400
    assert shop.app.queries.ipns(notification_type="PaymentRefund").total == 0


def test_the_ipn_endpoint_answers_as_the_api_does_and_is_described_in_openapi(shop, anonymous):
    body, headers = undelivered_refund_ipn(shop)

    with_query = anonymous.post("/amazonpay/ipn?retry=1", content=body, headers=headers)
    read = anonymous.get("/amazonpay/ipn")
    described = anonymous.get("/openapi.json").json()["paths"]["/amazonpay/ipn"]

    assert with_query.status_code == 422
    assert with_query.json()["error"]["code"] == "unknown_parameter"
    assert shop.app.queries.ipns(notification_type="PaymentRefund").total == 0
    assert read.status_code == 405
    assert read.json()["error"]["code"] == "method_not_allowed"
    assert list(described) == ["post"]
    assert set(described["post"]["responses"]) == {"200", "400", "413", "503"}


def test_a_body_larger_than_any_ipn_is_refused_with_413(anonymous):
    too_large = b"x" * (MAX_BODY_BYTES + 1)

    declared = anonymous.post("/amazonpay/ipn", content=too_large)
    streamed = anonymous.post("/amazonpay/ipn", content=iter([too_large[:1000], too_large[1000:]]))

    assert declared.status_code == 413
    assert streamed.status_code == 413
    assert declared.json()["error"]["code"] == "body_too_large"


def test_an_ipn_that_cannot_be_stored_is_answered_503_so_amazon_retries(shop, anonymous):
    body, headers = undelivered_refund_ipn(shop)
    with shop.app.database.transaction() as tx:
        tx.conn.execute(text("ALTER TABLE ipn_inbox RENAME TO ipn_inbox_away"))

    answer = anonymous.post("/amazonpay/ipn", content=body, headers=headers)

    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "ipn_not_stored"


def test_the_endpoint_counts_what_it_accepted_and_why_it_refused_in_metrics(shop, anonymous):
    body, headers = undelivered_refund_ipn(shop)
    tampered = body.replace(b"19.99", b"99.99")

    anonymous.post("/amazonpay/ipn", content=body, headers=headers)
    anonymous.post("/amazonpay/ipn", content=tampered, headers=headers)
    anonymous.post("/amazonpay/ipn", content=b"not json")
    anonymous.post("/amazonpay/ipn", content=b"x" * (MAX_BODY_BYTES + 1))

    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(anonymous.get("/metrics").text)
        for sample in family.samples
    }
    assert samples[("amzpay_ipns_received_total", (("kind", "PaymentRefund"),))] == 1
    for reason in ("signature", "malformed", "too-large"):
        assert samples[("amzpay_ipns_rejected_total", (("reason", reason),))] == 1


# -- amzpay token -------------------------------------------------------------------------------


def test_token_add_prints_a_secret_the_api_accepts_until_it_is_revoked(shop, sqlite_url, capsys):
    made = main(["token", "add", "erp", "--database", sqlite_url])
    secret = capsys.readouterr().out.split()[-1]
    listed = main(["token", "list", "--database", sqlite_url])
    listing = capsys.readouterr().out

    assert (made, listed) == (0, 0)
    assert shop.app.access.api_client(secret) == "erp"
    assert "erp  live" in listing
    assert secret not in listing

    assert main(["token", "revoke", "erp", "--database", sqlite_url]) == 0
    assert shop.app.access.api_client(secret) is None
    assert main(["token", "revoke", "erp", "--database", sqlite_url]) == 1
    assert main(["token", "add", "erp", "--database", sqlite_url]) == 1  # the name stays taken
    assert main(["token", "add", "Not A Name", "--database", sqlite_url]) == 1
