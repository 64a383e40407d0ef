"""The v2 side of the simulator: one call's path through authentication, faults, throttling,
simulations and idempotency to its operation, and the IPNs its changes send.

It lives inside the legacy ``Simulator`` and shares its lock, clock, scheduler, ids, faults,
throttle buckets, call log, SNS signing key and IPN outbox, so ``advance`` and
``settle_due`` move both APIs and the control API sees both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..clock import caller_time
from ..model import Buyer
from . import idempotency, ipn, operations, sessions, simulations
from .auth import SignedRequest, authenticate
from .books import Books
from .call import Call
from .errors import V2Error
from .model import Charge, ChargePermission, CheckoutSession, Refund, Resource

if TYPE_CHECKING:
    from ..core import Simulator


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    request_id: str


class V2Api:
    """Amazon Pay API v2, on the books of ``simulator``."""

    def __init__(self, simulator: Simulator) -> None:
        self._sim = simulator
        self.books = Books(simulator.ledger, self._announce)
        self.keys = idempotency.IdempotencyKeys()
        self.signed_in: dict[str, str] = {}  # checkout session id -> the buyer's e-mail

    def call(self, request: SignedRequest, rest: str) -> Reply:
        """Answer one request for ``/v2/<rest>``; errors are answers too."""
        sim = self._sim
        with sim.lock:
            request_id = sim.ids.request_id()
            name, code = f"{request.method} /v2/{rest}", None
            try:
                operation, resource = operations.find(request.method, rest)
                name = operation.name
                status, body = self._answer(operation, resource, request)
            except V2Error as error:
                status, body, code = error.http_status, error.body, error.code
            key = request.headers.get(idempotency.HEADER)
            sim.record_call(name, status, code, request_id, key)
        return Reply(status, body, request_id)

    def _answer(
        self,
        operation: operations.Operation,
        resource: str | None,
        request: SignedRequest,
    ) -> tuple[int, bytes]:
        sim = self._sim
        if sim.faults.take("fail_calls"):
            if sim.faults.fail_status == 503:
                raise V2Error("ServiceUnavailable", "The service is temporarily unavailable.")
            raise V2Error("InternalServerError", "We encountered an internal error.")
        seller, sandbox = authenticate(sim.config, request, caller_time(sim.clock))
        if not sim.throttle.admit(seller.seller_id, sandbox, operation.name, sim.clock.now()):
            raise V2Error("TooManyRequests", "The request was throttled: too many requests.")
        simulation = simulations.read(
            operation.name, request.headers.get(simulations.HEADER), sandbox
        )
        key = _key(operation, request)
        owner = (seller.seller_id, sandbox)
        fingerprint = idempotency.fingerprint(operation.name, resource, request.body)
        if key is not None and (saved := self.keys.replay(owner, key, fingerprint)):
            return saved.status, saved.body
        sim.run_due_actions()
        call = Call(
            seller.seller_id, sandbox, resource, request.body, simulation, sim.config.buyer_url
        )
        status, answer = operation.handler(self.books, call)
        body = json.dumps(answer).encode()
        if key is not None:
            self.keys.save(owner, key, idempotency.Saved(fingerprint, status, body))
        return status, body

    def sign_in(self, session_id: str, buyer: Buyer, card: str) -> CheckoutSession:
        """The buyer signs in on checkout session ``session_id`` and picks an address and
        ``card``; KeyError for an unknown session, V2Error for one no longer Open."""
        with self._sim.lock:
            return sessions.sign_in(self.books, session_id, buyer, card)

    def _announce(self, item: Resource) -> None:
        if not isinstance(item, ChargePermission | Charge | Refund):
            return  # checkout sessions have no IPNs
        sim = self._sim
        seller_id, _ = self.books.owner[item.id]
        now = sim.clock.now()
        notice = ipn.ipn(
            sim.signing_key,
            item,
            self._permission_of(item),
            sim.seller(seller_id),
            (sim.ids.message_id(), sim.ids.request_id()),
            now,
            sim.config.public_url,
            sim.config.region,
        )
        sim.outbox.post(notice, sim.ipn_urls.get(seller_id), now)

    def _permission_of(self, item: ChargePermission | Charge | Refund) -> str:
        match item:
            case ChargePermission():
                return item.id
            case Charge():
                return item.charge_permission_id
            case Refund():
                return self.books.charges[item.charge_id].charge_permission_id


def _key(operation: operations.Operation, request: SignedRequest) -> str | None:
    if operation.method != "POST":
        return None  # Amazon honours the key on POST requests only (§C.4)
    value = request.headers.get(idempotency.HEADER)
    return idempotency.read_key(value, operation.needs_key)
