"""The Amazons the gateway contract runs against, driven the same way.

``FakeSide``: the in-memory fake (``tests/fakes``) with the sandbox's timing. ``SimulatorSide``:
``MwsGateway`` over ``MwsClient`` talking to the simulator in-process, on a ManualClock, with
the client's sleeps moving that clock (so retries and throttling cost no real time), and an
inbox of every IPN the simulator sends. ``v2_side.V2SimulatorSide``: ``V2Gateway`` over
``V2Client`` talking to the simulator's API v2 the same way.

What differs between the APIs is said by each side: how a buyer leaves an order reference
open for authorization, how a refund is made to be declined in the sandbox, and the codes
Amazon refuses calls with.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

import httpx

from amzpay.amazonpay.calllog import InMemoryCallLog
from amzpay.amazonpay.gateway import PaymentGateway, PaymentState
from amzpay.amazonpay.mws.client import MwsClient
from amzpay.amazonpay.mws.gateway import MwsGateway
from amzpay.amazonpay.mws.regions import Endpoint
from amzpay.amazonpay.mws.transport import Credentials, Pacing
from amzpay.amazonpay.throttle import Quota, Throttle
from amzpay.domain.buyer import Buyer, ShippingAddress
from amzpay.domain.money import Money
from amzpay.simulator import (
    InProcessTransport,
    Ipn,
    ManualClock,
    Seller,
    Simulator,
    SimulatorConfig,
    Throttling,
    create_simulator,
    simulator_of,
)
from fakes.clock import FakeClock
from fakes.gateway import FakeGateway
from fakes.sandbox import SANDBOX_TIMING

START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SELLER = Seller(
    seller_id="A1CONTRACTSELLER",
    access_key_id="AKIACONTRACTKEY",
    secret_key="contract-secret",
    ipn_url="https://shop.example/amazon/ipn",
)
SIMULATOR_HOST = "sim.test"
# The simulator's default sandbox buyer, who the fake plays too.
BUYER = Buyer("Erika Mustermann", "erika.mustermann@example.com")
ADDRESS = ShippingAddress(
    name="Erika Mustermann",
    lines=("Heidestrasse 17",),
    city="Koeln",
    postal_code="51147",
    country_code="DE",
    phone="+49 221 1234567",
)
ENDPOINT = Endpoint.at("https://mws-eu.amazonservices.com/OffAmazonPayments_Sandbox/2013-01-01")


@dataclass(frozen=True)
class AmazonCodes:
    """The codes an API refuses the contract's calls with, and the reasons it gives."""

    over_refund: str = "TransactionAmountExceeded"
    over_capture: str = "TransactionAmountExceeded"
    reused_reference: str = "DuplicateRequest"  # the same reference id, another amount
    not_refundable: str = "CaptureNotRefundable"
    unknown_refund: str = "InvalidTransactionId"
    seller_closed_authorization: str = "SellerClosed"
    seller_closed_order: str = "SellerClosed"
    captured_authorization: str | None = "MaxCapturesProcessed"  # the reason it is Closed
    pending_payment_method: str = "visa"  # a method whose authorization may take a while
    refund_operation: str = "Refund"  # Amazon's name of the call, in the simulator's log
    throttled: tuple[int, str] = (503, "RequestThrottled")  # HTTP status and code


LEGACY_CODES = AmazonCodes()


class AmazonSide(Protocol):
    gateway: PaymentGateway
    codes: AmazonCodes

    def chargeable_order(self, total: str = "100.00", payment_method: str = "visa") -> str:
        """An order reference a buyer has left open for authorization of ``total`` EUR."""

    def declining_authorization(self, reference_id: str) -> str | None:
        """Make the authorization ``reference_id`` be declined (AmazonRejected); the note to
        send it with, if the API reads simulations from notes."""

    def declining_refund(self, reference_id: str) -> str | None:
        """Make the refund ``reference_id`` be declined by Amazon (AmazonRejected); the
        note to send it with, if the API reads simulations from notes."""

    def pending_capture(self, reference_id: str) -> str | None:
        """Make the capture ``reference_id`` stay pending for a while; the note to send it
        with, if the API reads simulations from notes."""

    def refunds_of(self, capture_id: str) -> tuple[str, ...]:
        """Amazon's ids of the refunds Amazon holds of a capture."""

    def advance(self, seconds: float) -> None:
        """Amazon's time moves on; whatever falls due happens."""


class LegacyAmazon(AmazonSide, Protocol):
    def buyer_order(self, payment_method: str = "visa") -> str:
        """A Draft order reference, as a buyer leaves it behind in Amazon's widgets."""

    def buyer_signs_in(self, order_id: str) -> str:
        """The consent token the buyer of ``order_id`` (``BUYER``, shipping to ``ADDRESS``)
        hands the shop's page by signing in."""


