"""Applying stored IPNs through ``apply_observation``.

The worker (``apply_due``) applies the messages the endpoint stored: it claims each waiting
message, applies it under its order's lock and marks it processed with a note of what
happened, ten messages to a transaction, each in a savepoint of its own. With
``AMZPAY_AMAZON__IPN_APPLY=at-receipt`` a message is applied where it is received, in the
transaction that stores it (``apply_received``, inside a savepoint): one commit stores,
applies and marks it processed, and Amazon's acknowledgement follows that commit; if applying
fails there, the savepoint is rolled back and the message stays stored for the worker.
Duplicates never reach here twice (the inbox is unique by message id), and
``apply_observation`` ignores late, repeated and out-of-order news. A PaymentRefund no refund
of ours asked for (made in Seller Central) is recorded as an external refund and flagged for
staff; types and states we do not read are recorded and acknowledged.

An API v2 message is a hint: it names an object and says nothing of its state. It is not
applied at receipt (no transaction is held open across a call to Amazon); the worker asks the
gateway for the object, outside any transaction, and applies what Amazon says through
``apply_observation`` as above, a refund of no record of ours becoming an external refund. As
v2's refunds do not carry our reference id, a refund named while one of ours of the same amount
on its order still awaits Amazon's answer (lost, to be asked again with the same idempotency
key) is not judged yet: the message is tried again later, by when our record has Amazon's id
(after the last try it is given up with that note, and staff see it in the IPN list). A
failed call to Amazon is a failed application, tried again like any other. A message
whose application fails (a deadlock, the database away for a moment, a bug a deploy fixes) is
tried again after each of ``RETRIES``; after the last it is marked processed with its error,
and the poll settles what it would have.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Final

from amzpay.amazonpay.gateway import ObjectKind, Observation, PaymentGateway
from amzpay.amazonpay.ipn import IpnError
from amzpay.amazonpay.notifications import Notice, look, read_stored
from amzpay.domain.payment import OrderReferenceState, PaymentKind, PaymentRecord, RefundState
from amzpay.oms.engine import Engine
from amzpay.ports.errors import StorageFailed
from amzpay.ports.flow import ExternalRefund, InboxMessage
from amzpay.ports.unit import Storage, UnitOfWork
from amzpay.processes.notices import queue_external_refund_notice
from amzpay.processes.observations import apply_observation, record_order_reference
from amzpay.processes.settlement import Settlement
from amzpay.services.notifications import PAYMENT_KINDS, Located, locate

log = logging.getLogger(__name__)

RETRIES: Final = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
"""Waits before each new try of a message whose application failed; then it is given up."""
BATCH: Final = 10
"""Stored messages the worker applies in one transaction (one commit instead of ten)."""
_ORDER_REFERENCE_STATES = {state.value: state for state in OrderReferenceState}
REAUTHORIZE = "reauthorize"


class InboxProcessor:
    def __init__(
        self,
        database: Storage,
        engine: Engine[UnitOfWork],
        clock: Callable[[], datetime],
        max_body_bytes: int = 256 * 1024,
        retries: Sequence[timedelta] = RETRIES,
        gateway: PaymentGateway | None = None,
    ) -> None:
        """``gateway`` answers the hints of API v2's messages; without one they wait."""
        self.database, self.engine, self.clock = database, engine, clock
        self.gateway = gateway
        self.max_body_bytes, self.retries = max_body_bytes, tuple(retries)
        self.settlement = Settlement(engine)

    def apply_due(self, limit: int = 100, pause: Callable[[], None] | None = None) -> int:
        """Apply the unprocessed messages due now, oldest first; return how many were
        handled (applied, noted, or failed and put off). Messages that say their state are
        applied ``BATCH`` to a transaction (``_apply_batch``); a hint, which needs Amazon
        asked outside any transaction, is applied on its own. ``pause`` is called before
        each transaction (``amzpay serve``'s worker gives way to the endpoint there)."""
        with self.database.read() as tx:
            waiting = tx.unprocessed_ipns(limit, self.clock())
        handled, batch = 0, list[tuple[InboxMessage, Notice | str]]()

        def flush() -> int:
            if batch and pause is not None:
                pause()
            done = self._apply_batch(batch)
            batch.clear()
            return done

        for message in waiting:
            read = self._read(message)
            if isinstance(read, Exception) or (isinstance(read, Notice) and read.hint is not None):
                handled += flush()  # those before it first: oldest first
                if pause is not None:
                    pause()
                handled += self._handle(message, read)  # a hint, or a body that cannot be read
                continue
            batch.append((message, read))
            if len(batch) == BATCH:
                handled += flush()
        return handled + flush()

    def apply_received(
        self,
        tx: UnitOfWork,
        message: InboxMessage,
        notice: Notice,
        located: Located | None = None,
    ) -> bool:
        """Apply a message just stored in ``tx``, already read (``notice``) and, when given,
        ``located`` in this transaction; False when it failed, or is a hint for the worker to
        look up, and is left for the worker."""
        if notice.hint is not None:
            return False
        try:
            with tx.savepoint():
                note = self._apply_notice(tx, notice, located=located)
                tx.mark_ipn_processed(message.message_id, self.clock(), note)
        except Exception:  # the worker tries again: never why an IPN is refused
            log.exception("IPN %s not applied at receipt; left for the worker", message.message_id)
            return False
        return True

    def _apply_batch(self, batch: Sequence[tuple[InboxMessage, Notice | str]]) -> int:
        """Apply read messages in one transaction, each claimed, applied and marked inside a
        savepoint of its own: a message whose application fails is rolled back alone and put
        off (``_failed``), and one commit keeps what the others did, each exactly once (a
        message another worker claimed is left to it). When the transaction itself fails
        (the database, a deadlock between workers), nothing of it stays, and the messages
        are applied again one transaction each."""
        if len(batch) < 2:
            return sum(self._handle(message, read) for message, read in batch)
        handled = 0
        try:
            with self.database.transaction() as tx:
                for message, read in batch:
                    if not tx.claim_ipn(message.message_id):
                        continue  # another worker has it, or had it
                    try:
                        with tx.savepoint():
                            self._apply_read(tx, message, read)
                    except StorageFailed:
                        raise  # the transaction's own failure: the whole batch again
                    except AnswerAwaited as waiting:  # the normal course after a lost answer
                        log.info("IPN %s waits: %s", message.message_id, waiting)
                        self._failed(tx, message, waiting)
                    except Exception as error:  # one bad message must not stop the others
                        log.exception("IPN %s could not be applied", message.message_id)
                        self._failed(tx, message, error)
                    handled += 1
        except StorageFailed:
            log.warning("a batch of %d IPNs failed: applying them one by one", len(batch))
            return sum(self._handle(message, read) for message, read in batch)
        return handled

    def _handle(self, message: InboxMessage, read: Notice | str | Exception) -> bool:
        """Apply one message in a transaction of its own; False when another worker has it."""
        try:
            if isinstance(read, Exception):
                raise read
            looked = self._look(read)  # outside any transaction: it may call Amazon
            with self.database.transaction() as tx:
                if not tx.claim_ipn(message.message_id):
                    return False  # another worker has it, or had it
                self._apply_read(tx, message, read, looked)
        except AnswerAwaited as waiting:  # the normal course after a lost answer
            log.info("IPN %s waits: %s", message.message_id, waiting)
            with self.database.transaction() as tx:
                self._failed(tx, message, waiting)
        except Exception as error:  # one bad message must not stop the inbox
            log.exception("IPN %s could not be applied", message.message_id)
            with self.database.transaction() as tx:
                self._failed(tx, message, error)
        return True

    def _apply_read(
        self,
        tx: UnitOfWork,
        message: InboxMessage,
        read: Notice | str,
        looked: list[Observation] | None = None,
    ) -> None:
        """Apply a claimed message and mark it processed, with a note of what happened."""
        note = read if isinstance(read, str) else self._apply_notice(tx, read, looked)
        tx.mark_ipn_processed(message.message_id, self.clock(), note)

    def _failed(self, tx: UnitOfWork, message: InboxMessage, error: Exception) -> None:
        """Try the message again later, or give it up after the last of ``retries``."""
        tried, now = message.attempts + 1, self.clock()
        if tried <= len(self.retries):
            wait = self.retries[tried - 1]
            tx.retry_ipn(message.message_id, now + wait, f"attempt {tried} failed: {error!r}")
        else:
            note = f"failed after {tried} attempts: {error!r}"
            tx.mark_ipn_processed(message.message_id, now, note)

    def _read(self, message: InboxMessage) -> Notice | str | Exception:
        """The stored message read, or a note saying why it cannot be (the error when it is
        not the message's fault, for its application to fail and be tried again)."""
        try:
            return read_stored(message.body, self.max_body_bytes, self.clock())
        except IpnError as error:
            return f"unreadable: {error}"
        except Exception as error:  # one bad message must not stop the inbox
            return error

    def _look(self, read: Notice | str) -> list[Observation] | None:
        """What Amazon says of the object a hint names; None for a message that is no hint.
        Raises the gateway's errors, and NoGateway without one."""
        if isinstance(read, str) or read.hint is None:
            return None
        if self.gateway is None:
            raise NoGateway("an API v2 notification needs a gateway to ask")
        return look(self.gateway, read.hint)

    def _apply_notice(
        self,
        tx: UnitOfWork,
        notice: Notice,
        looked: list[Observation] | None = None,
        located: Located | None = None,
    ) -> str | None:
        """Apply one message; return a note for the inbox (None: applied as expected).
        ``located``: its payment record and order, when already looked up."""
        if not notice.notification:
            return f"{notice.kind}: for the operator, nothing applied"
        if looked is not None:
            return self._hinted(tx, looked)
        seen = notice.seen
        if seen is None:
            return f"{notice.kind}: type or state not read; acknowledged"
        return self._apply_seen(tx, seen, located)

    def _apply_seen(
        self, tx: UnitOfWork, seen: Observation, located: Located | None = None
    ) -> str | None:
        if seen.kind is ObjectKind.ORDER_REFERENCE:
            return self._order_reference(tx, seen)
        return self._payment(tx, seen, located or locate(tx, seen))

    def _hinted(self, tx: UnitOfWork, looked: list[Observation]) -> str | None:
        """Apply what Amazon said of a hinted object: each port object of ours it is (a v2
        charge may be our authorization and our capture); when none is ours, say so, or flag
        a refund as external."""
        ours = [seen for seen in looked if _ours(tx, seen)]
        if not ours:
            return self._apply_seen(tx, looked[0])
        notes = [note for seen in ours if (note := self._apply_seen(tx, seen)) is not None]
        return "; ".join(notes) or None

    def _payment(self, tx: UnitOfWork, seen: Observation, located: Located) -> str | None:
        """Apply news of a payment object to our record of it. ``located`` may be read before
        the order's lock: ``apply_observation`` reads the record again under it."""
        record = located.record
        if record is None:
            if seen.kind is ObjectKind.REFUND:
                if seen.reference_id is None and _answer_awaited(tx, seen, located.order):
                    raise AnswerAwaited(seen.amazon_id)
                return self._external_refund(tx, seen, located.order)
            return f"no {PAYMENT_KINDS[seen.kind]} {seen.amazon_id} of ours: ignored"
        tx.lock_order(record.order)
        applied = apply_observation(tx, seen, self.clock(), self.settlement, "ipn")
        return None if applied is not None else _unchanged(record, seen)

    def _order_reference(self, tx: UnitOfWork, seen: Observation) -> str | None:
        order = tx.order_of_amazon_reference(seen.amazon_id)
        if order is None:
            return f"no order for order reference {seen.amazon_id}: ignored"
        head = tx.lock_order(order)
        before = tx.order_reference_state(order)
        target = _ORDER_REFERENCE_STATES.get(seen.state.value)
        if target is None:
            return f"order reference {seen.state.value}: state not read; acknowledged"
        now = self.clock()
        if not record_order_reference(tx, order, seen.amazon_id, target, seen.reason_code, now):
            return "stale or repeated: nothing changed"
        reopened = before is OrderReferenceState.SUSPENDED and target is OrderReferenceState.OPEN
        if reopened and not head.closed:
            return self._reauthorize(tx, order, head.process)
        return None

    def _reauthorize(self, tx: UnitOfWork, order: str, process_name: str) -> str:
        """The buyer chose another payment method (the order reference is Open again after
        Suspended: Amazon Pay integration guide, "Handling declined authorizations"):
        authorize the declined items again."""
        process = self.engine.process(process_name)
        declined = [
            item
            for item, state in tx.item_states(order).items()
            if state is not None and REAUTHORIZE in process.manual_events(state)
        ]
        if declined:
            self.engine.fire(tx, order, REAUTHORIZE, declined, actor="ipn: payment method updated")
        return f"payment method updated: {len(declined)} item(s) authorized again"

    def _external_refund(self, tx: UnitOfWork, seen: Observation, order: str | None) -> str:
        refund = ExternalRefund(
            amazon_refund_id=seen.amazon_id,
            reference_id=seen.reference_id or "",
            order=order,
            state=seen.state.value,
            reason_code=seen.reason_code,
            amount=seen.amount,
            acknowledged=False,
        )
        now = self.clock()
        if tx.record_external_refund(refund, now):
            queue_external_refund_notice(tx, refund, now)  # staff hear of it once
        log.warning("external refund %s recorded for staff", seen.amazon_id)
        return "external refund (not requested by amzpay): flagged for staff"


