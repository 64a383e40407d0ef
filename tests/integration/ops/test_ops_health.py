"""/healthz says the process is up without touching the database; /readyz says whether the
database answers, 503 with a JSON reason when it does not."""

from __future__ import annotations

from opskit import metrics_of, value
from sqlalchemy import create_engine, text

from shop import make_shop


def _admin(server: str, statement: str) -> None:
    engine = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def test_a_running_app_is_healthy_and_ready(sqlite_url):
    with make_shop(sqlite_url) as shop:
        assert shop.http.get("/healthz").json() == {"status": "ok"}
        ready = shop.http.get("/readyz")

    assert ready.status_code == 200
    assert ready.json() == {"status": "ready"}


def test_an_unreachable_database_makes_it_unready_but_still_healthy():
    with make_shop("postgresql+psycopg://amzpay@127.0.0.1:9/nowhere") as shop:
        health, ready = shop.http.get("/healthz"), shop.http.get("/readyz")
        metrics = metrics_of(shop)

    assert health.status_code == 200
    assert ready.status_code == 503
    assert ready.json() == {
        "status": "unavailable",
        "reason": "database unreachable: OperationalError",
    }
    assert value(metrics, "amzpay_database_up") == 0


def test_a_database_that_goes_away_turns_ready_into_503(postgres_server):
    _admin(postgres_server, "CREATE DATABASE amzpay_ops_vanishing")
    with make_shop(f"{postgres_server}/amzpay_ops_vanishing") as shop:
        shop.app.database.upgrade()
        before = shop.http.get("/readyz")
        _admin(postgres_server, "DROP DATABASE amzpay_ops_vanishing WITH (FORCE)")
        after = shop.http.get("/readyz")
        health = shop.http.get("/healthz")

    assert before.status_code == 200
    assert after.status_code == 503
    assert after.json()["reason"].startswith("database unreachable")
    assert health.status_code == 200


def test_the_reason_never_shows_the_database_url_or_its_password():
    with make_shop("postgresql+psycopg://amzpay:s3cret-pw@127.0.0.1:9/nowhere") as shop:
        body = shop.http.get("/readyz").text

    assert "s3cret-pw" not in body
    assert "127.0.0.1" not in body
