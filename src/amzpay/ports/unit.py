"""The unit of work and its repositories: what services and processes need from storage.

Services (``amzpay.services``) and processes (``amzpay.processes``) take a ``Storage`` and work
in its units of work; they never see a database. ``Storage.transaction()`` opens a unit of work
that writes (it commits when the block ends and leaves nothing behind when the block raises);
``Storage.read()`` opens one that only reads a consistent snapshot, takes no lock and refuses
to write. A unit of work offers every repository below: each is a Protocol, so a service may
ask for just the ones it uses.

Adapters: the SQL store (``amzpay.store``: ``Database`` and its ``Transaction``, on SQLite or
PostgreSQL) and the in-memory store the tests use (``tests/fakes/memory``). One contract suite
(``tests/integration/store/contract``) holds both to the same behaviour.

Errors are ``amzpay.ports.errors``; the records handed across are plain values
(``amzpay.ports.*`` and the domain's). No unit of work is ever open across a network call.

Imports the domain and the standard library only.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Protocol

from amzpay.domain.buyer import OrderBuyer
from amzpay.domain.money import Money
from amzpay.domain.order import Order
from amzpay.domain.payment import OrderReferenceState, PaymentKind, PaymentRecord
from amzpay.ports.access import ApiToken, FailureTally, LoginFailureRow, StaffSessionRow, StaffUser
from amzpay.ports.flow import Addressee, ExternalRefund, InboxMessage, OutboxEntry, QueuedMail
from amzpay.ports.logs import CallRecord, IpnObject, IpnSubject
from amzpay.ports.payments import NewPayment
from amzpay.ports.process import Job, OrderHead, Timer
from amzpay.ports.queries import (
    Gauges,
    IpnRow,
    MailMoment,
    MailRow,
    OrderFacts,
    OrderFilter,
    OrderSummary,
    PaymentMoment,
    RefundFilter,
    RefundSummary,
)


class OrderRepository(Protocol):
    """Orders as the shop gave them, with what refunds hold of their lines and the Amazon order
    reference they are paid by."""

    def add_order(self, order: Order, *, process: str, at: datetime) -> int:
        """Store a new order; its items get no state until its process starts."""

    def order(self, reference: str) -> Order:
        """The order with what refunds hold of its lines. Raises OrderNotFound."""

    def addressee(self, reference: str, lines: Sequence[str]) -> Addressee:
        """What a mail about the order needs of it, without reading the whole order: the
        buyer's address and locale, and the names of those of ``lines`` that are its items.
        Raises OrderNotFound."""

    def set_capture(self, reference: str, lines: Sequence[str], capture_id: str) -> None:
        """Note which capture took the money of these items and expenses."""

    def order_of_amazon_reference(self, amazon_order_reference_id: str) -> str | None: ...

    def set_order_reference(
        self,
        order: str,
        amazon_id: str,
        state: OrderReferenceState,
        reason_code: str | None,
        at: datetime,
    ) -> None:
        """Record the order reference's state (one row per order, kept current)."""

    def order_reference_state(self, order: str) -> OrderReferenceState | None: ...

    def set_order_buyer(self, order: str, buyer: OrderBuyer) -> None:
        """Keep who bought the order and where it ships (replacing what was kept). Raises
        OrderNotFound."""

    def order_buyer(self, order: str) -> OrderBuyer:
        """Who bought the order and where it ships; an empty ``OrderBuyer`` when Amazon told
        neither. Raises OrderNotFound."""


