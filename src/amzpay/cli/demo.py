"""``amzpay demo``: the whole module on one machine, with no configuration.

SQLite in a temporary folder, the Amazon Pay simulator in-process (its clock moved by the
demo, so Amazon's delays cost no real time), the real gateway talking to it, its signed IPNs
delivered to amzpay's receiver, and a local SMTP server for the e-mails. It runs an order
through checkout, authorization, capture and close, then four refunds: one completed by its
IPN, one Amazon declines, one whose IPN is lost (the poll completes it), and the last items
with the shipping. It prints the order's lines and prices, what happened, the refunds (completed
and declined apart, each with its lines), the books beside Amazon's, the e-mails, and what to
try next.

``--api v2`` tells the same story on Amazon Pay API v2: the buyer's checkout session leaves a
charge permission, the order is charged, captured and refunded through charges and refunds,
and Amazon's decline is asked for with the sandbox simulation code ``RefundDeclined``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from rich.console import Console
from rich.table import Table

from amzpay.bootstrap import App, build
from amzpay.cli.failures import CommandFailed
from amzpay.cli.local_amazon import LocalAmazon
from amzpay.config import Settings
from amzpay.domain.money import Money
from amzpay.domain.order import AmazonApi, Order
from amzpay.mail.sink import SmtpSink
from amzpay.services.ledger import OrderBooks
from amzpay.services.order_spec import read_order
from amzpay.services.refunds import RefundView
from amzpay.simulator import ManualClock, Seller

SELLER = Seller(seller_id="A1DEMOSHOP", access_key_id="AKIADEMO", secret_key="demo-secret")
V2_SELLER = replace(SELLER, public_key_id="SANDBOX-ADEMOSHOPKEY0001")  # LocalAmazon makes its key
HOST = "simulator.demo"
STAFF = "staff@shop.demo"
DECLINE = '{"SandboxSimulation": {"State": "Declined", "ReasonCode": "AmazonRejected"}}'
V2_DECLINE = "RefundDeclined"  # API v2's sandbox simulation code for a declined refund
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


class Api(StrEnum):
    """The Amazon Pay API the demo runs on."""

    LEGACY = "legacy"
    V2 = "v2"

    @property
    def described(self) -> str:
        if self is Api.V2:
            return "Amazon Pay API v2 (checkout session, charge permission, charges, refunds)"
        return "Amazon Pay's legacy API (order reference, authorizations, captures, refunds)"


def api_of(name: str) -> Api:
    """The API called ``name``; CommandFailed naming the choices for any other."""
    try:
        return Api(name)
    except ValueError:
        choices = ", ".join(api.value for api in Api)
        raise CommandFailed(f"--api: unknown API {name!r}; choose one of {choices}") from None


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


def demo(api_name: str = Api.LEGACY.value) -> None:
    """Run amzpay end to end against the local Amazon Pay simulator (no configuration), on
    the API called ``api_name``."""
    api = api_of(api_name)
    console = Console()
    amazon = LocalAmazon(V2_SELLER if api is Api.V2 else SELLER, HOST)
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
            gateway_factory=lambda _, call_log: (
                amazon.v2_gateway(call_log) if api is Api.V2 else amazon.gateway(call_log)
            ),
            clock=amazon.clock.now,
            certificates=amazon.certificates,
        )
        amazon.receiver = app.ipn
        try:
            console.print(f"[bold]amzpay demo[/bold] on {api.described}\n", soft_wrap=True)
            (run_v2 if api is Api.V2 else run)(Demo(app, amazon.clock, amazon, console))
            show_mails(console, sink)
            show_next(console)
        finally:
            app.close()
            amazon.close()


def run(demo: Demo) -> None:
    app, order = demo.app, str(ORDER["reference"])
    buyer = demo.amazon.sim.create_order_reference(payment_method="visa")
    spec = ORDER | {"amazon_order_reference_id": buyer}
    show_order(demo, app.orders.import_order(spec, confirm=True))
    demo.step("order imported, order reference confirmed, authorization asked", demo.work)
    demo.step("Amazon opens the authorization (IPN)", lambda: demo.later(31))
    capture_and_refund(
        demo,
        "refund the teapot; Amazon will decline (sandbox simulation)",
        lambda: app.refunds.request(order, ["pot"], actor="staff", note=DECLINE),
    )


def capture_and_refund(demo: Demo, decline_title: str, decline: Callable[[], object]) -> None:
    """Staff capture the authorized order, then four refunds: one completed by its IPN, the
    teapot's, which ``decline`` asks for so that Amazon declines it, one whose IPN is lost
    (the poll completes it), and the last items with the shipping; then the books."""
    app, order = demo.app, str(ORDER["reference"])
    demo.step("staff capture every item; the order closes",
              lambda: app.orders.fire(order, "capture", None, actor="staff"))  # fmt: skip
    demo.later(1)
    demo.step("refund a mug", lambda: app.refunds.request(order, ["mug-1"], actor="staff"))
    demo.step("Amazon completes it (IPN)", lambda: demo.later(REFUND_SETTLES))
    demo.step(decline_title, decline)
    demo.step("Amazon declines it (IPN): staff are told", lambda: demo.later(REFUND_SETTLES))
    demo.amazon.sim.faults.update({"drop_ipns": 1})
    demo.step("refund the other mug; its IPN will be lost",
              lambda: app.refunds.request(order, ["mug-2"], actor="staff"))  # fmt: skip
    demo.step("the poll completes it", lambda: demo.later(REFUND_SETTLES))
    demo.step("refund the tea set: the last items take the shipping",
              lambda: app.refunds.request(order, ["tea-set"], actor="staff"))  # fmt: skip
    demo.step("Amazon completes it (IPN)", lambda: demo.later(REFUND_SETTLES))
    show_books(demo)


def run_v2(demo: Demo) -> None:
    """The story of ``run`` on API v2: the order is imported on the charge permission the
    buyer's checkout session left (confirmed by completing it: nothing to confirm here)."""
    app, order = demo.app, str(ORDER["reference"])
    before_checkout = read_order(ORDER | {"amazon_order_reference_id": "(at checkout)"})
    permission = demo.amazon.v2_checkout(_total(before_checkout))
    spec = ORDER | {"amazon_order_reference_id": permission}
    show_order(demo, app.orders.import_order(spec, api=AmazonApi.V2))
    demo.step("order imported on the buyer's charge permission; Amazon authorizes a charge",
              demo.work)  # fmt: skip
    capture_and_refund(
        demo,
        f"refund the teapot; Amazon will decline (sandbox code {V2_DECLINE})",
        lambda: _declined(demo, order, "pot"),
    )


