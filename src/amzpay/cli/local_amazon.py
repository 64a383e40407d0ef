"""Amazon Pay on this machine: the simulator in-process on a clock the caller moves, the real
gateways (``MwsGateway`` over amzpay's MWS client, ``V2Gateway`` over its API v2 client, the
seller's v2 requests signed with a key pair made here) talking to it, and its signed IPNs
handed to a shop's ``IpnReceiver`` and answered as the IPN endpoint answers (200, 400, 503).

``amzpay demo`` runs on it, and so do the end-to-end tests. It lives in the command line's
layer because only bootstrap and the CLI may start the simulator.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Protocol

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from amzpay.amazonpay.calllog import CallLog
from amzpay.amazonpay.ipn import HttpxCertificateFetcher
from amzpay.amazonpay.mws.client import MwsClient
from amzpay.amazonpay.mws.gateway import MwsGateway
from amzpay.amazonpay.mws.regions import Endpoint
from amzpay.amazonpay.mws.transport import Credentials, Pacing
from amzpay.amazonpay.throttle import SANDBOX_QUOTAS
from amzpay.amazonpay.v2.checkout import V2CheckoutSessions
from amzpay.amazonpay.v2.client import PaymentIntent, V2Client
from amzpay.amazonpay.v2.gateway import SandboxSimulations, V2Gateway
from amzpay.amazonpay.v2.regions import Endpoint as V2Endpoint
from amzpay.amazonpay.v2.signing import Signer
from amzpay.domain.money import Money
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
SHOP_URL = "https://shop.local/checkout"  # where Amazon's pages would send a v2 buyer back


class Receiver(Protocol):
    def receive(self, body: bytes, headers: Mapping[str, str]) -> object:
        """Take one IPN; raise IpnRejected or IpnNotStored to refuse it."""


async def no_wait(seconds: float) -> None:
    """The simulator's fault delays (a lost response hangs 120 s) cost no real time."""


def public_pem(key: rsa.RSAPrivateKey) -> str:
    """The public half of ``key``, as a merchant registers it with Amazon (PEM)."""
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return public.decode()


class LocalAmazon:
    """The simulator for ``seller``, its IPNs' certificate served from ``host``.

    ``receiver`` takes its IPNs (until one is set they are answered 503, and Amazon tries
    again later); ``answers`` keeps every IPN with the answer it got.

    A seller with a v2 ``public_key_id`` speaks API v2 too: its private key is ``v2_key``
    (whose public half the simulator registers) or, when the seller registered no public key,
    one made here. ``pages_url``: where a browser reaches the simulator's hosted pages, when
    it is served elsewhere than ``host`` (mounted in a shop's server).
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
        v2_key: rsa.RSAPrivateKey | None = None,
        pages_url: str | None = None,
    ) -> None:
        if v2_key is None and seller.public_key_id and not seller.public_key_pem:
            v2_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if v2_key is not None:
            seller = replace(seller, public_key_pem=public_pem(v2_key))
        self.seller, self.v2_key = seller, v2_key
        self.v2_endpoint = V2Endpoint.at(f"http://{host}")  # v2 at the simulator's root
        self._checkouts = itertools.count(1)
        self.simulations = SandboxSimulations()  # the codes every v2 gateway made here sends
        self.clock = ManualClock() if start is None else ManualClock(start)
        self.started = self.clock.now()
        self.receiver: Receiver | None = None
        self.answers: list[tuple[Ipn, int]] = []
        config = SimulatorConfig(
            sellers=(seller,),
            public_url=f"http://{host}",
            pages_url=pages_url,
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
        return MwsClient(
            http or self.http,
            Endpoint.at(ENDPOINT),
            credentials,
            pacing=self._pacing(),
            call_log=call_log,
        )

    def gateway(self, call_log: CallLog, *, http: httpx.Client | None = None) -> MwsGateway:
        """The real gateway over amzpay's MWS client (a ``bootstrap`` gateway factory's
        answer)."""
        return MwsGateway(
            self.mws_client(call_log, http=http), now=self.clock.now, quotas=SANDBOX_QUOTAS
        )

    def v2_client(self, call_log: CallLog | None = None) -> V2Client:
        """amzpay's API v2 client for this seller, signing with its v2 key, on this clock."""
        return V2Client(
            self.http,
            self.v2_endpoint,
            self._signer(),
            quotas={},
            pacing=self._pacing(),
            call_log=call_log,
        )

    def v2_gateway(self, call_log: CallLog | None = None) -> V2Gateway:
        """The real v2 gateway over amzpay's v2 client (a ``bootstrap`` gateway factory's
        answer)."""
        return V2Gateway(self.v2_client(call_log), now=self.clock.now, simulations=self.simulations)

    def v2_checkout_sessions(self, call_log: CallLog | None = None) -> V2CheckoutSessions:
        """The v2 checkout over amzpay's v2 client (a ``bootstrap`` checkout sessions
        factory's answer)."""
        return V2CheckoutSessions(self.v2_client(call_log), self._signer())

    def v2_checkout(self, amount: Money) -> str:
        """A charge permission as a buyer leaves it at the end of checkout (``v2_session``).
        Returns the Chargeable charge permission's id: the order's Amazon id, nothing charged
        yet."""
        _, permission = self.v2_session(amount)
        if permission is None:
            raise RuntimeError("the checkout session was completed without a permission")
        return permission

    def v2_session(self, amount: Money, *, complete: bool = True) -> tuple[str, str | None]:
        """A buyer's checkout session: the shop creates it and sets ``amount`` with the
        Confirm intent, the buyer signs in and picks a card (the simulator's control API),
        and (with ``complete``) the shop completes it. Returns the session's id and the charge
        permission it left (None while it is not completed)."""
        client = self.v2_client()
        number = next(self._checkouts)
        session = client.create_checkout_session(
            review_return_url=f"{SHOP_URL}/review",
            store_id="amzn1.application-oa2-client.local",
            reference_id=f"checkout-{number:04d}",
        ).checkout_session_id
        client.update_checkout_session(
            session,
            checkout_result_return_url=f"{SHOP_URL}/result",
            charge_amount=amount,
            payment_intent=PaymentIntent.CONFIRM,
        )
        buyer = self.http.post(
            self.v2_endpoint.url(f"/_sim/v2/checkout-sessions/{session}/buyer"),
            json={"card": "visa"},
        )
        buyer.raise_for_status()
        if not complete:
            return session, None
        done = client.complete_checkout_session(
            session, amount, reference_id=f"complete-{number:04d}"
        )
        return session, done.charge_permission_id

    def advance(self, seconds: float) -> None:
        """Amazon's time moves on: due work is done and IPNs are delivered, in order."""
        self.sim.advance(seconds)

    def close(self) -> None:
        self.http.close()

    def _signer(self) -> Signer:
        if self.v2_key is None or not self.seller.public_key_id:
            raise ValueError(f"seller {self.seller.seller_id} has no API v2 key")
        return Signer(self.seller.public_key_id, self.v2_key)

    def _pacing(self) -> Pacing:
        return Pacing(now=self.clock.now, sleep=lambda _: None, rng=lambda: 0.5)

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