class WorkflowRepository(Protocol):
    """The order state machine's rows: the order's lock, its items' states and history, timers and
    jobs (what ``amzpay.oms`` needs, ``OmsTransaction``, and what staff read of it)."""

    def lock_order(self, order: str) -> OrderHead: ...

    def order_head(self, order: str) -> OrderHead:
        """The order's process and whether it is closed, read without a lock."""

    def try_lock_order(self, order: str) -> OrderHead | None: ...

    def item_states(self, order: str) -> dict[str, str | None]: ...

    def move_items(
        self,
        order: str,
        items: Sequence[str],
        transition: tuple[str | None, str, str | None],
        actor: str,
        at: datetime,
    ) -> None: ...

    def close_order(self, order: str, at: datetime) -> None: ...

    def history(self, order: str) -> list[tuple[str, str | None, str, str | None]]:
        """(item, from, to, event) of every move of the order's items, oldest first."""

    def timeline(self, order: str) -> list[tuple[datetime, str, str | None, str, str | None, str]]:
        """(at, item, from, to, event, actor) of every move of the order's items, oldest first."""

    def set_timer(
        self, order: str, item: str, state: str, event: str, due_at: datetime
    ) -> None: ...

    def drop_timers(self, order: str, items: Sequence[str]) -> None: ...

    def due_timers(self, order: str, now: datetime) -> list[Timer]: ...

    def delete_timers(self, timers: Sequence[Timer]) -> None: ...

    def orders_with_due_timers(self, now: datetime, limit: int) -> list[str]: ...

    def add_job(
        self, order: str, command: str, event: str, items: Sequence[str], at: datetime
    ) -> Job: ...

    def has_due_job(self, now: datetime) -> bool: ...

    def claim_job(self, now: datetime, lease_until: datetime, worker: str) -> Job | None: ...

    def finish_job(self, job: Job, at: datetime) -> None: ...

    def retry_job(self, job: Job, not_before: datetime, reason: str) -> None: ...

    def fail_job(self, job: Job, at: datetime, reason: str) -> None: ...

    def jobs(self, order: str) -> list[tuple[str, str, int]]:
        """(command, status, attempts) of the order's jobs, oldest first."""


class PaymentRepository(Protocol):
    """Authorization, capture and refund records, their polls, and the refunds booked once."""

    def add_payment(self, order: str, new: NewPayment, at: datetime) -> PaymentRecord: ...

    def payment(self, kind: PaymentKind, record_id: int) -> PaymentRecord: ...

    def payments(self, order: str, kind: PaymentKind) -> list[PaymentRecord]: ...

    def payment_items(self, order: str, kind: PaymentKind) -> list[tuple[int, tuple[str, ...]]]:
        """The id and ``items`` of each of the order's records of ``kind``, oldest first, as
        ``payments`` has them, in one query: what settlement asks of every record."""

    def order_of_payment(
        self,
        kind: PaymentKind,
        reference_id: str | None,
        amazon_id: str,
        order_reference_id: str | None,
    ) -> str | None:
        """Our order of a payment object: the order of our record of ``kind`` with
        ``reference_id``, else of the one with ``amazon_id``, else the order of the Amazon
        order reference ``order_reference_id``; None when none is ours."""

    def job_payments(self, job_id: int, kind: PaymentKind) -> list[PaymentRecord]:
        """The records the job's ``plan`` stored, oldest first."""

    def find_payment(
        self, kind: PaymentKind, *, reference_id: str | None = None, amazon_id: str | None = None
    ) -> PaymentRecord | None:
        """The record with our reference id, else with Amazon's id; None if neither is known."""

    def set_seller_note(self, refund: PaymentRecord, note: str) -> None:
        """The note the Refund call will carry (before it is made)."""

    def unsettled_refunds(self) -> list[PaymentRecord]:
        """Every refund still requested or pending, oldest first."""

    def polls_due(self, now: datetime, first_after: timedelta, limit: int) -> list[PaymentRecord]:
        """Pending records with an Amazon id whose next poll is due: the scheduled one, or,
        before the first poll, ``first_after`` since the record last changed
        (``processes/polls.py``)."""

    def update_payment(
        self, record: PaymentRecord, at: datetime, **changes: object
    ) -> PaymentRecord:
        """Change ``state``, ``reason_code``, ``amazon_id``, ``error_code``, ``error_message``
        or ``observed_at`` of one record."""

    def book_refund(self, record: PaymentRecord, at: datetime) -> bool:
        """Book a completed refund's amount, once: False when it was booked before."""

    def refund_bookings(self, order: str) -> list[tuple[int, Money]]: ...

    def schedule_poll(
        self, kind: PaymentKind, record_id: int, polls: int, next_poll_at: datetime
    ) -> None: ...


class CallLogRepository(Protocol):
    """Every attempt of every call to Amazon."""

    def log_call(self, call: CallRecord) -> None:
        """Store one call, linked to its order when its ids name one."""

    def api_calls(self, order: str) -> list[CallRecord]: ...


