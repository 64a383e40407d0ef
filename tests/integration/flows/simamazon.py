"""The simulator for the flow tests, in-process or served over HTTP.

It is the source of real signed IPNs, delivered straight to the shop's ``IpnReceiver`` and
answered 200, 400 or 503 as the web layer will, with its certificate served in-process. The
end-to-end tests hand the real gateway (``gateway``) to ``bootstrap.build``; the others keep
the fake Amazon for calls and make the same payment objects here, with our reference ids,
through amzpay's own MWS client, so that the IPNs name our records exactly as Amazon's would.
``serve`` puts it on a loopback port for worker processes (the crash tests).
"""

from __future__ import annotations

import socket
import threading
from datetime import UTC, datetime
from typing import Final

import httpx
import uvicorn

from amzpay.amazonpay.calllog import CallLog
from amzpay.amazonpay.ipn import HttpxCertificateFetcher
from amzpay.amazonpay.mws.client import MwsClient
from amzpay.amazonpay.mws.gateway import MwsGateway
from amzpay.amazonpay.mws.regions import Endpoint
from amzpay.amazonpay.mws.transport import Credentials, Pacing
from amzpay.domain.money import Money
from amzpay.services.errors import IpnNotStored, IpnRejected
from amzpay.services.ipn import IpnReceiver
from amzpay.simulator import (
    InProcessTransport,
    Ipn,
    ManualClock,
    Seller,
    SimulatorConfig,
    create_simulator,
    simulator_of,
)
from amzpay.simulator.core import Sleep

SELLER: Final = Seller(seller_id="A1FLOWSELLER", access_key_id="AKIAFLOW", secret_key="s3")
SIMULATOR_HOST: Final = "sim.test"
SANDBOX_PATH: Final = "/OffAmazonPayments_Sandbox/2013-01-01"
_ENDPOINT: Final = f"https://mws-eu.amazonservices.com{SANDBOX_PATH}"


async def _no_wait(seconds: float) -> None:
    """The simulator's fault delays (a lost response hangs 120 s) cost no real time."""


class SimulatedAmazon:
    def __init__(self, start: datetime | None = None, sleep: Sleep = _no_wait) -> None:
        self.clock = ManualClock(start or datetime(2026, 3, 2, 9, 30, tzinfo=UTC))
        self.receiver: IpnReceiver | None = None
        self.answers: list[tuple[Ipn, int]] = []
        self._server: tuple[uvicorn.Server, threading.Thread] | None = None
        config = SimulatorConfig(sellers=(SELLER,), public_url=f"http://{SIMULATOR_HOST}", seed=3)
        self.app = create_simulator(config, clock=self.clock, sender=self._deliver, sleep=sleep)
        self.sim = simulator_of(self.app)
        self.http = httpx.Client(transport=InProcessTransport(self.app))
        credentials = Credentials(SELLER.seller_id, SELLER.access_key_id, SELLER.secret_key)
        pacing = Pacing(now=self.clock.now, sleep=lambda _: None)
        self.client = MwsClient(self.http, Endpoint.at(_ENDPOINT), credentials, pacing=pacing)
        self.certificates = HttpxCertificateFetcher(self.http)

    def _deliver(self, url: str | None, ipn: Ipn) -> int:
        status = 200
        if self.receiver is None:
            status = 503
        else:
            try:
                self.receiver.receive(ipn.body, ipn.headers)
            except IpnRejected as rejected:
                status = rejected.http_status
            except IpnNotStored as failed:
                status = failed.http_status
        self.answers.append((ipn, status))
        return status

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

    def gateway(self, call_log: CallLog) -> MwsGateway:
        """The real gateway over amzpay's MWS client, talking to this simulator."""
        credentials = Credentials(SELLER.seller_id, SELLER.access_key_id, SELLER.secret_key)
        pacing = Pacing(now=self.clock.now, sleep=lambda _: None, rng=lambda: 0.5)
        client = MwsClient(
            self.http, Endpoint.at(_ENDPOINT), credentials, pacing=pacing, call_log=call_log
        )
        return MwsGateway(client, now=self.clock.now)

    def advance(self, seconds: float) -> None:
        self.sim.advance(seconds)

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
        self.http.close()
