"""IPN ingestion: verify, store the raw message, acknowledge only after the commit.

``IpnReceiver.receive`` is what the web endpoint calls (``web/ipn.py`` maps its errors to answers):

    verification fails      -> IpnRejected (400): Amazon does not retry; nothing is stored
    storing fails           -> IpnNotStored (503): Amazon delivers again later
    stored, or a duplicate  -> returns; the endpoint answers 200

Given no inbox processor (``AMZPAY_AMAZON__IPN_APPLY=worker``, the default), the receiver
only stores, in one statement (``Storage.store_ipn``), and the worker applies. Given one
(``at-receipt``), the message is applied in the same transaction that stores it
(``inbox.py``), so one commit both keeps and applies it; when applying fails it stays stored
for the worker, which tries again. A message left to
the worker either way is announced after its commit (``on_waiting``: ``amzpay serve`` wakes
its worker with it). Either way a message is never lost between its acknowledgement and its
effect (Spryker swallowed errors and answered 200:
research §3.4).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from amzpay.amazonpay.ipn import IpnError, IpnVerifier, Screened
from amzpay.amazonpay.notifications import Notice, notice_of
from amzpay.ports.errors import StorageFailed
from amzpay.ports.flow import InboxMessage
from amzpay.ports.logs import IpnObject, IpnSubject
from amzpay.ports.unit import Storage, UnitOfWork
from amzpay.services.errors import IpnDeferred, IpnNotStored, IpnRejected
from amzpay.services.inbox import InboxProcessor
from amzpay.services.notifications import (
    Located,
    hint_object,
    hint_subject,
    locate,
    object_of,
    subject_of,
)

log = logging.getLogger(__name__)

SUBSCRIPTION = "SubscriptionConfirmation"


@dataclass(frozen=True, slots=True)
class Receipt:
    message_id: str
    notification_type: str
    duplicate: bool  # the message id was in the inbox already
    applied: bool = False  # applied in the transaction that stored it


class IpnReceiver:
    def __init__(
        self,
        database: Storage,
        verifier: IpnVerifier,
        clock: Callable[[], datetime],
        inbox: InboxProcessor | None = None,
        on_waiting: Callable[[], None] | None = None,
    ) -> None:
        """``inbox``: applies each message in the transaction that stores it (None: the
        worker applies them); ``on_waiting``: called after the commit of a message left for
        the worker to apply."""
        self.database, self.verifier, self.clock, self.inbox = database, verifier, clock, inbox
        self.on_waiting = on_waiting

    def receive(self, body: bytes, headers: Mapping[str, str] | None = None) -> Receipt:
        """Verify ``body`` and store it in the inbox; returns once it is committed.

        Raises:
            IpnRejected: the message failed verification (answer 4xx).
            IpnDeferred: it cannot be verified now (answer 5xx, so Amazon retries).
            IpnNotStored: it could not be stored (answer 5xx, so Amazon retries).
        """
        return self.store(self.screen(body, headers))

    def screen(self, body: bytes, headers: Mapping[str, str] | None = None) -> Screened:
        """Every check of ``body`` that needs no certificate; its certificate's key is
        ``.key``, a future (done when cached). Raises IpnRejected or IpnDeferred."""
        try:
            return self.verifier.screen(body, headers)
        except IpnError as error:
            raise _refusal(error) from error

    def store(self, screened: Screened) -> Receipt:
        """Check the signature of a screened message, store it and apply it; waits for its
        key. Raises IpnRejected, IpnDeferred or IpnNotStored."""
        try:
            verified = self.verifier.finish(screened)
        except IpnError as error:
            raise _refusal(error) from error
        now = self.clock()
        # Confirming a subscription is the operator's decision: kept, shown, not done.
        notice = notice_of(verified, now)
        kind = notice.kind
        message = InboxMessage(notice.message_id, kind, screened.body.decode("utf-8"))
        applied = False
        try:
            if self.inbox is None:  # the worker applies it: one statement stores it
                seen = _object(notice)
                fresh = self.database.store_ipn(message.message_id, kind, message.body, now, seen)
            else:
                with self.database.transaction() as tx:
                    located, about = _subject(tx, notice)
                    fresh = tx.receive_ipn(message.message_id, kind, message.body, now, about)
                    if fresh:
                        applied = self.inbox.apply_received(tx, message, notice, located)
        except (StorageFailed, OSError) as error:
            kind = error.kind if isinstance(error, StorageFailed) else type(error).__name__
            log.error("IPN %s not stored: %s", message.message_id, kind)
            raise IpnNotStored(kind) from error
        if fresh and not applied and self.on_waiting is not None:
            self.on_waiting()
        return Receipt(message.message_id, kind, duplicate=not fresh, applied=applied)


def _subject(tx: UnitOfWork, notice: Notice) -> tuple[Located | None, IpnSubject | None]:
    """What the inbox keeps of a message applied at receipt, and the record it is about (a
    hint's is looked up by the worker, once it has asked Amazon)."""
    seen = notice.seen
    if seen is None:
        return None, None if notice.hint is None else hint_subject(tx, notice.hint)
    located = locate(tx, seen)
    return located, subject_of(seen, located)


def _object(notice: Notice) -> IpnObject | None:
    """What the inbox keeps of a message stored for the worker."""
    if notice.seen is not None:
        return object_of(notice.seen)
    return None if notice.hint is None else hint_object(notice.hint)


def _refusal(error: IpnError) -> IpnRejected | IpnDeferred:
    log.warning("IPN refused: %s", type(error).__name__)
    return IpnDeferred(str(error)) if error.retryable else IpnRejected(str(error))