class IpnInboxRepository(Protocol):
    """IPNs as received (deduplicated by message id) and their application."""

    def receive_ipn(
        self,
        message_id: str,
        notification_type: str,
        body: str,
        at: datetime,
        about: IpnSubject | None = None,
    ) -> bool:
        """Put a notification in the inbox, with what it is ``about`` when that was read;
        False when its message id is already there (a duplicate delivery, to acknowledge and
        ignore). Two deliveries at once are told apart by the unique index: the second waits
        for the first and gets False. One ``INSERT ... ON CONFLICT DO NOTHING`` (both
        databases have it): no savepoint, no error raised and caught on the endpoint's
        busiest path."""

    def mark_ipn_processed(
        self, message_id: str, at: datetime, error: str | None = None
    ) -> None: ...

    def unprocessed_ipns(self, limit: int, now: datetime | None = None) -> list[InboxMessage]:
        """Messages not processed yet, oldest first; with ``now``, only those whose next
        attempt (after a failed one) is due."""

    def retry_ipn(self, message_id: str, next_attempt_at: datetime, error: str) -> None:
        """Count a failed application of the message, note why, and leave it unprocessed
        until ``next_attempt_at``."""

    def claim_ipn(self, message_id: str) -> bool:
        """Lock one unprocessed message (SKIP LOCKED): False when another worker has it or
        it was processed meanwhile."""

    def ipn_outcomes(self) -> list[tuple[str, str, str | None]]:
        """(message id, type, error or note) of every processed message, oldest first."""


class OutboxRepository(Protocol):
    """Mails to send, their tries, and the outbox as staff read it."""

    def queue_mail(
        self, order: str | None, kind: str, audience: str, mail: str, at: datetime
    ) -> None: ...

    def has_due_mail(self, now: datetime) -> bool: ...

    def claim_mail(self, now: datetime, lease_until: datetime) -> QueuedMail | None:
        """The oldest due mail, its next try pushed to ``lease_until`` so that no other
        worker sends it meanwhile (SKIP LOCKED on PostgreSQL)."""

    def mail_sent(self, mail_id: int, at: datetime) -> None: ...

    def mail_retry(self, mail_id: int, not_before: datetime, error: str) -> None: ...

    def mail_failed(self, mail_id: int, error: str) -> None: ...

    def outbox(self, order: str | None = None) -> list[OutboxEntry]: ...

    def mail_page(self, status: str | None, limit: int, offset: int) -> tuple[list[MailRow], int]:
        """A page of mails, newest first, of one ``status`` or all; and how many there are."""

    def mail_row(self, mail_id: int) -> MailRow:
        """One mail. Raises RecordNotFound."""


class ExternalRefundRepository(Protocol):
    """Refunds Amazon reported that no record of ours asked for, until staff acknowledge them."""

    def record_external_refund(self, refund: ExternalRefund, at: datetime) -> bool:
        """Insert or update the refund Amazon reported that no record of ours asked for;
        True when it was recorded now for the first time."""

    def acknowledge_external_refund(self, amazon_refund_id: str, by: str, at: datetime) -> bool:
        """Mark the refund seen by staff member ``by``; False when it was already (the first
        acknowledgement's who and when are kept) or is unknown."""

    def external_refunds(
        self, *, unacknowledged_only: bool = False, amazon_refund_id: str | None = None
    ) -> list[ExternalRefund]:
        """Refunds made outside amzpay, oldest first; only those staff have not acknowledged,
        or only the one with ``amazon_refund_id``, when asked."""


class AccessRepository(Protocol):
    """Staff users, their sessions and failed logins, and the REST API's tokens (stored as
    digests)."""

    def add_user(
        self, username: str, password_hash: str, display_name: str | None, at: datetime
    ) -> None:
        """Raises DuplicateName when ``username`` is taken."""

    def user(self, username: str) -> StaffUser | None: ...

    def users(self) -> list[StaffUser]: ...

    def update_user(self, username: str, **values: object) -> bool:
        """Set columns (``password_hash``, ``active``, ``last_login_at``); False: no such user."""

    def add_session(
        self, token_hash: str, user_id: int, csrf_token: str, at: datetime, expires_at: datetime
    ) -> None: ...

    def session(self, token_hash: str, now: datetime) -> StaffSessionRow | None:
        """The unexpired session of an active user with this token digest."""

    def drop_session(self, token_hash: str) -> None: ...

    def drop_sessions_of(self, user_id: int) -> None: ...

    def drop_expired_sessions(self, now: datetime) -> int: ...

    def add_login_failure(
        self, username: str, address: str, outcome: str, at: datetime
    ) -> None: ...

    def failures_of_user(
        self, username: str, since: datetime, outcomes: Collection[str]
    ) -> FailureTally:
        """Failed logins as ``username`` with one of ``outcomes``, after ``since``."""

    def failures_from_address(
        self, address: str, since: datetime, outcomes: Collection[str]
    ) -> FailureTally:
        """Failed logins from ``address`` with one of ``outcomes``, after ``since``."""

    def login_failures(
        self, limit: int, offset: int = 0, username: str | None = None
    ) -> tuple[list[LoginFailureRow], int]:
        """The failed logins, newest first (a page of them), and how many there are."""

    def login_failure_counts(self, since: datetime) -> dict[str, int]:
        """username -> failed logins since ``since``."""

    def drop_login_failures_before(self, at: datetime) -> int: ...

    def add_api_token(self, name: str, token_hash: str, at: datetime) -> None:
        """Raises DuplicateName when a token of that name exists (revoked ones included)."""

    def api_token(self, token_hash: str) -> str | None:
        """The name of the live token with this digest."""

    def touch_api_token(self, name: str, at: datetime) -> None: ...

    def revoke_api_token(self, name: str, at: datetime) -> bool: ...

    def api_tokens(self) -> list[ApiToken]: ...