class NoGateway(RuntimeError):
    """A message needs Amazon asked, and no gateway was given."""


class AnswerAwaited(RuntimeError):
    """A refund Amazon names without our reference id (API v2's) may be ours whose answer
    was lost: the message waits until our record has Amazon's id."""

    def __init__(self, amazon_refund_id: str) -> None:
        super().__init__(
            f"refund {amazon_refund_id} may be ours: a refund of that amount still awaits "
            "Amazon's answer; tried again later"
        )


def _answer_awaited(tx: UnitOfWork, seen: Observation, order: str | None) -> bool:
    """Whether ``order`` has a refund of ``seen``'s amount sent to Amazon (or about to be)
    whose answer, and so whose Amazon id, has not arrived: Amazon made it and lost the
    answer, and our retry with the same idempotency key will be answered with that id."""
    if order is None:
        return False
    return any(
        record.state is RefundState.REQUESTED
        and record.amazon_id is None
        and record.amount == seen.amount
        for record in tx.payments(order, PaymentKind.REFUND)
    )


def _ours(tx: UnitOfWork, seen: Observation) -> bool:
    """Whether ``seen`` is about an order reference or a payment record of ours."""
    if seen.kind is ObjectKind.ORDER_REFERENCE:
        return tx.order_of_amazon_reference(seen.amazon_id) is not None
    kind = PAYMENT_KINDS[seen.kind]
    return (
        tx.find_payment(kind, reference_id=seen.reference_id, amazon_id=seen.amazon_id) is not None
    )


def _unchanged(record: PaymentRecord, seen: Observation) -> str | None:
    """Why an IPN changed nothing; None when it confirms the state amzpay had already (the
    call's answer or a poll told it first), which is the normal course of events."""
    if record.state == seen.state.value and record.reason_code == seen.reason_code:
        return None
    if record.observed_at is not None and seen.updated_at < record.observed_at:
        return f"older than what amzpay knows ({record.state}): nothing changed"
    return f"the {record.kind} is {record.state} already, which never changes: nothing changed"
