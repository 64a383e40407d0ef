"""One unit of work on the in-memory store: every group of rows over one set of tables."""

from __future__ import annotations

from fakes.memory.access import MemoryAccessRows
from fakes.memory.flow import MemoryFlowRows
from fakes.memory.instance import MemoryInstanceRows
from fakes.memory.logs import MemoryLogRows
from fakes.memory.orders import MemoryOmsRows, MemoryOrderRows
from fakes.memory.payments import MemoryPaymentRows
from fakes.memory.queries import MemoryQueryRows


class MemoryTransaction(
    MemoryOrderRows,
    MemoryOmsRows,
    MemoryPaymentRows,
    MemoryLogRows,
    MemoryFlowRows,
    MemoryAccessRows,
    MemoryQueryRows,
    MemoryInstanceRows,
):
    """Made by ``MemoryStorage.transaction()`` or ``read()``; valid until that block ends.
    The same methods, signatures, results and errors as the store's ``Transaction``."""
