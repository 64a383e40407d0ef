"""``amzpay serve`` on a PostgreSQL server that stops and comes back: the API and the back
office answer 503 with Retry-After meanwhile (the cause named, no secret), the worker thread
backs off and says once that the database went and once that it is back, with no traceback;
afterwards everything works again."""

from __future__ import annotations

import json
import re
import time
from concurrent.futures import Future
from types import SimpleNamespace
from typing import Any

import httpx
from servekit import Served, environment, free_port, served, wait_for

from amzpay.amazonpay.ipn import VerifiedSubscription
from amzpay.bootstrap import build
from amzpay.config import Settings
from amzpay.ports.outage import RETRY_AFTER_SECONDS
from amzpay.store.database import Database
from amzpay.store.migrate import head_revision
from fixtures_store import PostgresServer, _admin
from shop import make_shop

LOST = "the database is unreachable"
BACK = "the database answers again"


def _migrated_database_with_a_token(server: PostgresServer) -> tuple[str, str]:
    _admin(server.url, "CREATE DATABASE amzpay_outage")
    url = f"{server.url}/amzpay_outage"
    database = Database(url, migrate=True)
    try:
        assert database.revision() == head_revision()
    finally:
        database.dispose()
    app = build(Settings.load({"AMZPAY_DATABASE_URL": url}))
    try:
        return url, app.access.add_api_token("outage-test")
    finally:
        app.close()


def _get(server: Served, path: str, **options: Any) -> httpx.Response:
    return httpx.get(server.url + path, timeout=10, **options)


def _lines(server: Served) -> list[dict[str, str]]:
    """What amzpay logged (uvicorn's and the libraries' lines left out)."""
    lines = [json.loads(line) for line in server.err.read_text().splitlines() if line.strip()]
    return [line for line in lines if line["logger"].startswith("amzpay")]


def _worker_lines(server: Served, words: str) -> list[dict[str, str]]:
    return [line for line in _lines(server) if words in line["message"]]


def test_serve_rides_out_a_database_outage_and_says_so_once_each_way(
    stoppable_postgres: PostgresServer, tmp_path
):
    url, token = _migrated_database_with_a_token(stoppable_postgres)
    env = environment(
        DATABASE_URL=url, WEB__PORT=str(free_port()), LOG__FORMAT="json", LOG__LEVEL="DEBUG"
    )
    api = {"Authorization": f"Bearer {token}"}
    with served(env, tmp_path) as server:
        assert _get(server, "/api/v1/orders", headers=api).status_code == 200

        stoppable_postgres.stop()
        wait_for("the worker to notice", lambda: _worker_lines(server, LOST) or None)
        answer = _get(server, "/api/v1/orders", headers=api)
        page = _get(server, "/orders", headers={"Cookie": "amzpay_session=any"})
        ready = server.get("/readyz")
        time.sleep(5)  # the worker tries again after 1 s, then 2 s later...
        outage_log = _lines(server)

        stoppable_postgres.start()
        wait_for("the worker to be back", lambda: _worker_lines(server, BACK) or None, seconds=60)
        after = _get(server, "/api/v1/orders", headers=api)

    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert answer.json() == {
        "error": {
            "code": "database_unavailable",
            "message": "the database is unreachable; try again shortly",
            "field": None,
        }
    }
    assert page.status_code == 503
    assert page.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "The database is unreachable" in page.text
    assert str(stoppable_postgres.port) not in answer.text + page.text
    assert ready.status_code == 503
    assert after.status_code == 200

    lost, back = _worker_lines(server, LOST), _worker_lines(server, BACK)
    assert len(lost) == 1, lost
    assert len(back) == 1, back
    assert lost[0]["level"] == "warning"
    assert "OperationalError" in lost[0]["message"]
    assert re.search(r"after \d+ s", back[0]["message"])
    # While it was down, the worker tried again after 1 s, 2 s, 4 s: a few lines, not a flood.
    pauses = [
        line["message"].rsplit(" ", 2)[-2]
        for line in outage_log
        if "still unreachable" in line["message"]
    ]
    assert pauses[:2] == ["2", "4"], outage_log
    assert len(outage_log) < 20, outage_log
    everything = server.err.read_text()
    assert "Traceback" not in everything
    assert not [line for line in _lines(server) if "exception" in line]


def test_while_the_database_is_unreachable_every_entry_answers_503_with_retry_after():
    """In-process, on a PostgreSQL URL where no server listens: the API, the back office and
    the IPN endpoint (a message that verified but cannot be stored) each answer 503."""
    nobody = f"postgresql+psycopg://amzpay:s3cret@127.0.0.1:{free_port()}/amzpay"
    with make_shop(nobody) as shop:
        envelope = SimpleNamespace(type=SimpleNamespace(value="X"), message_id="m-1")
        verified = VerifiedSubscription(envelope)  # type: ignore[arg-type]
        key: Future[object] = Future()
        key.set_result(None)  # its certificate's key is at hand: the check needs no fetch
        screened = SimpleNamespace(body=b"{}", envelope=envelope, message=None, key=key)
        verifier = shop.app.ipn.verifier
        verifier.screen = lambda body, headers=None: screened  # type: ignore[method-assign]
        verifier.finish = lambda screened: verified  # type: ignore[method-assign]
        api = shop.http.get("/api/v1/orders", headers={"Authorization": "Bearer any"})
        page = shop.http.get("/orders", headers={"Cookie": "amzpay_session=any"})
        ipn = shop.http.post("/amazonpay/ipn", content=b"{}")

    assert api.status_code == 503
    assert api.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert api.json()["error"]["code"] == "database_unavailable"
    assert page.status_code == 503
    assert page.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert ipn.status_code == 503
    assert ipn.headers["Retry-After"] == "60"  # Amazon delivers it again later
    assert ipn.json()["error"]["code"] == "ipn_not_stored"
    for answer in (api, page, ipn):
        assert "s3cret" not in answer.text
        assert "127.0.0.1" not in answer.text
