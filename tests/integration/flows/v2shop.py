"""A shop on Amazon Pay API v2 in front of the simulator, as the v2 end-to-end flows use it.

amzpay is built by ``bootstrap.build`` from settings that switch the whole shop to API v2
(``AMZPAY_AMAZON_V2__ENABLED`` with the seller's public key id, its private key file and the
simulator as the endpoint): ``v2_environ`` is the one place the tests choose the API. The
gateway is ``V2Gateway`` over amzpay's v2 client, made from those settings, talking to the
simulator in-process on the simulator's clock, its waits between retries costing no time and
its own token buckets off, so that the simulator's throttling (HTTP 429) is what a burst of
calls meets, as when another process has spent the quota. The simulator's signed v2 IPNs go
to the shop's IPN receiver.

``V2Amazon`` is the simulator for the flows' v2 seller with what the tests read of Amazon's
books; ``V2Shop`` builds captured orders, runs the worker until it settles and moves time.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import httpx
from cryptography.hazmat.primitives import serialization

from amzpay.amazonpay.calllog import CallLog
from amzpay.amazonpay.pacing import Pacing
from amzpay.amazonpay.v2.client import V2Client
from amzpay.amazonpay.v2.gateway import V2Gateway
from amzpay.amazonpay.v2.keys import read_private_key
from amzpay.amazonpay.v2.quotas import SANDBOX_QUOTAS
from amzpay.amazonpay.v2.regions import Endpoint
from amzpay.amazonpay.v2.signing import Signer
from amzpay.bootstrap import App, build
from amzpay.cli.local_amazon import SANDBOX_PATH
from amzpay.config import Settings
from amzpay.domain.money import Money
from amzpay.domain.order import AmazonApi
from amzpay.domain.payment import PaymentKind
from amzpay.mail.sink import SmtpSink
from amzpay.processes.catalog import V2 as V2_PROCESS
from amzpay.simulator import InProcessTransport, Throttling
from amzpay.simulator.v2.model import Refund
from integration.simulator.v2kit import KEY, SANDBOX_SELLER, Checkout, Pay
from shop import SimulatedAmazon, SimulatedShop, mail

HOST: Final = "sim.test"
START: Final = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
REFUND_SETTLES: Final = 40  # seconds: the simulator keeps a refund RefundInitiated for 31 s
# amzpay's first poll of a pending refund comes a minute after its call: REFUND_SETTLES is
# below it, so what settles a refund within it is the IPN.
DECLINE: Final = "RefundDeclined"  # API v2's sandbox simulation code for a declined refund


class V2Amazon(SimulatedAmazon):
    """The simulator for the v2 seller (``SANDBOX_SELLER``, its key ``KEY``), on a clock the
    test moves; ``throttled`` turns Amazon's throttling on at the sandbox's quotas."""

    def __init__(
        self, *, throttled: bool = False, seed: int = 5, start: datetime | None = START
    ) -> None:
        super().__init__(
            SANDBOX_SELLER,
            HOST,
            start=start,
            seed=seed,
            v2_key=KEY,
            throttling=Throttling(enabled=throttled),
        )
        self._outside = httpx.Client(
            transport=InProcessTransport(self.app), base_url=f"http://{HOST}"
        )
        # The seller's own calls made outside amzpay (Seller Central), signed by the
        # simulator tests' signer, which shares nothing with amzpay's client.
        self.seller_central = Checkout(Pay(self._outside, self.clock))

    def close(self) -> None:
        self._outside.close()
        super().close()

    def serve_v2(self) -> str:
        """Serve the simulator on a free loopback port; its API v2 endpoint's URL (v2 is
        served at the root) for another process's settings."""
        return self.serve().removesuffix(SANDBOX_PATH)

    def refunds_of(self, charge_id: str) -> list[Refund]:
        """Every refund Amazon's books hold of the charge, oldest first."""
        books = self.sim.v2.books
        return [books.refunds[r] for r in books.charges[charge_id].refund_ids]

    def calls(self, operation: str) -> list[tuple[int, str | None, str | None]]:
        """The simulator's log of ``operation``'s calls: HTTP status, error code and the
        idempotency key each carried."""
        calls = self.sim.calls
        return [(c.status, c.error_code, c.reference_id) for c in calls if c.action == operation]


