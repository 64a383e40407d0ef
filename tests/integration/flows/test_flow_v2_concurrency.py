"""Conflicting refunds on Amazon Pay API v2, end to end on SQLite and PostgreSQL: several
staff clients ask the REST API at the same moment to refund the same items, through several
shop instances on one database (each with its own connections, as separate processes have),
and then the workers of every instance run at once, in this process or as separate worker
processes built from the settings alone (``crashworker.py``) calling the simulator over HTTP.
Exactly one request is accepted, the others are refused with an error naming the item, and
Amazon makes one refund."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from test_flow_worker_crash import wait_for
from v2shop import (
    REFUND_SETTLES,
    V2Amazon,
    V2Shop,
    key_file,
    v2_app,
    v2_environ,
    v2_settings,
    v2_shop,
)

from amzpay.bootstrap import App
from amzpay.mail.sink import SmtpSink
from amzpay.simulator import InProcessTransport
from amzpay.web.app import create_app

INSTANCES = 3  # shop instances on one database
CLIENTS = 6  # staff clients asking at once, two per instance
ITEMS = ["L1-1", "B1"]
WORKER = Path(__file__).with_name("crashworker.py")


def instances(v2: V2Shop, database_url: str, folder: Path) -> list[App]:
    """``v2``'s app and more instances of the shop on its database and Amazon."""
    settings = v2_settings(database_url, key_file(folder))
    return [v2.app] + [v2_app(settings, v2.amazon) for _ in range(INSTANCES - 1)]


def ask_at_once(apps: list[App], order: str) -> list[httpx.Response]:
    """``CLIENTS`` clients, spread over the instances' REST APIs, ask to refund ``ITEMS``
    of ``order`` at the same moment."""
    token = apps[0].access.add_api_token("erp")
    headers = {"Authorization": f"Bearer {token}"}
    webs = [create_app(app) for app in apps]
    # Each instance answers once before the rush: FastAPI builds a route's models at its first
    # request, silencing pydantic's warnings meanwhile with the process-wide warning filters,
    # so first requests in several threads at once may let one through (an error in tests).
    for web in webs:
        with httpx.Client(transport=InProcessTransport(web), base_url="http://amzpay.test") as http:
            refused = http.post(
                f"/api/v1/orders/{order}/refunds", json={"items": []}, headers=headers
            )
            assert refused.status_code == 422, refused.text  # nothing asked: nothing stored
    start = threading.Barrier(CLIENTS)

    def ask(client: int) -> httpx.Response:
        transport = InProcessTransport(webs[client % len(webs)])
        with httpx.Client(transport=transport, base_url="http://amzpay.test") as http:
            start.wait()
            return http.post(
                f"/api/v1/orders/{order}/refunds", json={"items": ITEMS}, headers=headers
            )

    with ThreadPoolExecutor(CLIENTS) as pool:
        return list(pool.map(ask, range(CLIENTS)))


def work_at_once(apps: list[App]) -> None:
    """Every instance's worker runs at the same time until none has anything to do."""
    start = threading.Barrier(len(apps))

    def work(n: int) -> None:
        worker = apps[n].worker(f"worker-{n}")
        start.wait()
        for _ in range(3):  # a few idle rounds: the others may still be busy
            while worker.run_once().busy:
                pass

    with ThreadPoolExecutor(len(apps)) as pool:
        list(pool.map(work, range(len(apps))))


def worker_processes(v2: V2Shop, environ: dict[str, str]) -> list[subprocess.Popen[bytes]]:
    """``amzpay worker`` in ``INSTANCES`` processes of their own, configured by ``environ``
    alone, their clocks starting at the simulator's time."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("AMZPAY_")}
    start = v2.amazon.clock.now().isoformat()
    return [
        subprocess.Popen(
            [sys.executable, str(WORKER), f"worker-{n}", start],
            env=inherited | environ,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n in range(INSTANCES)
    ]


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=30)


def assert_one_accepted(answers: list[httpx.Response], reference_id: str) -> None:
    """One answer accepted (``reference_id``'s refund), the others refused naming the item."""
    statuses = Counter(answer.status_code for answer in answers)
    [accepted] = [a.json() for a in answers if a.status_code == 201]
    refused: list[dict[str, Any]] = [a.json()["error"] for a in answers if a.status_code != 201]
    assert statuses == {201: 1, 409: CLIENTS - 1}
    assert [made["reference_id"] for made in accepted] == [reference_id]
    for error in refused:
        assert (error["code"], error["field"]) == ("item_not_refundable", "items")
        assert error["message"] == "'L1-1' cannot be refunded: refund pending"


def test_of_conflicting_v2_refund_requests_one_is_accepted_and_amazon_refunds_once(
    v2: V2Shop, database_url: str, tmp_path: Path
):
    order, charge = v2.captured_order()
    apps = instances(v2, database_url, tmp_path)
    try:
        answers = ask_at_once(apps, order)
        work_at_once(apps)
    finally:
        for app in apps[1:]:
            app.close()
    v2.later(REFUND_SETTLES)

    [refund] = v2.app.refunds.refunds(order)
    assert_one_accepted(answers, refund.reference_id)
    assert v2.amazon.calls("CreateRefund") == [(201, None, refund.reference_id)]
    [at_amazon] = v2.amazon.refunds_of(charge)
    assert (refund.state, refund.amazon_id) == ("completed", at_amazon.id)
    assert set(v2.item_states(order).values()) == {"refunded", "closed"}


def test_of_conflicting_v2_refund_requests_worker_processes_send_the_one_refund_once(
    database_url: str, sink: SmtpSink, tmp_path: Path
):
    amazon = V2Amazon()
    endpoint = amazon.serve_v2()
    with v2_shop(database_url, tmp_path, sink, amazon) as v2:
        order, charge = v2.captured_order()
        apps = instances(v2, database_url, tmp_path)
        try:
            answers = ask_at_once(apps, order)
        finally:
            for app in apps[1:]:
                app.close()
        workers = worker_processes(v2, v2_environ(database_url, key_file(tmp_path), endpoint))
        try:
            wait_for("Amazon's answer", lambda: v2.refunds(order)[0].state == "pending")
        finally:
            stop(workers)
        v2.later(REFUND_SETTLES)

        [refund] = v2.app.refunds.refunds(order)
        assert_one_accepted(answers, refund.reference_id)
        assert v2.amazon.calls("CreateRefund") == [(201, None, refund.reference_id)]
        [at_amazon] = v2.amazon.refunds_of(charge)
        assert (refund.state, refund.amazon_id) == ("completed", at_amazon.id)
