"""Amazon Pay API v2 as a side of the gateway contract: ``V2Gateway`` over ``V2Client``
talking to the simulator's API v2 in-process, every request signed by the client and verified
by the simulator, on a ManualClock that the client's sleeps move (no test waits in real time).

The buyer's part (a checkout session completed with the Confirm intent, which leaves a
Chargeable charge permission and no charge) is played through the simulator's API and its
control endpoint, as a shop's checkout pages and Amazon's hosted pages would.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from amzpay.amazonpay.calllog import InMemoryCallLog
from amzpay.amazonpay.pacing import Pacing
from amzpay.amazonpay.throttle import Quota, Throttle
from amzpay.amazonpay.v2.client import V2Client
from amzpay.amazonpay.v2.gateway import V2Gateway
from amzpay.amazonpay.v2.regions import Endpoint
from amzpay.amazonpay.v2.signing import Signer
from amzpay.simulator import (
    InProcessTransport,
    ManualClock,
    Simulator,
    SimulatorConfig,
    Throttling,
    create_simulator,
    simulator_of,
)
from integration.amazonpay.amazon_sides import START, AmazonCodes, Inbox, _no_wait
from integration.simulator.v2kit import KEY, SANDBOX_SELLER, Checkout, Pay

V2_CODES = AmazonCodes(
    reused_reference="DuplicateIdempotencyKey",
    not_refundable="InvalidChargeStatus",
    unknown_refund="ResourceNotFound",
    seller_closed_authorization="MerchantCanceled",
    seller_closed_order="MerchantClosed",
    captured_authorization=None,  # a Captured charge: no reason code
    refund_operation="CreateRefund",
    throttled=(429, "TooManyRequests"),
    pending_payment_method="*pending-authorized",  # the test wallet's card ending 0701
)
SIMULATOR_URL = "http://sim.test"


class V2SimulatorSide:
    codes = V2_CODES

    def __init__(
        self, *, throttling: Throttling | None = None, quotas: Mapping[str, Quota] | None = None
    ) -> None:
        """``throttling``: how the simulator throttles (default: not at all); ``quotas``:
        the client's own token buckets (default: none)."""
        self.clock = ManualClock(START)
        self.inbox = Inbox()
        self.sleeps: list[float] = []
        config = SimulatorConfig(
            sellers=(SANDBOX_SELLER,),
            public_url=SIMULATOR_URL,
            seed=13,
            throttling=throttling or Throttling(),
        )
        self.app = create_simulator(config, clock=self.clock, sender=self.inbox, sleep=_no_wait)
        self.sim: Simulator = simulator_of(self.app)
        self.http = httpx.Client(transport=InProcessTransport(self.app), base_url=SIMULATOR_URL)
        throttle = Throttle(quotas or {}, clock=self._seconds, sleep=self._client_sleeps)
        pacing = Pacing(
            throttle=throttle,
            sleep=self._client_sleeps,
            rng=lambda: 0.5,
            now=self.clock.now,
            monotonic=self._seconds,
        )
        self.call_log = InMemoryCallLog()
        signer = Signer(str(SANDBOX_SELLER.public_key_id), KEY)
        self.client = V2Client(
            self.http,
            Endpoint.at(SIMULATOR_URL),
            signer,
            quotas=quotas or {},
            pacing=pacing,
            call_log=self.call_log,
        )
        self.gateway = V2Gateway(self.client, now=self.clock.now)
        self.checkout = Checkout(Pay(self.http, self.clock))

    # -- what differs from the legacy API -----------------------------------------------------

    def chargeable_order(self, total: str = "100.00", payment_method: str = "visa") -> str:
        session = self.checkout.completed(payment_method, total, paymentIntent="Confirm")
        permission_id: str = session["chargePermissionId"]
        return permission_id

    def declining_authorization(self, reference_id: str) -> str | None:
        self.gateway.simulations.plan(reference_id, "AmazonRejected")
        return None

    def declining_refund(self, reference_id: str) -> str | None:
        self.gateway.simulations.plan(reference_id, "RefundDeclined")
        return None

    def pending_capture(self, reference_id: str) -> str | None:
        self.gateway.simulations.plan(reference_id, "CaptureInitiated")
        return None

    def refunds_of(self, capture_id: str) -> tuple[str, ...]:
        with self.sim.lock:
            return tuple(self.sim.v2.books.charges[capture_id].refund_ids)

    # -- time and the simulator's records -----------------------------------------------------

    def advance(self, seconds: float) -> None:
        self.sim.advance(seconds)

    def _client_sleeps(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.sim.advance(seconds)

    def _seconds(self) -> float:
        return self.clock.now().timestamp()

    def calls(self, operation: str) -> list[tuple[int, str | None]]:
        """Every ``operation`` the simulator answered: HTTP status and error code."""
        return [(c.status, c.error_code) for c in self.sim.calls if c.action == operation]
