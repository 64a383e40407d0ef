"""``amzpay serve`` as a real process: the web app, its worker thread and, in sandbox-simulator
mode, the simulator at one URL; and ``serve --no-worker`` beside a separate ``amzpay worker``
on PostgreSQL. A refund made through the services shows in /metrics."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from typing import Any

from opskit import order_spec, samples, value
from servekit import Served, environment, free_port, running, served, wait_for
from sqlalchemy import create_engine, select, text

from amzpay.bootstrap import App, build
from amzpay.cli import main
from amzpay.cli.sandbox import sandbox_settings
from amzpay.config import Settings
from amzpay.store import tables as t
from amzpay.store.migrate import head_revision

SYNC = "amazon-pay-sync"  # authorize and capture at once: the order closes in seconds


def _shop(env: dict[str, str], server: Served) -> App:
    """amzpay in this test process, on the server's database and simulator."""
    return build(sandbox_settings(Settings.load(env), server.url))


def _closed_order(shop: App, server: Served) -> str:
    """An order imported and confirmed here; the server's worker (or a separate one)
    authorizes, captures and closes it."""
    answer = server.post("/simulator/_sim/order-references", json={})
    assert answer.status_code == 201, answer.text
    spec = order_spec() | {"amazon_order_reference_id": answer.json()["AmazonOrderReferenceId"]}
    order = shop.orders.import_order(spec, process=SYNC, confirm=True)

    def closed() -> bool:
        with shop.database.transaction() as tx:
            return set(tx.item_states(order).values()) == {"closed"}

    wait_for(f"order {order} to be captured and closed", closed)
    return order


def _refund_pending(shop: App, order: str) -> None:
    shop.refunds.request(order, ["L1-1"], actor="staff")

    def pending() -> bool:
        return [r.state for r in shop.refunds.refunds(order)] == ["pending"]

    wait_for("Amazon to answer the refund Pending", pending)


def test_serve_in_simulator_mode_runs_everything_at_one_url(sqlite_url, tmp_path):
    port = free_port()
    env = environment(DATABASE_URL=sqlite_url, AMAZON__SIMULATOR="true", WEB__PORT=str(port))
    with served(env, tmp_path) as server:
        shop = _shop(env, server)
        try:
            health, ready = server.get("/healthz"), server.get("/readyz")
            clock = server.get("/simulator/_sim/clock").json()["now"]
            storefront = server.get("/shop")
            widgets = server.get("/simulator/OffAmazonPayments/de/sandbox/lpa/js/Widgets.js")
            order = _closed_order(shop, server)
            _refund_pending(shop, order)
            found = samples(server.get("/metrics").text)
            ipns = _delivered(server)
        finally:
            shop.close()
        banner = server.output()

    assert health.json() == {"status": "ok"}
    assert ready.json() == {"status": "ready"}
    # The simulator runs on the real clock: sandbox IPNs come in seconds, as Amazon's do.
    simulated_now = datetime.fromisoformat(clock.replace("Z", "+00:00"))
    assert abs(simulated_now - datetime.now(UTC)) < timedelta(minutes=5)
    assert value(found, "amzpay_refunds", state="pending") == 1
    assert value(found, "amzpay_refunds_unsettled") == 1
    assert (
        value(
            found, "amzpay_amazon_api_calls_total", operation="ConfirmOrderReference", outcome="ok"
        )
        == 1
    )
    assert value(found, "amzpay_amazon_api_calls_total", operation="Authorize", outcome="ok") == 1
    assert value(found, "amzpay_amazon_api_calls_total", operation="Refund", outcome="ok") == 1
    # The simulator sends its IPNs to this server's endpoint, which verifies and stores them.
    assert ipns
    assert {delivery["url"] for delivery in ipns} == {f"{server.url}/amazonpay/ipn"}
    assert all(attempt["status"] == 200 for d in ipns for attempt in d["attempts"])
    assert f"back office  {server.url}/" in banner
    assert "sandbox, with the local simulator" in banner
    assert f"simulator    {server.url}/simulator" in banner
    assert f"demo shop    {server.url}/shop" in banner
    assert "Add Mug to cart" in storefront.text
    assert "OffAmazonPayments" in widgets.text
    assert f"database     {sqlite_url}" in banner
    assert "! no back-office user yet: amzpay user add NAME" in banner


