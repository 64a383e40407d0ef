"""The fallback for lost IPNs: every pending authorization, capture and refund is asked
about on a backoff schedule until it settles (ARCHITECTURE.md, the refund, step 5).

The schedule (default 1 min, 5 min, 30 min, 2 h, then every 6 h: config.py) counts from the
moment a record became pending; each answer goes through ``apply_observation``, the function
IPNs use, so a poll and an IPN can arrive in any order and book once. Refunds still pending
after ``stuck_after`` are reported as stuck (the commonest complaint about payment modules:
research peers.md §0.3).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from amzpay.amazonpay.gateway import CallFailed, CallRefused, Observation, PaymentGateway
from amzpay.domain.errors import PaymentStateError
from amzpay.domain.payment import PaymentKind, PaymentRecord
from amzpay.oms.engine import Engine
from amzpay.ports.errors import RecordNotFound
from amzpay.ports.unit import Storage, UnitOfWork
from amzpay.processes.observations import apply_observation
from amzpay.processes.polls import next_poll_at
from amzpay.processes.settlement import Settlement

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PollResult:
    record: PaymentRecord
    answered: bool  # Amazon answered (the state may or may not have changed)
    error: str | None = None


class Poller:
    def __init__(
        self,
        database: Storage,
        engine: Engine[UnitOfWork],
        gateway: PaymentGateway,
        clock: Callable[[], datetime],
        schedule: Sequence[timedelta],
        stuck_after: timedelta,
    ) -> None:
        self.database, self.engine, self.gateway, self.clock = database, engine, gateway, clock
        self.schedule, self.stuck_after = tuple(schedule), stuck_after
        self.settlement = Settlement(engine)

    def poll_due(self, limit: int = 100) -> int:
        """Ask about every pending record whose poll is due; return how many were asked."""
        with self.database.read() as tx:
            due = tx.polls_due(self.clock(), self.schedule[0], limit)
        for record in due:
            self._poll(record.kind, record.id, scheduled=True)
        return len(due)

    def check_now(self, reference_id: str) -> PollResult:
        """Ask Amazon about one refund at once (``amzpay refund status REF --check-now``).

        Raises:
            RecordNotFound: no refund with this reference id or Amazon id.
        """
        with self.database.read() as tx:
            found = tx.find_payment(PaymentKind.REFUND, reference_id=reference_id)
            found = found or tx.find_payment(PaymentKind.REFUND, amazon_id=reference_id)
        if found is None:
            raise RecordNotFound("refund", reference_id)
        return self._poll(PaymentKind.REFUND, found.id, scheduled=False)

    def stuck_refunds(self) -> list[PaymentRecord]:
        """Refunds sent and still unsettled after ``stuck_after``."""
        limit = self.clock() - self.stuck_after
        with self.database.read() as tx:
            return [record for record in tx.unsettled_refunds() if record.created_at <= limit]

    def _poll(self, kind: PaymentKind, record_id: int, *, scheduled: bool) -> PollResult:
        """Ask about one record and apply the answer; a ``scheduled`` poll also sets the
        next one (a check by hand leaves the schedule as it was)."""
        with self.database.read() as tx:
            record = tx.payment(kind, record_id)
        if record.amazon_id is None:
            return PollResult(record, answered=False, error="not yet known to Amazon")
        seen: Observation | None = None
        failure: str | None = None
        try:
            seen = self._ask(kind, record.amazon_id)
        except (CallFailed, CallRefused) as error:
            log.info("poll of %s %s failed: %s", kind, record.reference_id, error)
            failure = str(error)
        with self.database.transaction() as tx:
            tx.lock_order(record.order)
            if seen is not None:
                try:
                    apply_observation(tx, seen, self.clock(), self.settlement, "poll")
                except PaymentStateError as error:  # nothing was written; ask again later
                    log.error("poll of %s %s: %s", kind, record.reference_id, error)
                    failure = str(error)
            if scheduled:
                polls = record.polls + 1
                tx.schedule_poll(
                    kind, record_id, polls, next_poll_at(polls, self.clock(), self.schedule)
                )
            return PollResult(tx.payment(kind, record_id), seen is not None, failure)

    def _ask(self, kind: PaymentKind, amazon_id: str) -> Observation:
        ask = {
            PaymentKind.AUTHORIZATION: self.gateway.authorization_details,
            PaymentKind.CAPTURE: self.gateway.capture_details,
            PaymentKind.REFUND: self.gateway.refund_details,
        }[kind]
        return ask(amazon_id)
