"""Conflicting refunds on Amazon Pay API v2, end to end on SQLite and PostgreSQL: several
staff clients ask the REST API at the same moment to refund the same items, through several
shop instances on one database (each with its own connections, as separate processes have),
and then the workers of every instance run at once. Exactly one request is accepted, the
others are refused with an error naming the item, and Amazon makes one refund."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from v2shop import REFUND_SETTLES, V2Shop, key_file, v2_app, v2_settings

from amzpay.bootstrap import App
from amzpay.simulator import InProcessTransport
from amzpay.web.app import create_app

INSTANCES = 3  # shop instances on one database
CLIENTS = 6  # staff clients asking at once, two per instance
ITEMS = ["L1-1", "B1"]


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

    statuses = Counter(answer.status_code for answer in answers)
    [accepted] = [a.json() for a in answers if a.status_code == 201]
    refused: list[dict[str, Any]] = [a.json()["error"] for a in answers if a.status_code != 201]
    [refund] = v2.app.refunds.refunds(order)
    assert statuses == {201: 1, 409: CLIENTS - 1}
    assert [made["reference_id"] for made in accepted] == [refund.reference_id]
    for error in refused:
        assert (error["code"], error["field"]) == ("item_not_refundable", "items")
        assert error["message"] == "'L1-1' cannot be refunded: refund pending"
    assert v2.amazon.calls("CreateRefund") == [(201, None, refund.reference_id)]
    [at_amazon] = v2.amazon.refunds_of(charge)
    assert (refund.state, refund.amazon_id) == ("completed", at_amazon.id)
    assert set(v2.item_states(order).values()) == {"refund completed", "closed"}
