"""The processes run on the in-memory store: their behaviour needs no database (the store's
is its contract suite's)."""

from __future__ import annotations

import pytest

from fakes.memory import MemoryStorage


@pytest.fixture
def database() -> MemoryStorage:
    return MemoryStorage()
