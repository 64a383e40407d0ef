"""The contract suite's backends: every test runs on the in-memory store, SQLite and
PostgreSQL, and asserts the same behaviour of each."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from amzpay.store.database import Database
from fakes.memory import MemoryStorage


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def storage(request: pytest.FixtureRequest) -> Iterator[Database | MemoryStorage]:
    if request.param == "memory":
        yield MemoryStorage()
        return
    database = Database(request.getfixturevalue(f"{request.param}_url"))
    try:
        yield database
    finally:
        database.dispose()
