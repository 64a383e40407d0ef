"""What the engine needs from storage and from the application, as protocols.

The store's transaction (``amzpay.store``) satisfies ``OmsTransaction`` and returns the
plain records of ``amzpay.ports.process`` (re-exported here); the processes provide
``Command`` and ``Condition`` implementations. Every method of ``OmsTransaction``
works inside one database transaction; only ``Command.call`` may reach the network, and it
gets no transaction, only a way to open short ones.

Imports the standard library and the ports' plain records only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from amzpay.oms.model import Process
from amzpay.ports.process import Job, OrderHead, Timer

__all__ = [
    "Command",
    "Condition",
    "ConditionCheck",
    "Job",
    "OmsTransaction",
    "OrderHead",
    "Timer",
    "Transactions",
    "Tx",
]


class OmsTransaction(Protocol):
    """One open database transaction, as the engine uses it."""

    def lock_order(self, order: str) -> OrderHead:
        """Lock the order until the transaction ends (waits for another holder)."""

    def try_lock_order(self, order: str) -> OrderHead | None:
        """Lock the order unless another transaction holds it (then None, at once)."""

    def item_states(self, order: str) -> dict[str, str | None]:
        """Each item id of the order -> its state (None before the process starts)."""

    def move_items(
        self,
        order: str,
        items: Sequence[str],
        transition: tuple[str | None, str, str | None],
        actor: str,
        at: datetime,
    ) -> None:
        """Set the items' state and write one history row each: (source, target, event)."""

    def close_order(self, order: str, at: datetime) -> None: ...

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

    def has_due_job(self, now: datetime) -> bool:
        """True when some job is due (or its lease expired): a read, so that a worker with
        nothing to do takes no write lock to find that out."""

    def claim_job(self, now: datetime, lease_until: datetime, worker: str) -> Job | None:
        """Take the oldest due job of an order no one else holds (SKIP LOCKED) and mark it
        running until ``lease_until``; None when there is nothing to do."""

    def finish_job(self, job: Job, at: datetime) -> None: ...

    def retry_job(self, job: Job, not_before: datetime, reason: str) -> None: ...

    def fail_job(self, job: Job, at: datetime, reason: str) -> None: ...


Tx = TypeVar("Tx", bound=OmsTransaction)
Tx_contra = TypeVar("Tx_contra", bound=OmsTransaction, contravariant=True)
Transactions = Callable[[], AbstractContextManager[Tx]]
"""Opens one short transaction: ``with transactions() as tx: ...``."""


@dataclass(frozen=True, slots=True)
class ConditionCheck(Generic[Tx]):
    """What a condition sees: the transaction, the item and all states of its order."""

    tx: Tx
    process: Process
    order: str
    item: str
    states: Mapping[str, str | None]


Condition = Callable[[ConditionCheck[Tx]], bool]
"""True when the item may take the transition; reads, never writes, never calls out."""


class Command(Protocol[Tx_contra]):
    """A command in two halves, so that no transaction is open across a network call."""

    def plan(self, tx: Tx_contra, job: Job) -> None:
        """Inside the transaction that moved the items: store what the call will need
        (records with their reference ids). No network here."""

    def call(self, job: Job, transactions: Transactions[Tx_contra]) -> Callable[[Tx_contra], None]:
        """Outside any transaction: read what ``plan`` stored (in a short transaction of
        its own), make the call, and return what to record in the transaction that then
        finishes the job. Raise ``RetryLater`` for work to be tried again."""