def key_file(folder: Path) -> Path:
    """The seller's private key in a PEM file, as Seller Central hands it out."""
    path = folder / "amazon-pay-private-key.pem"
    path.write_bytes(
        KEY.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


def v2_environ(
    database_url: str,
    key: Path,
    endpoint_url: str = f"http://{HOST}",
    sink: SmtpSink | None = None,
) -> dict[str, str]:
    """amzpay's settings (``AMZPAY_*``) for a shop on API v2: the seller's v2 key and the
    simulator at ``endpoint_url``; its IPNs accepted from the simulator's certificate host."""
    return {
        "AMZPAY_DATABASE_URL": database_url,
        "AMZPAY_AMAZON__SELLER_ID": SANDBOX_SELLER.seller_id,
        "AMZPAY_AMAZON__SIMULATOR_HOST": HOST,
        "AMZPAY_AMAZON_V2__ENABLED": "true",
        "AMZPAY_AMAZON_V2__PUBLIC_KEY_ID": str(SANDBOX_SELLER.public_key_id),
        "AMZPAY_AMAZON_V2__PRIVATE_KEY_FILE": str(key),
        "AMZPAY_AMAZON_V2__ENDPOINT_URL": endpoint_url,
        **mail(sink),
    }


def v2_settings(database_url: str, key: Path, sink: SmtpSink | None = None) -> Settings:
    """``v2_environ``'s settings, for a shop in this process."""
    return Settings.load(v2_environ(database_url, key, sink=sink))


def v2_gateway(settings: Settings, call_log: CallLog, amazon: V2Amazon) -> V2Gateway:
    """``V2Gateway`` as ``settings.amazon_v2`` describes it, sending to ``amazon``
    in-process on its clock (retries wait no real time; no client-side buckets)."""
    v2 = settings.amazon_v2
    assert v2.enabled
    assert v2.private_key_file is not None
    assert v2.endpoint_url is not None
    signer = Signer(v2.public_key_id, read_private_key(v2.private_key_file))
    pacing = Pacing(now=amazon.clock.now, sleep=lambda _: None, rng=lambda: 0.5)
    client = V2Client(
        amazon.http,
        Endpoint.at(v2.endpoint_url),
        signer,
        quotas=SANDBOX_QUOTAS,  # what bounds the backoff of a call Amazon throttled
        pacing=pacing,
        call_log=call_log,
    )
    return V2Gateway(client, now=amazon.clock.now, simulations=amazon.simulations)


def v2_app(settings: Settings, amazon: V2Amazon, **options: Any) -> App:
    """amzpay built from ``settings`` in front of ``amazon``; ``options`` go to ``build``."""
    return build(
        settings,
        gateway_factory=lambda configured, call_log: v2_gateway(configured, call_log, amazon),
        clock=amazon.clock.now,
        certificates=amazon.certificates,
        **options,
    )


def spec_total(spec: dict[str, Any]) -> Money:
    """What the buyer pays for an order spec: its lines, bundles and expenses."""
    total = sum((Decimal(x["unit_price"]) * x["quantity"] for x in spec["lines"]), Decimal(0))
    total += sum((Decimal(b["price"]) for b in spec.get("bundles", ())), Decimal(0))
    total += sum((Decimal(e["price"]) for e in spec.get("expenses", ())), Decimal(0))
    return Money(int(total * 100), spec["currency"])


class V2Shop(SimulatedShop[V2Amazon]):
    """amzpay on API v2 (``app``) in front of the simulator (``amazon``)."""

    def settle(self, rounds: int = 200) -> None:
        """Run the worker until nothing is left to do now (a batch takes many rounds)."""
        for _ in range(rounds):
            if not self.worker.run_once().busy:
                return
        raise AssertionError("the worker never settled")

    def later(self, seconds: float) -> None:
        """Amazon's time (and so ours) moves on; IPNs arrive; the worker catches up."""
        self.amazon.advance(seconds)
        self.settle()

    def captured_order(self, **changes: Any) -> tuple[str, str]:
        """An order whose buyer completed checkout for its total (a Chargeable charge
        permission), imported, authorized and captured in full, its items moved through the
        API v2 process (``amazon-pay-v2``, the v2 orders' default) to "closed": the order
        and the charge's Amazon id."""
        spec = self.spec(**changes)
        permission = self.amazon.v2_checkout(spec_total(spec))
        order = self.app.orders.import_order(
            spec | {"amazon_order_reference_id": permission}, api=AmazonApi.V2
        )
        self.settle()
        assert self.states(order) == {"authorized"}  # Create Charge: Authorized
        self.app.orders.fire(order, "capture", None, actor="staff")
        self.settle()
        [capture] = self.payments(order, PaymentKind.CAPTURE)
        assert capture.state == "completed"
        assert capture.amazon_id is not None
        assert self.states(order) == {"closed"}  # captured, the charge permission closed
        with self.app.database.read() as tx:
            assert tx.order_head(order).process == V2_PROCESS
            assert tx.order_reference_state(order) == "closed"
        return order, capture.amazon_id

    def refund(self, order: str, items: list[str], *, decline: bool = False) -> str:
        """Staff refund ``items`` (with Amazon's decline asked for in the sandbox when
        ``decline``); the reference id of the one refund record made."""
        [made] = self.app.refunds.request(order, items, actor="staff")
        if decline:
            self.amazon.simulations.plan(made.reference_id, DECLINE)
        return made.reference_id


def v2_shop(
    database_url: str,
    folder: Path,
    sink: SmtpSink | None = None,
    amazon: V2Amazon | None = None,
    **options: Any,
) -> V2Shop:
    """A shop on API v2 on ``database_url`` (its key file written to ``folder``) in front of
    ``amazon`` (a fresh ``V2Amazon`` by default); ``options`` go to ``build``."""
    amazon = amazon or V2Amazon()
    settings = v2_settings(database_url, key_file(folder), sink=sink)
    return V2Shop(v2_app(settings, amazon, **options), amazon)
