"""The database: an engine for a URL, and short transactions on it.

SQLite at a file path is the default (``sqlite:///amzpay.db``), in WAL mode so that readers
never wait for the writer. A write transaction there begins ``BEGIN IMMEDIATE``, which is what
makes it an order-level lock: two writers never interleave. A read (``Database.read()``)
begins deferred, takes no write lock, refuses to write (``PRAGMA query_only``) and ends with a
rollback, so it commits nothing: pages, API reads, ``/metrics`` and a worker looking for work
never queue behind a writer or make one wait.
PostgreSQL comes in through a URL (``postgresql+psycopg://...``); there the order lock is a
row lock (``SELECT ... FOR UPDATE``) and workers skip rows others hold (``SKIP LOCKED``).

Nothing is connected until a ``Database`` is made and used. Whatever the driver raises under a
unit of work leaves it as ``StorageUnavailable`` (an outage: refused, lost, timed out) or
``StorageFailed`` (anything else), with the driver's error as the cause
(``amzpay.ports.errors``): the layers above never see SQLAlchemy.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError, SQLAlchemyError, StatementError
from sqlalchemy.pool import ConnectionPoolEntry

from amzpay.ports.errors import StorageFailed, StorageUnavailable
from amzpay.ports.logs import IpnObject
from amzpay.ports.queries import Gauges
from amzpay.store.gauges import read_gauges
from amzpay.store.inbox_write import InboxWrite, inbox_write, key_of, values_of
from amzpay.store.migrate import upgrade
from amzpay.store.outage import database_unavailable
from amzpay.store.transaction import Transaction

DEFAULT_URL: Final = "sqlite:///amzpay.db"
URL_VARIABLE: Final = "AMZPAY_DATABASE_URL"
_BUSY_TIMEOUT_MS: Final = 30_000  # how long an SQLite writer waits for the lock
_READ_ONLY: Final = "amzpay_read_only"  # execution option of ``Database.read()``


def database_url(environ: Mapping[str, str]) -> str:
    """The URL from ``AMZPAY_DATABASE_URL``, else the SQLite file ``amzpay.db``."""
    return environ.get(URL_VARIABLE) or DEFAULT_URL


class Database:
    """One database. ``transaction()`` opens a unit of work; leave it to commit."""

    def __init__(self, url: str, *, migrate: bool | None = None) -> None:
        self.url = url
        self.engine = _engine(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        # SQLite has one writer at a time, and a writer that finds the file locked polls it
        # with sleeps of up to 100 ms: the threads of this process queue on a lock instead,
        # and the next one starts the moment the last one commits (other processes still
        # meet SQLite's busy timeout).
        self._writer = threading.Lock() if self.is_sqlite else None
        # The SQLite default migrates itself on first use; a server is migrated on purpose
        # (``amzpay db upgrade``), by whoever owns its schema.
        if migrate if migrate is not None else self.is_sqlite:
            self.upgrade()

    def upgrade(self) -> None:
        """Apply every migration not yet applied."""
        with self.engine.begin() as connection:
            upgrade(connection)

    def revision(self) -> str | None:
        """The migration the schema is at (None before the first)."""
        with self.engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            found = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            return None if found is None else str(found)

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """A unit of work: commits when the block ends, rolls back when it raises. Never
        make a network call inside one."""
        with self._queued(), _storage_errors(), self.engine.begin() as connection:
            yield Transaction(connection)

    def store_ipn(
        self,
        message_id: str,
        notification_type: str,
        body: str,
        at: datetime,
        about: IpnObject | None = None,
    ) -> bool:
        """Put a notification in the inbox for the worker, committed on return; False when
        its message id is there already (``ports.unit.Storage.store_ipn``): one statement
        (``inbox_write``) on a pooled driver connection."""
        write = inbox_write(self.engine.dialect, key_of(about))
        values = values_of(message_id, notification_type, body, at, about)
        with self._queued(), _storage_errors():
            return self._run(write, values)

    @contextmanager
    def _queued(self) -> Iterator[None]:
        """Writers of this process one after the other (SQLite; nothing to queue else)."""
        queued = self._writer is not None and self._writer.acquire(timeout=_BUSY_TIMEOUT_MS / 1000)
        try:
            yield
        finally:
            if queued:
                assert self._writer is not None
                self._writer.release()

    def _run(self, write: InboxWrite, values: Mapping[str, object]) -> bool:
        """``write`` in a transaction of its own on a pooled driver connection; True when the
        row was inserted. The driver's errors are raised as SQLAlchemy's (the connection
        invalidated when the driver says it is lost), for ``_storage_errors``."""
        dialect = self.engine.dialect
        parameters = write.parameters(values)
        try:
            pooled = self.engine.raw_connection()
        except dialect.loaded_dbapi.Error as error:  # the pool hands the driver's error on
            raise _wrapped(error, write.sql, dialect, lost=False) from error
        try:
            cursor = pooled.cursor()
            try:
                if self.is_sqlite:
                    _sqlite_mode(pooled.info, cursor.execute, read_only=False)
                cursor.execute(write.sql, parameters)
                inserted = cursor.fetchone() is not None
                pooled.commit()
            except dialect.loaded_dbapi.Error as error:
                lost = dialect.is_disconnect(error, pooled.dbapi_connection, cursor)
                if lost:
                    pooled.invalidate(error)
                else:
                    pooled.rollback()
                raise _wrapped(error, write.sql, dialect, lost) from error
            finally:
                cursor.close()
        finally:
            pooled.close()  # back to the pool
        return inserted

    @contextmanager
    def read(self) -> Iterator[Transaction]:
        """A read-only unit of work: sees one consistent snapshot, takes no lock, commits
        nothing (it ends with a rollback); a write inside it is an error."""
        with _storage_errors(), self.engine.connect() as connection:
            connection.execution_options(**{_READ_ONLY: True})
            with connection.begin() as transaction:
                if not self.is_sqlite:
                    # One snapshot for the whole read (PostgreSQL defaults to READ COMMITTED:
                    # each statement would see the commits made since the last).
                    connection.exec_driver_sql(
                        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                    )
                try:
                    yield Transaction(connection)
                finally:
                    transaction.rollback()

    def ping(self) -> None:
        """Ask the database the simplest question; raises ``StorageFailed`` when it can't answer."""
        with self.read() as tx:
            tx.conn.execute(text("SELECT 1")).scalar_one()

    def gauges(self, now: datetime, bounds: Sequence[timedelta]) -> Gauges:
        """What /metrics shows from the database, as of ``now``, in one read."""
        with self.read() as tx:
            return read_gauges(tx.conn, now, bounds)

    def dispose(self) -> None:
        self.engine.dispose()


