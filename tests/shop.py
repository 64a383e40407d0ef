"""A shop wired to the in-process simulator, as the end-to-end, API, operations and back-office
tests use it.

amzpay is built by ``bootstrap.build`` with the real gateway (``MwsGateway`` over amzpay's MWS
client) talking to Amazon Pay's simulator in-process (``amzpay.cli.local_amazon.LocalAmazon``:
its clock moved by hand, its signed IPNs delivered to amzpay's receiver and answered 200, 400
or 503 as the IPN endpoint answers). ``Shop`` runs the worker until it settles, moves Amazon's
time on and builds orders in the states the tests start from; ``assert_books_equal_amazons``
is the invariant every such test ends with: our books equal Amazon's. ``FakeShop`` has the
same shape in front of the fake Amazon (``fakes.gateway``), on a clock the test moves.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import cached_property
from itertools import count
from typing import Any, Final, Generic, Self, TypeVar

import httpx
import uvicorn
from fastapi import FastAPI

from amzpay.amazonpay.calllog import CallLog
from amzpay.amazonpay.gateway import PaymentGateway
from amzpay.amazonpay.ipn import CertificateFetcher
from amzpay.amazonpay.routing import Gateways
from amzpay.bootstrap import App, build
from amzpay.cli.local_amazon import SANDBOX_PATH, LocalAmazon, no_wait
from amzpay.config import Settings
from amzpay.domain.money import Money
from amzpay.domain.payment import PaymentKind, PaymentRecord, RefundState
from amzpay.mail.sink import SmtpSink
from amzpay.processes.settlement import signal_of
from amzpay.simulator import InProcessTransport, Seller
from amzpay.simulator.core import Sleep
from amzpay.web.app import create_app
from fakes.clock import FakeClock
from fakes.gateway import FakeGateway
from fakes.memory import MemoryStorage

SELLER: Final = Seller(seller_id="A1FLOWSELLER", access_key_id="AKIAFLOW", secret_key="s3")
SIMULATOR_HOST: Final = "sim.test"
START: Final = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
STAFF: Final = "staff@shop.test"

REFUND_SETTLES: Final = 60  # seconds: the simulator keeps a refund Pending for 31 s
AUTHORIZATION_OPENS: Final = 31  # an asynchronous authorization is Pending for 30 s
DECLINE: Final = '{"SandboxSimulation": {"State": "Declined", "ReasonCode": "AmazonRejected"}}'

_numbers = count(1)


def order_spec(**changes: Any) -> dict[str, Any]:
    """An order of two mugs (one line) and a tea set (a bundle of two), shipped at 4.90."""
    number = next(_numbers)
    spec: dict[str, Any] = {
        "reference": f"FLOW-{number}",
        "currency": "EUR",
        "customer": {"email": "buyer@example.com", "locale": "de_DE"},
        "amazon_order_reference_id": f"S02-{number:07d}-{number:07d}",
        "shipments": [{"id": "S1", "method": "standard"}],
        "lines": [
            {
                "id": "L1",
                "sku": "mug",
                "name": "Mug",
                "quantity": 2,
                "unit_price": "19.99",
                "tax_rate": "19",
                "shipment": "S1",
            }
        ],
        "bundles": [
            {
                "id": "B1",
                "sku": "tea-set",
                "name": "Tea set",
                "price": "49.00",
                "shipment": "S1",
                "items": [
                    {"id": "B1-pot", "sku": "pot", "name": "Pot", "catalogue_price": "30.00"},
                    {"id": "B1-cup", "sku": "cup", "name": "Cup", "catalogue_price": "20.00"},
                ],
            }
        ],
        "expenses": [
            {
                "id": "ship-1",
                "name": "Delivery",
                "price": "4.90",
                "tax_rate": "19",
                "shipment": "S1",
            }
        ],
    }
    spec.update(changes)
    return spec


class SimulatedAmazon(LocalAmazon):
    """``amzpay demo``'s local Amazon (by default for the flow tests' seller, on a fixed
    start), with builders for payment objects made straight at Amazon and a loopback server
    for other processes."""

    def __init__(
        self,
        seller: Seller = SELLER,
        host: str = SIMULATOR_HOST,
        *,
        start: datetime | None = START,
        seed: int = 3,
        sleep: Sleep = no_wait,
        **options: Any,  # LocalAmazon's others: v2_key, throttling, pages_url
    ) -> None:
        super().__init__(seller, host, start=start, seed=seed, sleep=sleep, **options)
        self.host = host
        self._server: tuple[uvicorn.Server, threading.Thread] | None = None
        self.client = self.mws_client()  # calls the tests make straight at Amazon

    def captured(self, total: Money, reference: str) -> str:
        """A Completed capture of ``total`` on a fresh order; returns its Amazon id."""
        order_id = self.sim.create_order_reference(payment_method="visa")
        self.client.set_order_reference_details(order_id, total)
        self.client.confirm_order_reference(order_id)
        auth = self.client.authorize(order_id, f"A{reference}", total, transaction_timeout=0)
        capture = self.client.capture(auth.value.amazon_authorization_id, f"C{reference}", total)
        return capture.value.amazon_capture_id

    def refund(self, capture_id: str, reference_id: str, amount: Money, note: str = "") -> str:
        answer = self.client.refund(capture_id, reference_id, amount, seller_note=note or None)
        return answer.value.amazon_refund_id

    def serve(self) -> str:
        """Serve this simulator over HTTP on a free loopback port, as ``amzpay simulator
        --no-throttle`` would but on this clock (uvicorn in a thread); returns the endpoint
        URL for another process's settings."""
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        port = listener.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(self.app, log_level="critical", lifespan="off"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
        thread.start()
        self._server = (server, thread)
        for _ in range(500):
            if server.started:
                return f"http://127.0.0.1:{port}{SANDBOX_PATH}"
            thread.join(0.01)
        raise AssertionError("the simulator's server did not start")

    def close(self) -> None:
        if self._server is not None:
            server, thread = self._server
            server.should_exit = True
            thread.join(10)
        super().close()


def settings(
    database_url: str, amazon: SimulatedAmazon, sink: SmtpSink | None = None, **extra: str
) -> Settings:
    """amzpay's settings for ``amazon``'s seller, its certificate host trusted; with ``sink``,
    mails go to it and staff mails to ``STAFF``."""
    return Settings.load(
        {
            "AMZPAY_DATABASE_URL": database_url,
            "AMZPAY_AMAZON__SELLER_ID": amazon.seller.seller_id,
            "AMZPAY_AMAZON__SIMULATOR_HOST": amazon.host,
            **mail(sink),
            **extra,
        }
    )


def mail(sink: SmtpSink | None) -> dict[str, str]:
    """Settings that send mails to ``sink`` and staff mails to ``STAFF`` (none without one)."""
    if sink is None:
        return {}
    return {
        "AMZPAY_SMTP__HOST": sink.host,
        "AMZPAY_SMTP__PORT": str(sink.port),
        "AMZPAY_SHOP__STAFF": STAFF,
    }


class BaseShop:
    """What every test shop offers: amzpay (``app``) in front of an Amazon, its worker run
    until it settles, its web app in-process (``web``, ``http``) and the order's states and
    payments read back; ``spec`` makes the order specs its orders are imported from."""

    def __init__(self, app: App, spec: Callable[..., dict[str, Any]]) -> None:
        self.app, self.spec = app, spec
        self.worker = app.worker("shop")

    @cached_property
    def web(self) -> FastAPI:
        return create_app(self.app)

    @cached_property
    def http(self) -> httpx.Client:
        return httpx.Client(transport=InProcessTransport(self.web), base_url="http://shop")

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        if "http" in self.__dict__:
            self.http.close()
        self.app.close()

    def work(self) -> None:
        """Run the worker until nothing is left to do now."""
        for _ in range(20):
            if not self.worker.run_once().busy:
                return
        raise AssertionError("the worker never settled")

    def item_states(self, order: str) -> dict[str, str | None]:
        with self.app.database.transaction() as tx:
            return tx.item_states(order)

    def states(self, order: str) -> set[str | None]:
        """The states the order's items are in."""
        return set(self.item_states(order).values())

    def payments(self, order: str, kind: PaymentKind) -> list[PaymentRecord]:
        with self.app.database.transaction() as tx:
            return tx.payments(order, kind)

    def refunds(self, order: str) -> list[PaymentRecord]:
        return self.payments(order, PaymentKind.REFUND)


AmazonT = TypeVar("AmazonT", bound=SimulatedAmazon)


class SimulatedShop(BaseShop, Generic[AmazonT]):
    """amzpay with the real gateway in front of the simulator (``amazon``), which sends its
    IPNs to amzpay's receiver; closing the shop closes the simulator."""

    def __init__(
        self,
        app: App,
        amazon: AmazonT,
        spec: Callable[..., dict[str, Any]] = order_spec,
    ) -> None:
        super().__init__(app, spec)
        self.amazon = amazon
        amazon.receiver = app.ipn

    def close(self) -> None:
        super().close()
        self.amazon.close()


class Shop(SimulatedShop[SimulatedAmazon]):
    """amzpay on the legacy API in front of the simulator."""

    def later(self, seconds: float) -> None:
        """Amazon's time (and so ours) moves on; IPNs arrive; the worker catches up."""
        self.amazon.advance(seconds)
        self.work()

    def place(self, payment_method: str = "visa", **changes: Any) -> str:
        """A buyer's order reference with ``payment_method``, imported and confirmed, its
        authorization asked for and (as Amazon takes its time) settled: with a working
        payment method, its items wait for a capture."""
        buyer = self.amazon.sim.create_order_reference(payment_method=payment_method)
        order = self.app.orders.import_order(
            self.spec(amazon_order_reference_id=buyer, **changes), confirm=True
        )
        self.work()
        self.later(AUTHORIZATION_OPENS)  # the asynchronous authorization opens; its IPN arrives
        return order

    def closed_order(self, **changes: Any) -> str:
        """An order authorized, captured in full and closed at Amazon."""
        order = self.place(**changes)
        self.app.orders.fire(order, "capture", None, actor="staff")
        self.work()
        self.later(1)
        return order


class FakeShop(BaseShop):
    """amzpay with the fake Amazon (``amazon``) on a clock the test moves."""

    def __init__(
        self,
        app: App,
        amazon: FakeGateway,
        clock: FakeClock,
        spec: Callable[..., dict[str, Any]] = order_spec,
    ) -> None:
        super().__init__(app, spec)
        self.amazon, self.clock = amazon, clock

    def later(self, by: timedelta) -> None:
        self.clock.advance(by)
        self.work()

    def place(self, spec: dict[str, Any]) -> str:
        """The order ``spec`` describes, its order reference open at Amazon, imported."""
        self.amazon.open_order_reference(spec["amazon_order_reference_id"])
        order = self.app.orders.import_order(spec)
        self.work()
        return order

    def closed_order(self, spec: dict[str, Any] | None = None) -> str:
        """An order authorized, captured in full and closed."""
        order = self.place(spec or self.spec())
        self.app.orders.fire(order, "capture", None, actor="staff")
        self.work()
        return order


def make_shop(
    database_url: str | None,
    sink: SmtpSink | None = None,
    environ: dict[str, str] | None = None,
    certificates: CertificateFetcher | None = None,
    amazon_type: type[FakeGateway] = FakeGateway,
    spec: Callable[..., dict[str, Any]] = order_spec,
) -> FakeShop:
    """amzpay on ``database_url`` (None: on the in-memory store, no database at all) with a
    fake Amazon of ``amazon_type``; with ``sink``, mails go to it and staff mails to ``STAFF``.
    Close it (or use it as a context manager) when done."""
    clock = FakeClock()
    made: list[FakeGateway] = []

    def fake_amazon(_settings: Settings, call_log: Any) -> FakeGateway:
        made.append(amazon_type(clock, call_log=call_log))
        return made[0]

    where = {} if database_url is None else {"AMZPAY_DATABASE_URL": database_url}
    config = Settings.load({**where, **mail(sink), **(environ or {})})
    storage = MemoryStorage() if database_url is None else None
    app = build(
        config,
        gateway_factory=fake_amazon,
        clock=clock,
        certificates=certificates,
        database=storage,
    )
    return FakeShop(app, made[0], clock, spec)


def built(
    database_url: str,
    amazon: SimulatedAmazon,
    sink: SmtpSink | None = None,
    environ: dict[str, str] | None = None,
    **options: Any,
) -> App:
    """amzpay on ``database_url`` with the real gateway in front of ``amazon`` (and, when its
    seller has an API v2 key, the v2 gateway and checkout too, each order's calls sent to
    the API it is paid through); ``options`` go to ``bootstrap.build``."""

    def gateway(_: Settings, call_log: CallLog) -> PaymentGateway | Gateways:
        legacy = amazon.gateway(call_log)
        return legacy if amazon.v2_key is None else Gateways(legacy, amazon.v2_gateway(call_log))

    if amazon.v2_key is not None:
        options.setdefault("checkout_sessions", lambda _, log: amazon.v2_checkout_sessions(log))
    return build(
        settings(database_url, amazon, sink, **(environ or {})),
        gateway_factory=gateway,
        clock=amazon.clock.now,
        certificates=amazon.certificates,
        **options,
    )


def shop_on(
    database_url: str,
    sink: SmtpSink | None = None,
    environ: dict[str, str] | None = None,
    amazon: SimulatedAmazon | None = None,
) -> Shop:
    """A shop on ``database_url`` in front of ``amazon`` (a fresh ``SimulatedAmazon`` by
    default). Close it, with its Amazon, (or use it as a context manager) when done."""
    amazon = amazon or SimulatedAmazon()
    return Shop(built(database_url, amazon, sink, environ), amazon)


@contextmanager
def api_client(shop: Shop, client_name: str = "erp") -> Iterator[httpx.Client]:
    """A client of the shop's web app (in-process) that sends a fresh API token with every
    request."""
    secret = shop.app.access.add_api_token(client_name)
    headers = {"Authorization": f"Bearer {secret}"}
    transport = InProcessTransport(create_app(shop.app))
    with httpx.Client(
        transport=transport, base_url="http://amzpay.test", headers=headers
    ) as client:
        yield client


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
    refunded = refunded_states(shop.app, order)
    assert {item for item, _, state in books.items if state in refunded} == (
        refunded_items & {item for item, _, _ in books.items}
    )


def refunded_states(app: App, order: str) -> set[str]:
    """The states a completed refund leaves items in, in the order's process's words
    ("refund completed" on the legacy API, "refunded" on v2)."""
    with app.database.read() as tx:
        process = app.engine.process(tx.order_head(order).process)
    completed = signal_of(PaymentKind.REFUND, RefundState.COMPLETED)
    return {t.target for t in process.transitions if t.event == completed}
