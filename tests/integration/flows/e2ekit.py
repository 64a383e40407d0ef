"""End to end with the real gateway: amzpay built by bootstrap, ``MwsGateway`` over the MWS
client talking to the simulator, its signed IPNs delivered to the shop's receiver; and the
invariant every such test ends with: our books equal Amazon's."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flowkit import STAFF, order_spec
from simamazon import SELLER, SIMULATOR_HOST, SimulatedAmazon

from amzpay.bootstrap import App, build
from amzpay.config import Settings
from amzpay.domain.money import Money
from amzpay.mail.sink import SmtpSink
from amzpay.store.payments import PaymentKind, PaymentRecord

REFUND_SETTLES = 60  # seconds: the simulator keeps a refund Pending for 31 s (research A.12)
AUTHORIZATION_OPENS = 31  # an asynchronous authorization is Pending for 30 s


class Shop:
    def __init__(self, app: App, amazon: SimulatedAmazon) -> None:
        self.app, self.amazon = app, amazon
        self.worker = app.worker("e2e")

    def work(self) -> None:
        for _ in range(20):
            if not self.worker.run_once().busy:
                return
        raise AssertionError("the worker never settled")

    def later(self, seconds: float) -> None:
        """Amazon's time (and so ours) moves on; IPNs arrive; the worker catches up."""
        self.amazon.advance(seconds)
        self.work()

    def states(self, order: str) -> set[str | None]:
        with self.app.database.transaction() as tx:
            return set(tx.item_states(order).values())

    def payments(self, order: str, kind: PaymentKind) -> list[PaymentRecord]:
        with self.app.database.transaction() as tx:
            return tx.payments(order, kind)

    def place(self, payment_method: str = "visa", **changes: Any) -> str:
        """A buyer's order reference with ``payment_method``, imported and confirmed, its
        authorization asked for and (if Amazon takes its time) settled."""
        buyer = self.amazon.sim.create_order_reference(payment_method=payment_method)
        spec = order_spec(amazon_order_reference_id=buyer, **changes)
        order = self.app.orders.import_order(spec, confirm=True)
        self.work()
        self.later(AUTHORIZATION_OPENS)
        return order


def settings(database_url: str, sink: SmtpSink, **extra: str) -> Settings:
    return Settings.load(
        {
            "AMZPAY_DATABASE_URL": database_url,
            "AMZPAY_AMAZON__SELLER_ID": SELLER.seller_id,
            "AMZPAY_AMAZON__SIMULATOR_HOST": SIMULATOR_HOST,
            "AMZPAY_SMTP__HOST": sink.host,
            "AMZPAY_SMTP__PORT": str(sink.port),
            "AMZPAY_SHOP__STAFF": STAFF,
            **extra,
        }
    )


def e2e_shop(database_url: str, sink: SmtpSink, amazon: SimulatedAmazon) -> Shop:
    """amzpay on ``database_url`` with the real gateway in front of ``amazon``."""
    app = build(
        settings(database_url, sink),
        gateway_factory=lambda _, call_log: amazon.gateway(call_log),
        clock=amazon.clock.now,
        certificates=amazon.certificates,
    )
    amazon.receiver = app.ipn
    return Shop(app, amazon)


def closed_order(shop: Shop) -> str:
    """An order confirmed, authorized, captured in full and closed at Amazon."""
    order = shop.place()
    shop.app.orders.fire(order, "capture", None, actor="staff")
    shop.work()
    shop.later(1)
    return order


def assert_books_equal_amazons(shop: Shop, order: str) -> None:
    """Every authorization we know is in the state Amazon says; per capture, what we booked
    as captured and refunded is what Amazon says; the items marked refunded are exactly
    those of completed refund records."""
    for auth in shop.payments(order, PaymentKind.AUTHORIZATION):
        if auth.amazon_id is not None:
            seen = shop.app.gateway.authorization_details(auth.amazon_id)
            assert (auth.state, auth.reason_code) == (seen.state.value, seen.reason_code)
    books = shop.app.ledger.books(order)
    for capture in books.captures:
        assert capture.amazon_id is not None
        seen = shop.app.gateway.capture_details(capture.amazon_id)
        assert seen.amount == capture.captured
        assert (seen.settled or Money.zero(capture.captured.currency)) == capture.refunded
    refunds = shop.payments(order, PaymentKind.REFUND)
    refunded_items = {i for r in refunds if r.state == "completed" for i in r.items}
    assert {item for item, _, state in books.items if state == "refund completed"} == (
        refunded_items & {item for item, _, _ in books.items}
    )


def wait_for(what: str, check: Callable[[], bool], seconds: float = 90.0) -> None:
    """Poll ``check`` until it holds; fail naming ``what`` after ``seconds`` (a bound on
    waiting for another process, not a timed assertion)."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)