@contextmanager
def _storage_errors() -> Iterator[None]:
    """The driver's errors as the ports' (only the error's kind is named, never its text)."""
    try:
        yield
    except SQLAlchemyError as error:
        kind = type(error).__name__
        raise (StorageUnavailable if database_unavailable(error) else StorageFailed)(
            kind
        ) from error


def _wrapped(error: Exception, statement: str, dialect: Dialect, lost: bool) -> StatementError:
    """The driver's ``error`` as SQLAlchemy raises it from a ``Connection`` (its parameters
    never shown), for ``_storage_errors`` to tell an outage from a failure."""
    return DBAPIError.instance(
        statement,
        None,
        error,
        dialect.loaded_dbapi.Error,
        hide_parameters=True,
        dialect=dialect,
        connection_invalidated=lost,
    )


def _engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": _BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    assert isinstance(dbapi_connection, sqlite3.Connection)
    # Let SQLAlchemy's "begin" event issue BEGIN itself (the driver's implicit BEGIN is
    # DEFERRED, which would let two transactions read and then both try to write).
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA journal_mode=WAL")
    dbapi_connection.execute("PRAGMA foreign_keys=ON")
    dbapi_connection.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")


def _sqlite_begin(connection: Connection) -> None:
    read_only = bool(connection.get_execution_options().get(_READ_ONLY))
    _sqlite_mode(connection.info, connection.exec_driver_sql, read_only)


def _sqlite_mode(info: dict[Any, Any], execute: Callable[[str], object], read_only: bool) -> None:
    """Begin a reading or a writing transaction. ``info`` lives as long as the pooled SQLite
    connection: the pragma is set on a change only."""
    if info.get(_READ_ONLY, False) is not read_only:
        execute(f"PRAGMA query_only={'ON' if read_only else 'OFF'}")
        info[_READ_ONLY] = read_only
    execute("BEGIN DEFERRED" if read_only else "BEGIN IMMEDIATE")
