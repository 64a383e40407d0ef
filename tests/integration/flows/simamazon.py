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

import uvicorn

from amzpay.cli.local_amazon import SANDBOX_PATH, LocalAmazon, no_wait
from amzpay.domain.money import Money
from amzpay.simulator import Seller
from amzpay.simulator.core import Sleep

SELLER: Final = Seller(seller_id="A1FLOWSELLER", access_key_id="AKIAFLOW", secret_key="s3")
SIMULATOR_HOST: Final = "sim.test"


class SimulatedAmazon(LocalAmazon):
    """``amzpay demo``'s local Amazon for the flow tests' seller, with builders for payment
    objects made straight at Amazon and a loopback server for other processes."""

    def __init__(self, start: datetime | None = None, sleep: Sleep = no_wait) -> None:
        start = start or datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
        super().__init__(SELLER, SIMULATOR_HOST, start=start, seed=3, sleep=sleep)
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
