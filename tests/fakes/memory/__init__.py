"""An in-memory adapter of the store: ``MemoryStorage`` (``transaction()``, ``read()``) and
``MemoryTransaction``, with every public method of the store's ``Transaction``, on plain
dicts of the store's records. No database: for unit tests of services and processes, and
the third backend of the repository contract suite (tests/integration/store/contract/)."""

from fakes.memory.base import ConstraintViolation, ReadOnlyViolation
from fakes.memory.storage import MemoryStorage
from fakes.memory.transaction import MemoryTransaction

__all__ = ["ConstraintViolation", "MemoryStorage", "MemoryTransaction", "ReadOnlyViolation"]
