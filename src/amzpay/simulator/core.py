"""The simulator itself: Amazon's books, its clock, its IPN outbox and the faults in force.

Everything that changes state runs under one lock; IPNs are sent outside it, so an app that
answers an IPN by calling the simulator back does not deadlock.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import anyio
import httpx

from . import checkout, notifications
from .auth import authenticate
from .buyers import SANDBOX_PASSWORD, sandbox_buyer
from .certs import make_signing_key
from .clock import Clock, ManualClock, OffsetClock, SystemClock, caller_time
from .config import Seller, SimulatorConfig
from .delivery import IpnTimeout, IpnUnreachable, Outbox, Sender, http_sender
from .errors import ApiError
from .faults import Faults
from .idempotency import ReferenceIds
from .ids import IdFactory
from .ledger import Ledger
from .model import Buyer, Payment
from .operations import perform
from .orders import change_payment_method, open_order_reference
from .params import Call
from .scheduler import Scheduler
from .throttle import Throttle

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class CallRecord:
    """One call to Amazon's endpoint, as the control API reports it."""

    at: datetime
    action: str
    status: int
    error_code: str | None
    request_id: str
    # the seller's Authorization/Capture/RefundReferenceId, or a v2 call's idempotency key
    reference_id: str | None = None


_BUTTON_SCOPE = "profile payments:widget payments:shipping_address"
_REFERENCE_IDS = ("AuthorizationReferenceId", "CaptureReferenceId", "RefundReferenceId")


