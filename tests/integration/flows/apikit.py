"""amzpay as the web layer's tests see it: built by ``bootstrap.build`` with the real gateway
against the in-process simulator (its signed IPNs delivered to the shop's receiver), a web
client with an API token, and builders for orders in the states the tests start from."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from flowkit import STAFF, order_spec
from simamazon import SELLER, SIMULATOR_HOST, SimulatedAmazon

from amzpay.bootstrap import App, build
from amzpay.config import Settings
from amzpay.mail.sink import SmtpSink
from amzpay.simulator import InProcessTransport
from amzpay.web.app import create_app

REFUND_SETTLES = 60  # seconds: the simulator keeps a refund Pending for 31 s
DECLINE = '{"SandboxSimulation": {"State": "Declined", "ReasonCode": "AmazonRejected"}}'


class SimShop:
    def __init__(self, app: App, amazon: SimulatedAmazon) -> None:
        self.app, self.amazon = app, amazon
        self.worker = app.worker("api-tests")

    def work(self) -> None:
        for _ in range(20):
            if not self.worker.run_once().busy:
                return
        raise AssertionError("the worker never settled")

    def later(self, seconds: float) -> None:
        """Amazon's time (and so ours) moves on; IPNs arrive; the worker catches up."""
        self.amazon.advance(seconds)
        self.work()

    def placed_order(self, **changes: Any) -> str:
        """An order confirmed at Amazon and authorized (its items wait for a capture)."""
        buyer = self.amazon.sim.create_order_reference(payment_method="visa")
        spec = order_spec(amazon_order_reference_id=buyer, **changes)
        order = self.app.orders.import_order(spec, confirm=True)
        self.work()
        self.later(31)  # the asynchronous authorization opens; its IPN arrives
        return order

    def closed_order(self, **changes: Any) -> str:
        """An order authorized, captured in full and closed at Amazon."""
        order = self.placed_order(**changes)
        self.app.orders.fire(order, "capture", None, actor="staff")
        self.work()
        self.later(1)
        return order

    def states(self, order: str) -> dict[str, str | None]:
        with self.app.database.transaction() as tx:
            return tx.item_states(order)


@contextmanager
def sim_shop_on(
    database_url: str, sink: SmtpSink, environ: dict[str, str] | None = None
) -> Iterator[SimShop]:
    amazon = SimulatedAmazon()
    settings = Settings.load(
        {
            "AMZPAY_DATABASE_URL": database_url,
            "AMZPAY_AMAZON__SELLER_ID": SELLER.seller_id,
            "AMZPAY_AMAZON__SIMULATOR_HOST": SIMULATOR_HOST,
            "AMZPAY_SMTP__HOST": sink.host,
            "AMZPAY_SMTP__PORT": str(sink.port),
            "AMZPAY_SHOP__STAFF": STAFF,
            **(environ or {}),
        }
    )
    app = build(
        settings,
        gateway_factory=lambda _, call_log: amazon.gateway(call_log),
        clock=amazon.clock.now,
        certificates=amazon.certificates,
    )
    amazon.receiver = app.ipn
    try:
        yield SimShop(app, amazon)
    finally:
        app.close()
        amazon.close()


@contextmanager
def api_client(shop: SimShop, client_name: str = "erp") -> Iterator[httpx.Client]:
    """A client of the shop's web app (in-process) that sends a fresh API token with every
    request."""
    secret = shop.app.access.add_api_token(client_name)
    headers = {"Authorization": f"Bearer {secret}"}
    transport = InProcessTransport(create_app(shop.app))
    with httpx.Client(
        transport=transport, base_url="http://amzpay.test", headers=headers
    ) as client:
        yield client
