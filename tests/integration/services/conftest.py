"""The access service on the in-memory store (``database``); what only a database shows
(what its tables hold, two processes sharing one) on SQLite and PostgreSQL
(``sql_database``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from amzpay.store.database import Database
from fakes.memory import MemoryStorage
from fixtures_store import (  # noqa: F401 - fixtures
    database_url,
    postgres_server,
    postgres_template,
    postgres_url,
    sqlite_url,
)


@pytest.fixture
def database() -> MemoryStorage:
    return MemoryStorage()


@pytest.fixture
def sql_database(database_url: str) -> Iterator[Database]:  # noqa: F811 - the fixture
    made = Database(database_url)
    try:
        yield made
    finally:
        made.dispose()