def test_serve_without_a_worker_beside_a_separate_worker_on_postgresql(postgres_url, tmp_path):
    port = free_port()
    env = environment(
        DATABASE_URL=postgres_url,
        AMAZON__SIMULATOR="true",
        WEB__PORT=str(port),
        LOG__FORMAT="json",
    )
    with served(env, tmp_path, "--no-worker") as server:
        with running(["worker", "--name", "w-ops"], env, tmp_path, "worker") as worker:
            shop = _shop(env, server)
            try:
                order = _closed_order(shop, server)
                _refund_pending(shop, order)
                found = samples(server.get("/metrics").text)
                with shop.database.transaction() as tx:
                    workers = set(tx.conn.execute(select(t.jobs.c.claimed_by)).scalars())
            finally:
                shop.close()
        banner, worker_log = server.output(), worker.err.read_text()

    assert (
        "worker       none here (--no-worker): the IPNs, polls and mails wait for an amzpay worker"
        in banner
    )
    # Every command ran in the separate worker; its calls count in the server's /metrics.
    assert workers == {"w-ops"}
    assert value(found, "amzpay_amazon_api_calls_total", operation="Authorize", outcome="ok") == 1
    assert value(found, "amzpay_amazon_api_calls_total", operation="Refund", outcome="ok") == 1
    assert value(found, "amzpay_refunds", state="pending") == 1
    lines = [json.loads(line) for line in worker_log.splitlines() if line.strip()]
    assert lines, "the worker logged nothing"
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)


def _delivered(server: Served) -> list[dict[str, Any]]:
    """The simulator's IPN deliveries, once at least one was attempted."""

    def attempted() -> list[dict[str, Any]] | None:
        log = server.get("/simulator/_sim/ipns").json()
        return log if any(d["attempts"] for d in log) else None

    return [d for d in wait_for("an IPN delivery", attempted) if d["attempts"]]


def test_serve_says_at_start_when_the_database_needs_its_migrations(postgres_server, tmp_path):
    engine = create_engine(f"{postgres_server}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("CREATE DATABASE amzpay_ops_serve_unmigrated"))
    engine.dispose()
    env = environment(
        DATABASE_URL=f"{postgres_server}/amzpay_ops_serve_unmigrated", WEB__PORT=str(free_port())
    )

    with served(env, tmp_path, "--no-worker") as server:
        banner = server.output()

    assert f"this amzpay needs {head_revision()}: run amzpay db upgrade" in banner
    assert "no Amazon credentials: calls wait (see amzpay config check)" in banner


def test_the_other_commands_use_the_simulator_serve_simulator_serves(
    sqlite_url, tmp_path, monkeypatch, capsys
):
    # Told once, on serve's command line: the other commands find the mode on the database.
    env = environment(DATABASE_URL=sqlite_url, WEB__PORT=str(free_port()))
    for name in [name for name in os.environ if name.startswith("AMZPAY_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AMZPAY_DATABASE_URL", sqlite_url)
    with served(env, tmp_path, "--simulator") as server:
        shop = _shop(env, server)
        try:
            order = _closed_order(shop, server)
            _refund_pending(shop, order)
            [refund] = shop.refunds.refunds(order)
        finally:
            shop.close()
        checked = main(["refund", "status", refund.reference_id, "--check-now"])
        check = capsys.readouterr()
        main(["config", "check"])
        settings_report = capsys.readouterr().out
        listed = main(["token", "list"])
        listing = capsys.readouterr()

    engine = create_engine(sqlite_url)
    with engine.connect() as connection:
        asked = connection.execute(
            select(t.api_calls.c.outcome).where(t.api_calls.c.operation == "GetRefundDetails")
        ).all()
    engine.dispose()
    assert (checked, check.err) == (0, "")
    assert refund.reference_id in check.out
    assert asked  # over HTTP, to the simulator at /simulator
    assert {outcome for (outcome,) in asked} == {"ok"}
    assert (
        f"✓ amazon: sandbox-simulator mode: amzpay serve runs the local simulator at {server.url}/"
        in (settings_report)
    )
    assert "✗ amazon" not in settings_report
    assert "✗ ipn" not in settings_report
    assert (listed, listing.err) == (0, "")  # no word of Amazon credentials
