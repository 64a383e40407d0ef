"""Fixtures for tests that use a database: SQLite files, and a real PostgreSQL server that the
tests start themselves (initdb + pg_ctl into a temporary directory, on a free port).

Import the fixtures into a conftest.py (``from fixtures_store import database, ...``).
``database`` runs each test twice, once per database kind.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from itertools import count
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from amzpay.store.database import Database

_names = count(1)


def _binary(name: str) -> str:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    found = candidates[0] if candidates else shutil.which(name)
    if found is None:
        pytest.fail(f"PostgreSQL's {name} is not installed (scripts/install-test-deps installs it)")
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_server_user(base: Path) -> list[str]:
    """initdb and postgres refuse to run as root: as root, run them as 'postgres'."""
    if os.geteuid() != 0:
        return []
    user = pwd.getpwnam("postgres")
    os.chown(base, user.pw_uid, user.pw_gid)
    return ["runuser", "-u", "postgres", "--"]


class PostgresServer:
    """A PostgreSQL server of its own in a temporary directory, on a free loopback port;
    ``stop`` and ``start`` it again on the same port and data (a database outage)."""

    def __init__(self) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="amzpay-pg-"))
        self.prefix, self.data = _as_server_user(self.base), self.base / "data"
        self.port = _free_port()
        self.url = f"postgresql+psycopg://amzpay@127.0.0.1:{self.port}"
        subprocess.run(
            [*self.prefix, _binary("initdb"), "-D", str(self.data), "-U", "amzpay",
             "--auth=trust", "--no-sync"],
            check=True,
            capture_output=True,
        )  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off"
        options += " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        log = str(self.base / "log")
        self._pg_ctl("-l", log, "-o", options, "-w", "start", check=True)

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``fast``: its connections are cut, as in a crash or a failover)."""
        self._pg_ctl("-m", mode, "-w", "stop", check=False)

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)

    def _pg_ctl(self, *args: str, check: bool) -> None:
        command = [*self.prefix, _binary("pg_ctl"), "-D", str(self.data), *args]
        subprocess.run(command, check=check, capture_output=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server for this test session; yields its base URL (no database)."""
    server = PostgresServer()
    server.start()
    try:
        yield server.url
    finally:
        server.remove()


@pytest.fixture
def stoppable_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server for one test alone, which the test may stop and start again."""
    server = PostgresServer()
    server.start()
    try:
        yield server
    finally:
        server.remove()


def _admin(server: str, statement: str) -> None:
    engine = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def postgres_template(postgres_server: str) -> str:
    """A migrated database that each test's database is copied from (fast)."""
    _admin(postgres_server, "CREATE DATABASE amzpay_template")
    database = Database(f"{postgres_server}/amzpay_template", migrate=True)
    database.dispose()
    return "amzpay_template"


@pytest.fixture
def postgres_url(postgres_server: str, postgres_template: str) -> Iterator[str]:
    """A fresh, migrated database of its own for one test."""
    name = f"amzpay_test_{next(_names)}"
    _admin(postgres_server, f"CREATE DATABASE {name} TEMPLATE {postgres_template}")
    try:
        yield f"{postgres_server}/{name}"
    finally:
        _admin(postgres_server, f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'amzpay.db'}"


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """A migrated database, SQLite or PostgreSQL (each test runs on both)."""
    database = Database(database_url)
    try:
        yield database
    finally:
        database.dispose()
