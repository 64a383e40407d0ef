"""The commands of the payment processes (authorize, capture, refresh, close, cancel).

Each stores what its call needs in ``plan`` (inside the transaction that moved the items),
makes the call in ``call`` with no transaction open, and returns what to record. The refund
command lives in ``refund.py``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from amzpay.amazonpay.gateway import (
    ASYNCHRONOUS,
    SYNCHRONOUS,
    CallRefused,
    Observation,
    PaymentGateway,
)
from amzpay.domain.errors import PaymentStateError
from amzpay.domain.payment import (
    MONEY_MAY_BE_TAKEN,
    UNSETTLED,
    AuthorizationState,
    CaptureState,
    OrderReferenceState,
    PaymentKind,
    PaymentRecord,
)
from amzpay.oms.ports import Job, Transactions
from amzpay.ports.payments import NewPayment
from amzpay.ports.unit import UnitOfWork
from amzpay.processes.calls import attempt, missing
from amzpay.processes.observations import (
    apply_observation,
    apply_refusal,
    follow_authorization,
    record_order_reference,
)
from amzpay.processes.polls import DEFAULT_SCHEDULE, Schedule, next_poll_at, poll_is_due
from amzpay.processes.records import (
    expenses_total,
    items_total,
    latest_covering,
    new_reference_id,
)
from amzpay.processes.settlement import Settlement

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Record = Callable[[UnitOfWork], None]


Outcome = Observation | CallRefused


class AuthorizeCommand:
    """Authorize the items (and the expenses, when all items are authorized together); with
    ``capture_now`` the same call captures, and a capture record is stored beside it."""

    def __init__(
        self, gateway: PaymentGateway, clock: Clock, settlement: Settlement, *, capture_now: bool
    ) -> None:
        self.gateway, self.clock, self.capture_now = gateway, clock, capture_now
        self.settlement = settlement

    def plan(self, tx: UnitOfWork, job: Job) -> None:
        order, now = tx.order(job.order), self.clock()
        whole = set(job.items) == {item.id for item in order.items}
        amount = items_total(order, job.items)
        if whole:
            amount += expenses_total(order)
        reference = new_reference_id("A")
        kind = PaymentKind.AUTHORIZATION
        new = NewPayment(kind, reference, amount, job.items, capture_now=self.capture_now)
        auth = tx.add_payment(job.order, _of_job(new, job), now)
        if self.capture_now:
            # Amazon gives a CaptureNow capture the authorization's reference id.
            capture = NewPayment(PaymentKind.CAPTURE, reference, amount, job.items, auth.id)
            tx.add_payment(job.order, _of_job(capture, job), now)
            lines = [*job.items, *(e.id for e in order.expenses)] if whole else job.items
            tx.set_capture(job.order, lines, reference)

    def call(self, job: Job, transactions: Transactions[UnitOfWork]) -> Record:
        with transactions() as tx:
            order = tx.order(job.order)
            auth = tx.job_payments(job.id, PaymentKind.AUTHORIZATION)[-1]
            captures = tx.job_payments(job.id, PaymentKind.CAPTURE)
        reference_id = order.amazon_order_reference_id
        outcome: Outcome = missing("Authorize", "the order")
        if reference_id is not None:
            outcome = attempt(
                lambda: self.gateway.authorize(
                    order_reference_id=reference_id,
                    reference_id=auth.reference_id,
                    amount=auth.amount,
                    capture_now=self.capture_now,
                    transaction_timeout=SYNCHRONOUS if self.capture_now else ASYNCHRONOUS,
                )
            )
        captured = self._capture_details(outcome)
        if isinstance(captured, Observation) and captured.reference_id is None:
            # API v2's Get Charge does not say our reference id: the capture Amazon made with
            # the charge is the one stored with the authorization's reference id (``plan``).
            captured = replace(captured, reference_id=auth.reference_id)

        def record(tx: UnitOfWork) -> None:
            now, settlement, actor = self.clock(), self.settlement, f"command {job.command}"
            _record(tx, auth, outcome, now, settlement, actor)
            for capture in captures:
                if captured is not None:
                    _record(tx, capture, captured, now, settlement, actor)
                elif isinstance(outcome, CallRefused):
                    apply_refusal(tx, capture, outcome, now, settlement, actor)
                elif outcome.declined:
                    declined = CaptureState.DECLINED
                    follow_authorization(tx, capture, declined, now, settlement, actor)

        return record

    def _capture_details(self, outcome: Outcome) -> Outcome | None:
        if not (self.capture_now and isinstance(outcome, Observation) and outcome.children):
            return None
        capture_id = outcome.children[0]
        return attempt(lambda: self.gateway.capture_details(capture_id))


class CaptureCommand:
    """Capture the items from their open authorization; the first capture of an order also
    takes the expenses (shipping)."""

    def __init__(self, gateway: PaymentGateway, clock: Clock, settlement: Settlement) -> None:
        self.gateway, self.clock, self.settlement = gateway, clock, settlement

    def plan(self, tx: UnitOfWork, job: Job) -> None:
        order, now = tx.order(job.order), self.clock()
        auth = latest_covering(tx, job.order, job.items[0], PaymentKind.AUTHORIZATION)
        assert auth is not None  # "auth open" ("authorized" on v2) is reached through one
        captures = tx.payments(job.order, PaymentKind.CAPTURE)
        first = not any(c.state in MONEY_MAY_BE_TAKEN for c in captures)
        amount = items_total(order, job.items)
        lines = list(job.items)
        if first:
            amount += expenses_total(order)
            lines += [expense.id for expense in order.expenses]
        reference = new_reference_id("C")
        new = NewPayment(PaymentKind.CAPTURE, reference, amount, job.items, auth.id)
        tx.add_payment(job.order, _of_job(new, job), now)
        tx.set_capture(job.order, lines, reference)

    def call(self, job: Job, transactions: Transactions[UnitOfWork]) -> Record:
        with transactions() as tx:
            capture = tx.job_payments(job.id, PaymentKind.CAPTURE)[-1]
            assert capture.parent_id is not None
            auth = tx.payment(PaymentKind.AUTHORIZATION, capture.parent_id)
        authorization_id = auth.amazon_id
        outcome: Outcome = missing("Capture", "the authorization")
        if authorization_id is not None:
            outcome = attempt(
                lambda: self.gateway.capture(
                    authorization_id=authorization_id,
                    reference_id=capture.reference_id,
                    amount=capture.amount,
                )
            )
        actor = f"command {job.command}"
        return lambda tx: _record(tx, capture, outcome, self.clock(), self.settlement, actor)


class RefreshCommand:
    """Ask Amazon for the state of the items' newest ``kind`` record (the poll for lost
    IPNs); records already settled, or whose next poll is not yet due on the backoff
    ``schedule`` (``polls.py``), are not asked about."""

    def __init__(
        self,
        gateway: PaymentGateway,
        clock: Clock,
        settlement: Settlement,
        kind: PaymentKind,
        schedule: Schedule = DEFAULT_SCHEDULE,
    ) -> None:
        self.gateway, self.clock, self.kind, self.schedule = gateway, clock, kind, schedule
        self.settlement = settlement

    def plan(self, tx: UnitOfWork, job: Job) -> None:
        """Nothing to store: the records exist."""

    def call(self, job: Job, transactions: Transactions[UnitOfWork]) -> Record:
        now = self.clock()
        with transactions() as tx:
            records = {
                record.id: record
                for item in job.items
                if (record := latest_covering(tx, job.order, item, self.kind)) is not None
                and record.amazon_id is not None
                and (record.state in UNSETTLED or record.state is AuthorizationState.OPEN)
                and poll_is_due(record, now, self.schedule)
            }
        answers = [(record, self._ask(record)) for record in records.values()]

        def record_all(tx: UnitOfWork) -> None:
            at = self.clock()
            for record, answer in answers:
                polls = record.polls + 1
                tx.schedule_poll(
                    self.kind, record.id, polls, next_poll_at(polls, at, self.schedule)
                )
                if isinstance(answer, Observation):
                    actor = f"command {job.command}"
                    try:
                        apply_observation(tx, answer, at, self.settlement, actor)
                    except PaymentStateError as error:  # nothing was written; asked again later
                        log.error("%s %s: %s", self.kind, record.reference_id, error)

        return record_all

    def _ask(self, record: PaymentRecord) -> Outcome:
        amazon_id = record.amazon_id
        assert amazon_id is not None
        ask = {
            PaymentKind.AUTHORIZATION: self.gateway.authorization_details,
            PaymentKind.CAPTURE: self.gateway.capture_details,
            PaymentKind.REFUND: self.gateway.refund_details,
        }[self.kind]
        return attempt(lambda: ask(amazon_id))


class OrderReferenceCommand:
    """Close or cancel the order's Amazon order reference."""

    def __init__(self, gateway: PaymentGateway, clock: Clock, *, cancel: bool) -> None:
        self.gateway, self.clock, self.cancel = gateway, clock, cancel

    def plan(self, tx: UnitOfWork, job: Job) -> None:
        """Nothing to store: the order reference is the order's."""

    def call(self, job: Job, transactions: Transactions[UnitOfWork]) -> Record:
        with transactions() as tx:
            reference_id = tx.order(job.order).amazon_order_reference_id
        gateway = self.gateway
        act = gateway.cancel_order_reference if self.cancel else gateway.close_order_reference
        outcome: CallRefused | None = missing("CloseOrderReference", "the order")
        if reference_id is not None:
            outcome = attempt(lambda: act(order_reference_id=reference_id))

        def record(tx: UnitOfWork) -> None:
            # A refusal (already closed, say) leaves our row as it is; the call log has it.
            if reference_id is not None and outcome is None:
                state = OrderReferenceState.CANCELED if self.cancel else OrderReferenceState.CLOSED
                record_order_reference(tx, job.order, reference_id, state, None, self.clock())

        return record


def _record(
    tx: UnitOfWork,
    record: PaymentRecord,
    outcome: Outcome,
    at: datetime,
    settlement: Settlement,
    actor: str,
) -> None:
    if isinstance(outcome, CallRefused):
        apply_refusal(tx, record, outcome, at, settlement, actor)
    else:
        apply_observation(tx, outcome, at, settlement, actor)


def _of_job(new: NewPayment, job: Job) -> NewPayment:
    return replace(new, job_id=job.id)
