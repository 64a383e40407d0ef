"""Amazon Pay on this machine: the simulator in-process on a clock the caller moves, the real
gateway (``MwsGateway`` over amzpay's MWS client) talking to it, and its signed IPNs handed
to a shop's ``IpnReceiver`` and answered as the IPN endpoint answers (200, 400, 503).

``amzpay demo`` runs on it, and so do the end-to-end tests. It lives in the command line's
layer because only bootstrap and the CLI may start the simulator.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

import httpx

from amzpay.amazonpay.calllog import CallLog
from amzpay.amazonpay.ipn import HttpxCertificateFetcher
from amzpay.amazonpay.mws.client import MwsClient
from amzpay.amazonpay.mws.gateway import MwsGateway
from amzpay.amazonpay.mws.regions import Endpoint
from amzpay.amazonpay.mws.transport import Credentials, Pacing
from amzpay.amazonpay.throttle import SANDBOX_QUOTAS
from amzpay.services.errors import IpnNotStored, IpnRejected
from amzpay.simulator import (
    InProcessTransport,
    Ipn,
    ManualClock,
    Seller,
    SimulatorConfig,
    Throttling,
    create_simulator,
    simulator_of,
)
from amzpay.simulator.core import Sleep

SANDBOX_PATH = "/OffAmazonPayments_Sandbox/2013-01-01"
ENDPOINT = f"https://mws-eu.amazonservices.com{SANDBOX_PATH}"  # served in-process: any host


class Receiver(Protocol):
    def receive(self, body: bytes, headers: Mapping[str, str]) -> object:
        """Take one IPN; raise IpnRejected or IpnNotStored to refuse it."""


async def no_wait(seconds: float) -> None:
    """The simulator's fault delays (a lost response hangs 120 s) cost no real time."""


class LocalAmazon:
    """The simulator for ``seller``, its IPNs' certificate served from ``host``.

    ``receiver`` takes its IPNs (until one is set they are answered 503, and Amazon tries
    again later); ``answers`` keeps every IPN with the answer it got.
    """

    def __init__(
        self,
        seller: Seller,
        host: str,
        *,
        start: datetime | None = None,
        seed: int = 1,
        sleep: Sleep = no_wait,
        throttling: Throttling | None = None,
    ) -> None:
        self.seller = seller
        self.clock = ManualClock() if start is None else ManualClock(start)
        self.started = self.clock.now()
        self.receiver: Receiver | None = None
        self.answers: list[tuple[Ipn, int]] = []
        config = SimulatorConfig(
            sellers=(seller,),
            public_url=f"http://{host}",
            seed=seed,
            throttling=throttling or Throttling(),
        )
        self.app = create_simulator(config, clock=self.clock, sender=self._deliver, sleep=sleep)
        self.sim = simulator_of(self.app)
        self.http = httpx.Client(transport=InProcessTransport(self.app))
        self.certificates = HttpxCertificateFetcher(self.http)

    def mws_client(
        self, call_log: CallLog | None = None, *, http: httpx.Client | None = None
    ) -> MwsClient:
        """amzpay's MWS client for this seller, talking to the simulator on its clock
        (through ``http`` when given: a client whose transport wraps ``InProcessTransport``)."""
        seller = self.seller
        credentials = Credentials(seller.seller_id, seller.access_key_id, seller.secret_key)
        pacing = Pacing(now=self.clock.now, sleep=lambda _: None, rng=lambda: 0.5)
        return MwsClient(
            http or self.http, Endpoint.at(ENDPOINT), credentials, pacing=pacing, call_log=call_log
        )

    def gateway(self, call_log: CallLog, *, http: httpx.Client | None = None) -> MwsGateway:
        """The real gateway over amzpay's MWS client (a ``bootstrap`` gateway factory's
        answer)."""
        return MwsGateway(
            self.mws_client(call_log, http=http), now=self.clock.now, quotas=SANDBOX_QUOTAS
        )

    def advance(self, seconds: float) -> None:
        """Amazon's time moves on: due work is done and IPNs are delivered, in order."""
        self.sim.advance(seconds)

    def close(self) -> None:
        self.http.close()

    def _deliver(self, url: str | None, ipn: Ipn) -> int:
        status = 200
        if self.receiver is None:
            status = 503
        else:
            try:
                self.receiver.receive(ipn.body, ipn.headers)
            except (IpnRejected, IpnNotStored) as refused:
                status = refused.http_status  # the answer the IPN endpoint gives
        self.answers.append((ipn, status))
        return status
