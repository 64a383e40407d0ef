"""A shop's back end for the flow tests: amzpay built by ``bootstrap.build`` with the fake
Amazon, a clock the test moves, and a real local SMTP sink."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from amzpay.amazonpay.ipn import CertificateFetcher
from amzpay.bootstrap import App, build
from amzpay.config import Settings
from amzpay.mail.sink import SmtpSink
from amzpay.store.payments import PaymentKind, PaymentRecord
from fakes.clock import FakeClock
from fakes.gateway import FakeGateway
from shop import STAFF, order_spec


class Shop:
    def __init__(self, app: App, amazon: FakeGateway, clock: FakeClock) -> None:
        self.app, self.amazon, self.clock = app, amazon, clock
        self.worker = app.worker("test")

    def work(self) -> None:
        """Run the worker until nothing is left to do now."""
        for _ in range(20):
            if not self.worker.run_once().busy:
                return
        raise AssertionError("the worker never settled")

    def place(self, spec: dict[str, Any]) -> str:
        self.amazon.open_order_reference(spec["amazon_order_reference_id"])
        order = self.app.orders.import_order(spec)
        self.work()
        return order

    def closed_order(self, spec: dict[str, Any] | None = None) -> str:
        """An order authorized, captured in full and closed."""
        order = self.place(spec or order_spec())
        self.app.orders.fire(order, "capture", None, actor="staff")
        self.work()
        return order

    def states(self, order: str) -> dict[str, str | None]:
        with self.app.database.transaction() as tx:
            return tx.item_states(order)

    def refunds(self, order: str) -> list[PaymentRecord]:
        with self.app.database.transaction() as tx:
            return tx.payments(order, PaymentKind.REFUND)

    def later(self, by: timedelta) -> None:
        self.clock.advance(by)
        self.work()


def make_shop(
    database_url: str,
    sink: SmtpSink,
    environ: dict[str, str] | None = None,
    certificates: CertificateFetcher | None = None,
    amazon_type: type[FakeGateway] = FakeGateway,
) -> Shop:
    clock = FakeClock()
    made: list[FakeGateway] = []

    def fake_amazon(_settings: Settings, call_log: Any) -> FakeGateway:
        made.append(amazon_type(clock, call_log=call_log))
        return made[0]

    config = Settings.load(
        {
            "AMZPAY_DATABASE_URL": database_url,
            "AMZPAY_SMTP__HOST": sink.host,
            "AMZPAY_SMTP__PORT": str(sink.port),
            "AMZPAY_SHOP__STAFF": STAFF,
            **(environ or {}),
        }
    )
    app = build(config, gateway_factory=fake_amazon, clock=clock, certificates=certificates)
    return Shop(app, made[0], clock)
