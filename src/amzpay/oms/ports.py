"""What the engine needs from storage and from the application, as protocols.

``OmsTransaction`` is the unit of work's ``WorkflowRepository`` (``amzpay.ports``), whose
records (``amzpay.ports.process``) are re-exported here; the processes provide
``Command`` and ``Condition`` implementations. Every method of ``OmsTransaction``
works inside one database transaction; only ``Command.call`` may reach the network, and it
gets no transaction, only a way to open short ones.

Imports the standard library and the ports only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from amzpay.oms.model import Process
from amzpay.ports.process import Job, OrderHead, Timer
from amzpay.ports.unit import WorkflowRepository

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


OmsTransaction = WorkflowRepository
"""One open transaction, as the engine uses it: the unit of work's workflow repository (the
order's lock, its items' states and history, timers and jobs)."""


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
