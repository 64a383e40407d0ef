"""The refund command: the shop computes the amount, Amazon is asked for it.

``plan`` runs in the transaction that moved the items to ``refund requested``: it computes
the refund with ``plan_refund`` (one part per capture, Amazon's limits checked), stores one
refund record per part with its lines and a RefundReferenceId generated once, and holds the
lines as refund pending. ``call`` sends each record still ``requested``; a retry sends the
same reference id again. The answer (Pending, or a refusal) is recorded by
``observations``; a refusal releases the lines at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from amzpay.amazonpay.gateway import CallRefused, Observation, PaymentGateway
from amzpay.domain.payment import PaymentKind, PaymentRecord, RefundState
from amzpay.domain.refund import plan_refund
from amzpay.oms.ports import Job, Transactions
from amzpay.ports.payments import NewPayment
from amzpay.ports.unit import UnitOfWork
from amzpay.processes.calls import attempt, missing
from amzpay.processes.observations import apply_observation, apply_refusal
from amzpay.processes.records import capture_balances, new_reference_id
from amzpay.processes.settlement import Settlement

Clock = Callable[[], datetime]
_Answer = tuple[PaymentRecord, Observation | CallRefused]


class RefundCommand:
    def __init__(self, gateway: PaymentGateway, clock: Clock, settlement: Settlement) -> None:
        self.gateway, self.clock, self.settlement = gateway, clock, settlement

    def plan(self, tx: UnitOfWork, job: Job) -> None:
        """Raises the domain's RefundError (nothing is stored) when the items cannot be
        refunded or a capture's limits would be broken."""
        order, now = tx.order(job.order), self.clock()
        planned = plan_refund(order, job.items, captures=capture_balances(tx, job.order))
        captures = {c.reference_id: c for c in tx.payments(job.order, PaymentKind.CAPTURE)}
        for part in planned.parts:
            new = NewPayment(
                PaymentKind.REFUND,
                new_reference_id("R"),
                part.amount,
                parent_id=captures[part.capture_id].id,
                item_lines=part.items,
                expense_lines=part.expenses,
                over_refund=part.over_refund,
                job_id=job.id,
            )
            tx.add_payment(job.order, new, now)

    def call(
        self, job: Job, transactions: Transactions[UnitOfWork]
    ) -> Callable[[UnitOfWork], None]:
        with transactions() as tx:
            waiting = [
                (refund, tx.payment(PaymentKind.CAPTURE, refund.parent_id or 0))
                for refund in tx.job_payments(job.id, PaymentKind.REFUND)
                if refund.state is RefundState.REQUESTED
            ]
        answers = [(refund, self._send(refund, capture)) for refund, capture in waiting]
        return lambda tx: self._record(tx, answers, f"command {job.command}")

    def _send(self, refund: PaymentRecord, capture: PaymentRecord) -> Observation | CallRefused:
        capture_id = capture.amazon_id
        if capture_id is None:
            return missing("Refund", "the capture")
        return attempt(
            lambda: self.gateway.refund(
                capture_id=capture_id,
                reference_id=refund.reference_id,
                amount=refund.amount,
                note=refund.seller_note,
            )
        )

    def _record(self, tx: UnitOfWork, answers: list[_Answer], actor: str) -> None:
        now, settlement = self.clock(), self.settlement
        for refund, outcome in answers:
            if isinstance(outcome, CallRefused):
                apply_refusal(tx, refund, outcome, now, settlement, actor)
            else:
                apply_observation(tx, outcome, now, settlement, actor)