class QueryRepository(Protocol):
    """The read side: pages with their filters and counts, and the rows an order's history is
    merged from."""

    def order_page(
        self, where: OrderFilter, limit: int, offset: int
    ) -> tuple[list[OrderSummary], int]:
        """One page of orders, newest first, and how many match in all."""

    def order_facts(self, reference: str) -> OrderFacts:
        """Raises OrderNotFound."""

    def refund_page(
        self, where: RefundFilter, limit: int, offset: int
    ) -> tuple[list[RefundSummary], int]:
        """One page of refund records, oldest request first, and how many match in all."""

    def ipn_page(
        self,
        notification_type: str | None,
        errors_only: bool,
        limit: int,
        offset: int,
        *,
        among: Collection[str] | None = None,
    ) -> tuple[list[IpnRow], int]:
        """One page of the IPN inbox, newest first, and how many match in all; with
        ``among``, only messages of those notification types (one API's)."""

    def ipns_of_order(self, order: str) -> list[IpnRow]:
        """The messages about the order, as read at receipt, oldest first."""

    def unread_ipns_mentioning(self, texts: Sequence[str]) -> list[IpnRow]:
        """Messages stored without what they are about (before that was kept at receipt)
        whose raw body contains any of ``texts`` (an Amazon order reference id, which its
        payment objects' ids begin with; our reference ids), oldest first."""

    def payment_moments(self, order: str) -> list[PaymentMoment]:
        """Every authorization, capture and refund record of the order."""

    def mail_moments(self, order: str) -> list[MailMoment]: ...

    def amazon_order_reference_id(self, order: str) -> str | None:
        """The order's Amazon order reference id. Raises OrderNotFound."""


class SettingsRepository(Protocol):
    """What one running instance records for the commands that follow it (e.g. the simulator's
    URL)."""

    def instance_setting(self, name: str) -> str | None: ...

    def set_instance_setting(self, name: str, value: str | None, at: datetime) -> None:
        """Record ``value`` under ``name``; None forgets it."""


class UnitOfWork(
    OrderRepository,
    WorkflowRepository,
    PaymentRepository,
    CallLogRepository,
    IpnInboxRepository,
    OutboxRepository,
    ExternalRefundRepository,
    AccessRepository,
    QueryRepository,
    SettingsRepository,
    Protocol,
):
    """One unit of work: every repository, on one transaction of the storage."""

    def savepoint(self) -> AbstractContextManager[object]:
        """A nested unit of work: what is done inside is undone alone when it raises."""


class Storage(Protocol):
    """Where units of work come from."""

    def transaction(self) -> AbstractContextManager[UnitOfWork]:
        """A unit of work that writes: it commits when the block ends and rolls back when the
        block raises; one writer at a time per order (the order's lock)."""

    def read(self) -> AbstractContextManager[UnitOfWork]:
        """A unit of work that only reads one consistent snapshot: no lock, nothing committed;
        a write inside it is an error."""

    def ping(self) -> None:
        """Ask the storage the simplest question; raises ``StorageFailed`` when it can't answer."""

    def gauges(self, now: datetime, bounds: Sequence[timedelta]) -> Gauges:
        """What /metrics shows from the storage as of ``now``, read at once."""

    def store_ipn(
        self,
        message_id: str,
        notification_type: str,
        body: str,
        at: datetime,
        about: IpnObject | None = None,
    ) -> bool:
        """Put a notification in the inbox for the worker to apply, in a write of its own
        that is committed when this returns, with what it is ``about`` and our order of it
        (None when no order of ours is concerned); False when its message id is there
        already (a duplicate delivery). The IPN endpoint's whole write: one statement that
        finds the order, inserts unless the message id is there, and says which it did.
        Raises ``StorageFailed`` (``StorageUnavailable`` for an outage) when it is not
        stored."""
