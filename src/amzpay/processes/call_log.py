"""The client's CallLog port (``amzpay.amazonpay.calllog``) kept in the store's API call log.

Calls are made with no transaction open. Where the caller records the call's outcome in a
transaction afterwards (a command's job, an order's import), it holds the calls its thread
makes (``held()``) and writes them in that same transaction (``CallBatch.write``): one commit
for the outcome and its log. A call made outside such a block, or in a block that raises, is
written in a short transaction of its own. The log must never be why a payment call fails, so
an error writing it alone is logged and swallowed (the port's rule).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from amzpay.amazonpay.calllog import ApiCall
from amzpay.ports.logs import CallRecord
from amzpay.ports.unit import Storage, UnitOfWork

log = logging.getLogger(__name__)


class CallBatch:
    """The calls one thread made inside ``StoreCallLog.held()``."""

    def __init__(self, log: StoreCallLog | None = None) -> None:
        self.calls: list[CallRecord] = []
        self._log = log

    def write(self, tx: UnitOfWork) -> None:
        """Write the held calls in ``tx``, the transaction that records their outcome."""
        for call in self.calls:
            tx.log_call(call)

    def rescue(self) -> None:
        """Write the calls alone: the transaction that was to hold them rolled back."""
        if self._log is not None:
            self._log.write_alone(self)


class StoreCallLog:
    """A ``CallLog`` writing to the database."""

    def __init__(self, database: Storage) -> None:
        self.database = database
        self._local = threading.local()  # the gateway is shared by the web and worker threads

    def record(self, call: ApiCall) -> None:
        batch: CallBatch | None = getattr(self._local, "batch", None)
        if batch is not None:
            batch.calls.append(to_record(call))
            return
        single = CallBatch()
        single.calls.append(to_record(call))
        self.write_alone(single)

    @contextmanager
    def held(self) -> Iterator[CallBatch]:
        """Hold the calls this thread makes in the block; the caller writes the batch in the
        transaction that records their outcome. If the block raises, they are written alone."""
        batch = CallBatch(self)
        self._local.batch = batch
        try:
            yield batch
        except BaseException:
            self.write_alone(batch)
            raise
        finally:
            self._local.batch = None

    def write_alone(self, batch: CallBatch) -> None:
        """Write ``batch`` in a transaction of its own; never raises."""
        if not batch.calls:
            return
        try:
            with self.database.transaction() as tx:
                batch.write(tx)
        except Exception:  # the port's rule: recording never breaks the call
            log.exception("could not log %s call(s) to Amazon", len(batch.calls))


def to_record(call: ApiCall) -> CallRecord:
    """The call as the store keeps it: its ids as the client reported them."""
    return CallRecord(
        operation=call.operation,
        attempt=call.attempt,
        outcome=call.outcome.value,
        started_at=call.started_at,
        duration_ms=round(call.duration_seconds * 1000),
        reference_id=call.reference_id,
        amazon_id=call.amazon_id,
        http_status=call.http_status,
        request_id=call.request_id,
        error_code=call.error_code,
        parameters=dict(call.parameters),
    )