class LegacyBuyer:
    """The legacy API's buyer: a Draft order reference, given our total and confirmed."""

    gateway: PaymentGateway
    codes = LEGACY_CODES

    def buyer_order(self, payment_method: str = "visa") -> str:
        raise NotImplementedError

    def chargeable_order(self, total: str = "100.00", payment_method: str = "visa") -> str:
        order_id = self.buyer_order(payment_method)
        shop_order = f"order-{order_id[-7:]}"
        self.gateway.set_order_reference_details(order_id, Money.parse(total, "EUR"), shop_order)
        self.gateway.confirm_order_reference(order_id)
        return order_id

    def declining_authorization(self, reference_id: str) -> str | None:
        return self.declining_refund(reference_id)

    def declining_refund(self, reference_id: str) -> str | None:
        return '{"SandboxSimulation": {"State":"Declined", "ReasonCode":"AmazonRejected"}}'

    def pending_capture(self, reference_id: str) -> str | None:
        return '{"SandboxSimulation": {"State":"Pending"}}'

    def refunds_of(self, capture_id: str) -> tuple[str, ...]:
        return self.gateway.capture_details(capture_id).children


class FakeSide(LegacyBuyer):
    def __init__(self) -> None:
        self.clock = FakeClock(START)
        self.gateway = FakeGateway(self.clock, timing=SANDBOX_TIMING)
        self._numbers = itertools.count(1)

    def buyer_order(self, payment_method: str = "visa") -> str:
        order_id = f"S01-0000000-{next(self._numbers):07d}"
        self.gateway.open_order_reference(
            order_id, PaymentState.DRAFT, payment_method=payment_method
        )
        return order_id

    def advance(self, seconds: float) -> None:
        self.clock.advance(timedelta(seconds=seconds))

    def buyer_signs_in(self, order_id: str) -> str:
        return self.gateway.sign_in(order_id, BUYER, ADDRESS, "Amazon Pay (Visa **11)")


class Inbox(list[Ipn]):
    """The shop's IPN endpoint: keeps every IPN and accepts it."""

    def __call__(self, url: str | None, ipn: Ipn) -> int:
        self.append(ipn)
        return 200


class SimulatorSide(LegacyBuyer):
    def __init__(
        self, *, throttling: Throttling | None = None, quotas: Mapping[str, Quota] | None = None
    ) -> None:
        """``throttling``: how the simulator throttles (default: not at all); ``quotas``:
        the client's own token buckets (default: none)."""
        self.clock = ManualClock(START)
        self.inbox = Inbox()
        self.sleeps: list[float] = []
        config = SimulatorConfig(
            sellers=(SELLER,),
            public_url=f"http://{SIMULATOR_HOST}",
            seed=11,
            throttling=throttling or Throttling(),
        )
        self.app = create_simulator(config, clock=self.clock, sender=self.inbox, sleep=_no_wait)
        self.sim: Simulator = simulator_of(self.app)
        self.http = httpx.Client(transport=InProcessTransport(self.app))
        throttle = Throttle(quotas or {}, clock=self._seconds, sleep=self._client_sleeps)
        pacing = Pacing(
            throttle=throttle,
            sleep=self._client_sleeps,
            rng=lambda: 0.5,
            now=self.clock.now,
            monotonic=self._seconds,
        )
        credentials = Credentials(SELLER.seller_id, SELLER.access_key_id, SELLER.secret_key)
        self.call_log = InMemoryCallLog()
        self.client = MwsClient(
            self.http, ENDPOINT, credentials, pacing=pacing, call_log=self.call_log
        )
        self.gateway = MwsGateway(self.client, now=self.clock.now)

    def buyer_order(self, payment_method: str = "visa") -> str:
        return self.sim.create_order_reference(payment_method=payment_method)

    def advance(self, seconds: float) -> None:
        self.sim.advance(seconds)

    def buyer_signs_in(self, order_id: str) -> str:
        return self.sim.sign_in(BUYER.email)

    def _client_sleeps(self, seconds: float) -> None:
        """The client waits (backoff, throttle) on Amazon's clock: no test waits for real."""
        self.sleeps.append(seconds)
        self.sim.advance(seconds)

    def _seconds(self) -> float:
        return self.clock.now().timestamp()

    def calls(self, action: str) -> list[tuple[int, str | None]]:
        """Every ``action`` the simulator answered: HTTP status and error code."""
        return [(c.status, c.error_code) for c in self.sim.calls if c.action == action]


async def _no_wait(seconds: float) -> None:
    """The simulator's own sleeps (a lost response's hang) take no time in tests."""
