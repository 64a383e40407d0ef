"""What the in-memory store stands in for, checked by mypy (``tests/fakes/memory`` is among
``[tool.mypy] files``): its transaction is an ``OmsTransaction``, the engine's port, and its
storage opens units of work as the engine's ``Transactions`` do. The test
``contract/test_memory_adapter.py`` checks every method against the store's Transaction."""

from __future__ import annotations

from amzpay.oms.ports import OmsTransaction, Transactions
from amzpay.ports import Storage, UnitOfWork
from fakes.memory.storage import MemoryStorage
from fakes.memory.transaction import MemoryTransaction


def engine_transaction(tx: MemoryTransaction) -> OmsTransaction:
    """``tx`` as the engine types it."""
    return tx


def engine_transactions(storage: MemoryStorage) -> Transactions[MemoryTransaction]:
    """How the engine's commands open short units of work on ``storage``."""
    return storage.transaction


def unit_of_work(tx: MemoryTransaction) -> UnitOfWork:
    """``tx`` as services and processes type it."""
    return tx


def storage(memory: MemoryStorage) -> Storage:
    """The in-memory store as services and processes type it."""
    return memory