class Simulator:
    """Amazon Pay's sandbox, in memory. ``app`` is its ASGI face."""

    def __init__(
        self,
        config: SimulatorConfig | None = None,
        *,
        clock: Clock | None = None,
        sender: Sender | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        self.config = config or SimulatorConfig()
        self.clock: Clock = SystemClock() if clock is None else clock
        self.sleep: Sleep = anyio.sleep if sleep is None else sleep
        self.lock = threading.RLock()
        self._advancing = threading.Lock()  # one advance at a time (served: one per request)
        self.ids = IdFactory(self.config.seed)
        self.faults = Faults()
        self.scheduler = Scheduler()
        self.ledger = Ledger(self.config, self.clock, self.ids, self.scheduler, self._announce)
        self.references = ReferenceIds()
        self.throttle = Throttle(self.config)
        self.outbox = Outbox(self.config, self.faults)
        self.signing_key = make_signing_key(self.clock.now())
        self.ipn_urls = {s.seller_id: s.ipn_url for s in self.config.sellers}
        self.calls: list[CallRecord] = []
        self.sender = sender  # None: post over HTTP to the seller's IPN URL
        from .v2.engine import V2Api  # here, not at the top: the v2 side imports this module

        self.v2 = V2Api(self)  # Amazon Pay API v2, on the same clock, outbox and faults

    # --- what a buyer does ------------------------------------------------------------------
    def create_order_reference(
        self,
        buyer: Buyer | None = None,
        *,
        payment_method: str = "visa",
        seller_id: str | None = None,
        sandbox: bool = True,
    ) -> str:
        """A Draft order reference, as if ``buyer`` had signed in and picked a payment
        method in Amazon's widgets; returns its AmazonOrderReferenceId."""
        seller = self.seller(seller_id)
        with self.lock:
            chosen = buyer or sandbox_buyer(payment_method)
            return open_order_reference(self.ledger, seller.seller_id, chosen, sandbox)

    def sign_in(
        self, email: str, *, password: str = SANDBOX_PASSWORD, seller_id: str | None = None
    ) -> str:
        """The access token (address consent token) a sandbox test account gets by signing
        in on ``seller_id``'s button, as the sign-in page hands it out."""
        seller = self.seller(seller_id)
        with self.lock:
            return checkout.sign_in(self.ledger, seller, email, password, _BUTTON_SCOPE).token

    def change_payment_method(self, order_reference_id: str, payment_method: str) -> None:
        """The buyer chooses ``payment_method`` for the order instead (after a soft decline:
        the order reference goes from Suspended back to Open, with its IPN)."""
        with self.lock:
            change_payment_method(self.ledger, order_reference_id, payment_method)

    def seller(self, seller_id: str | None = None) -> Seller:
        for seller in self.config.sellers:
            if seller_id in (None, seller.seller_id):
                return seller
        raise KeyError(f"unknown seller {seller_id!r}")

    # --- Amazon's endpoint ------------------------------------------------------------------
    def call(self, params: Mapping[str, str], host: str, path: str, sandbox: bool) -> bytes:
        """Answer one API call: the response XML, or ApiError. Faults that fail calls and
        throttling apply here; latency and lost responses are the web layer's."""
        action = params.get("Action", "")
        reference_id = next((params[name] for name in _REFERENCE_IDS if name in params), None)
        with self.lock:
            request_id = self.ids.request_id()
            try:
                body = self._answer(params, host, path, sandbox, request_id)
            except ApiError as error:
                self._record(action, error.http_status, error.code, request_id, reference_id)
                error.request_id = request_id
                raise
            self._record(action, 200, None, request_id, reference_id)
        return body

    def _answer(
        self, params: Mapping[str, str], host: str, path: str, sandbox: bool, request_id: str
    ) -> bytes:
        if self.faults.take("fail_calls"):
            code = "ServiceUnavailable" if self.faults.fail_status == 503 else "InternalServerError"
            raise ApiError(code, "We encountered an internal error. Please try again.")
        seller = authenticate(self.config, params, host, path, caller_time(self.clock))
        if not self.throttle.admit(seller.seller_id, sandbox, params["Action"], self.clock.now()):
            raise ApiError("RequestThrottled", "Request is throttled.")
        self._run_due_actions()
        call = Call(params["Action"], seller.seller_id, sandbox, params)
        return perform(self.ledger, self.references, call, request_id)

    def record_call(
        self, action: str, status: int, code: str | None, request_id: str, reference: str | None
    ) -> None:
        """Log one call to Amazon's endpoints (either API) for the control API."""
        self._record(action, status, code, request_id, reference)

    def _record(
        self, action: str, status: int, code: str | None, request_id: str, reference: str | None
    ) -> None:
        with self.lock:
            record = CallRecord(self.clock.now(), action, status, code, request_id, reference)
            self.calls.append(record)

    # --- time -------------------------------------------------------------------------------
    def settle_due(self) -> None:
        """Do everything that has fallen due by now: Amazon's pending work, then IPNs, until
        nothing more is due (an IPN's receiver may call back and start more)."""
        while True:
            with self.lock:
                ran = self._run_due_actions()
            if not self.deliver_due() and not ran:
                return

    @property
    def can_advance(self) -> bool:
        """Whether ``advance`` can move this simulator's clock (a manual or offset one)."""
        return isinstance(self.clock, ManualClock | OffsetClock)

    def advance(self, seconds: float) -> None:
        """Move a ManualClock or OffsetClock forward, settling everything on the way at its
        own moment (an OffsetClock keeps running meanwhile, so no moment is missed)."""
        clock = self.clock
        if not isinstance(clock, ManualClock | OffsetClock):
            raise TypeError("advance() needs a ManualClock or OffsetClock, not the bare real one")
        with self._advancing:
            target = clock.now() + timedelta(seconds=seconds)
            while (due := self._next_due()) is not None and due <= target:
                clock.set(max(due, clock.now()))
                self.settle_due()
            clock.set(max(target, clock.now()))
            self.settle_due()

    def run_due_actions(self) -> int:
        """Run Amazon's timed work that has fallen due; the caller holds ``lock``."""
        return self._run_due_actions()

    def _next_due(self) -> datetime | None:
        with self.lock:
            moments = [m for m in (self.scheduler.next_due(), self.outbox.next_due()) if m]
        return min(moments, default=None)

    def _run_due_actions(self) -> int:
        ran = 0
        while (action := self.scheduler.pop_due(self.clock.now())) is not None:
            action()
            ran += 1
        return ran

    # --- IPNs -------------------------------------------------------------------------------
    def deliver_due(self) -> int:
        """Attempt every IPN delivery that is due; returns how many were attempted."""
        with self.lock:
            due = self.outbox.take_due(self.clock.now())
        for delivery in due:
            status, error = self._send(delivery.url, delivery.ipn)
            with self.lock:
                self.outbox.record(delivery, self.clock.now(), status, error)
        return len(due)

    def _send(self, url: str | None, ipn: notifications.Ipn) -> tuple[int | None, str]:
        if self.sender is None:
            self.sender = http_sender(httpx.Client(timeout=15.0))
        try:
            return self.sender(url, ipn), ""
        except IpnTimeout:
            return None, "timeout"
        except IpnUnreachable:
            return None, "unreachable"

    def _announce(self, item: Payment) -> None:
        seller_id, sandbox = self.ledger.owner[item.id]
        seller = self.seller(seller_id)
        now = self.clock.now()
        topic = notifications.topic_arn(seller, self.config.region)
        message_id = self.ids.message_id()
        message = notifications.inner_message(item, seller, sandbox, self.ids.request_id(), now)
        envelope = notifications.signed_envelope(
            self.signing_key, message, message_id, topic, now, self.config.public_url
        )
        ipn = notifications.Ipn(
            message_id=message_id,
            notification_type=notifications.notification_type(item),
            object_id=item.id,
            state=item.status.state,
            headers=notifications.sns_headers(message_id, topic),
            envelope=envelope,
        )
        self.outbox.post(ipn, self.ipn_urls.get(seller_id), now)
