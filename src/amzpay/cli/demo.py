"""``amzpay demo``: the whole module on one machine, with no configuration.

SQLite in a temporary folder, the Amazon Pay simulator in-process (its clock moved by the
demo, so Amazon's delays cost no real time), the real gateway talking to it, its signed IPNs
delivered to amzpay's receiver, and a local SMTP server for the e-mails. It runs an order
through checkout, authorization, capture and close, then four refunds: one completed by its
IPN, one Amazon declines, one whose IPN is lost (the poll completes it), and the last items
with the shipping. It prints what happened, the books beside Amazon's, and the e-mails.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from amzpay.bootstrap import App, build
from amzpay.cli.local_amazon import LocalAmazon
from amzpay.config import Settings
from amzpay.mail.sink import SmtpSink
from amzpay.services.ledger import OrderBooks
from amzpay.simulator import ManualClock, Seller

SELLER = Seller(seller_id="A1DEMOSHOP", access_key_id="AKIADEMO", secret_key="demo-secret")
HOST = "simulator.demo"
STAFF = "staff@shop.demo"
DECLINE = '{"SandboxSimulation": {"State": "Declined", "ReasonCode": "AmazonRejected"}}'
REFUND_SETTLES = 60  # seconds of Amazon's time: a sandbox refund is Pending for 31 s

ORDER = {
    "reference": "DEMO-1001",
    "currency": "EUR",
    "customer": {"email": "buyer@example.com", "locale": "de_DE"},
    "shipments": [{"id": "S1", "method": "standard"}],
    "lines": [
        {"id": "mug", "sku": "mug", "name": "Mug", "quantity": 2, "unit_price": "19.99",
         "tax_rate": "19", "shipment": "S1"},
    ],
    "bundles": [
        {"id": "tea-set", "sku": "tea-set", "name": "Tea set", "price": "49.00", "shipment": "S1",
         "items": [
             {"id": "pot", "sku": "pot", "name": "Teapot", "catalogue_price": "30.00"},
             {"id": "cup", "sku": "cup", "name": "Cup", "catalogue_price": "20.00"},
         ]},
    ],
    "expenses": [
        {"id": "shipping", "name": "Standard delivery", "price": "4.90", "tax_rate": "19",
         "shipment": "S1"},
    ],
}  # fmt: skip


@dataclass
class Demo:
    app: App
    clock: ManualClock
    amazon: LocalAmazon
    console: Console

    def work(self) -> None:
        worker = self.app.worker("demo")
        while worker.run_once().busy:
            pass

    def later(self, seconds: float) -> None:
        """Amazon's time (and so ours) moves on; IPNs arrive; the worker catches up."""
        self.amazon.advance(seconds)
        self.work()

    def step(self, title: str, act: Callable[[], object]) -> None:
        act()
        self.work()
        states = ", ".join(f"{item} {state}" for item, _, state in self.books().items)
        minutes = (self.clock.now() - self.amazon.started).total_seconds() / 60
        self.console.print(f"[dim]+{minutes:5.1f} min[/dim]  [bold]{title}[/bold]")
        self.console.print(f"            {states}", soft_wrap=True)

    def books(self) -> OrderBooks:
        return self.app.ledger.books(str(ORDER["reference"]))


def demo() -> None:
    """Run amzpay end to end against the local Amazon Pay simulator (no configuration)."""
    console = Console()
    amazon = LocalAmazon(SELLER, HOST)
    with tempfile.TemporaryDirectory(prefix="amzpay-demo-") as folder, SmtpSink() as sink:
        settings = Settings.load(
            {
                "AMZPAY_DATABASE_URL": f"sqlite:///{Path(folder) / 'demo.db'}",
                "AMZPAY_AMAZON__SELLER_ID": SELLER.seller_id,
                "AMZPAY_AMAZON__SIMULATOR_HOST": HOST,
                "AMZPAY_SMTP__HOST": sink.host,
                "AMZPAY_SMTP__PORT": str(sink.port),
                "AMZPAY_SHOP__NAME": "The demo shop",
                "AMZPAY_SHOP__STAFF": STAFF,
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
            run(Demo(app, amazon.clock, amazon, console))
            show_mails(console, sink)
        finally:
            app.close()
            amazon.close()


def run(demo: Demo) -> None:
    app, order = demo.app, str(ORDER["reference"])
    buyer = demo.amazon.sim.create_order_reference(payment_method="visa")
    spec = ORDER | {"amazon_order_reference_id": buyer}
    demo.step("order imported, order reference confirmed, authorization asked",
              lambda: app.orders.import_order(spec, confirm=True))  # fmt: skip
    demo.step("Amazon opens the authorization (IPN)", lambda: demo.later(31))
    demo.step("staff capture every item; the order closes",
              lambda: app.orders.fire(order, "capture", None, actor="staff"))  # fmt: skip
    demo.later(1)
    demo.step("refund a mug", lambda: app.refunds.request(order, ["mug-1"], actor="staff"))
    demo.step("Amazon completes it (IPN)", lambda: demo.later(REFUND_SETTLES))
    demo.step("refund the teapot; Amazon will decline (sandbox simulation)",
              lambda: app.refunds.request(order, ["pot"], actor="staff", note=DECLINE))  # fmt: skip
    demo.step("Amazon declines it (IPN): staff are told", lambda: demo.later(REFUND_SETTLES))
    demo.amazon.sim.faults.update({"drop_ipns": 1})
    demo.step("refund the other mug; its IPN will be lost",
              lambda: app.refunds.request(order, ["mug-2"], actor="staff"))  # fmt: skip
    demo.step("the poll completes it", lambda: demo.later(REFUND_SETTLES))
    demo.step("refund the tea set: the last items take the shipping",
              lambda: app.refunds.request(order, ["tea-set"], actor="staff"))  # fmt: skip
    demo.step("Amazon completes it (IPN)", lambda: demo.later(REFUND_SETTLES))
    show_books(demo)


def show_books(demo: Demo) -> None:
    console, books = demo.console, demo.books()
    console.print("\n[bold]The books[/bold] (ours, then Amazon's)")
    for capture in books.captures:
        theirs = demo.app.gateway.capture_details(capture.amazon_id or "")
        console.print(
            f"  capture {capture.amazon_id}: captured {capture.captured}, refunded "
            f"{capture.refunded} in {capture.refunds} refund(s), pending {capture.pending}",
            soft_wrap=True,
        )
        console.print(f"  Amazon says: captured {theirs.amount}, refunded {theirs.settled}")
    for refund in demo.app.refunds.refunds(books.order):
        reason = f" ({refund.reason_code})" if refund.reason_code else ""
        console.print(f"  refund {refund.reference_id}: {refund.amount} {refund.state}{reason}")


def show_mails(console: Console, sink: SmtpSink) -> None:
    console.print("\n[bold]E-mails sent[/bold]")
    for message in sink.messages:
        console.print(f"  to {message['To']}: {message['Subject']}", soft_wrap=True)