def _declined(demo: Demo, order: str, item: str) -> None:
    """Refund ``item`` with v2's sandbox code for a decline planned on the refund's call."""
    for refund in demo.app.refunds.request(order, [item], actor="staff"):
        demo.amazon.simulations.plan(refund.reference_id, V2_DECLINE)


def show_order(demo: Demo, reference: str) -> None:
    """The order's lines, one per unit, with the price each one refunds (a bundle's price
    shared over its items, tax inside), so that every amount below can be followed."""
    order = demo.app.queries.order(reference).order
    bundles = {bundle.id: bundle for bundle in order.bundles}
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 2))
    table.add_column("line")
    table.add_column("id", style="dim")
    table.add_column("price", justify="right")
    shown: set[str] = set()
    for item in order.items:
        bundle = bundles.get(item.bundle_id) if item.bundle_id else None
        if bundle is not None and bundle.id not in shown:
            shown.add(bundle.id)
            table.add_row(f"{bundle.name}, a bundle of", bundle.id, str(bundle.gross_price))
        name = f"  {item.name}" if bundle is not None else item.name
        table.add_row(name, item.id, str(item.price_to_pay))
    for expense in order.expenses:
        table.add_row(expense.name, expense.id, str(expense.price_to_pay))
    total = _total(order)
    table.add_row("[bold]total[/bold]", "", f"[bold]{total}[/bold]")
    demo.console.print(f"[bold]The order {order.reference}[/bold] (one line per unit, tax inside)")
    demo.console.print(table)
    demo.console.print()


def _total(order: Order) -> Money:
    """What the buyer pays for ``order``: its lines' prices, tax inside."""
    return Money.total((line.price_to_pay for line in order.lines()), order.currency)


def show_books(demo: Demo) -> None:
    console, books = demo.console, demo.books()
    order = demo.app.queries.order(books.order).order
    names: dict[str, str] = {line.id: line.name for line in order.lines()}
    refunds = demo.app.refunds.refunds(books.order)
    console.print("\n[bold]The refunds[/bold]")
    for refund in refunds:
        reason = f" ({refund.reason_code})" if refund.reason_code else ""
        lines = ", ".join(f"{names.get(line, line)} {amount}" for line, amount in refund.lines)
        console.print(
            f"  {refund.reference_id}: {refund.amount} {refund.state}{reason}: {lines}",
            soft_wrap=True,
        )
    console.print(f"  {_count(refunds, books.booked.currency)}", soft_wrap=True)
    console.print("\n[bold]The books[/bold] (ours, then Amazon's)")
    for capture in books.captures:
        theirs = demo.app.gateway.capture_details(capture.amazon_id or "")
        console.print(
            f"  capture {capture.amazon_id}: captured {capture.captured}, refunded "
            f"{capture.refunded}, pending {capture.pending}",
            soft_wrap=True,
        )
        console.print(f"  Amazon says: captured {theirs.amount}, refunded {theirs.settled}")


def _count(refunds: list[RefundView], currency: str) -> str:
    """Completed and declined refunds apart: a declined one refunded nothing."""
    parts = []
    for state, said in (("completed", "refunded"), ("declined", "asked, nothing refunded")):
        chosen = [r for r in refunds if r.state == state]
        if chosen:
            amount = Money.total((r.amount for r in chosen), currency)
            parts.append(f"{len(chosen)} {state} ({amount} {said})")
    others = len(refunds) - sum(1 for r in refunds if r.state in ("completed", "declined"))
    if others:
        parts.append(f"{others} not settled")
    return "refunds: " + ("; ".join(parts) or "none")


def show_mails(console: Console, sink: SmtpSink) -> None:
    console.print("\n[bold]E-mails sent[/bold]")
    for message in sink.messages:
        console.print(f"  to {message['To']}: {message['Subject']}", soft_wrap=True)


def show_next(console: Console) -> None:
    console.print('\n[bold]Try it yourself[/bold] (README, "Trying it by hand")')
    for command, what in (
        ("amzpay user add ada", "a back-office user (asks for a password)"),
        ("amzpay token add shop", "an API token for the shop's systems"),
        ("amzpay serve --simulator", "amzpay with the simulator, for your own orders"),
        ("http://127.0.0.1:8000/", "then the back office (log in as ada)"),
        ("http://127.0.0.1:8000/api/v1", "and the REST API (/openapi.json describes it)"),
    ):
        console.print(f"  [cyan]{command:<30}[/cyan] {what}", soft_wrap=True)
