"""The in-memory store: ``transaction()`` and ``read()`` as ``Database`` has them.

A write transaction works on a snapshot of the tables (new dicts, same immutable rows) and
puts it in place when its block ends; an exception in the block drops it, so the data is as
before. One writer at a time (a lock, across threads). A read sees the tables as the last
commit left them (a writer never changes them in place) and refuses writes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta

from amzpay.ports.logs import IpnObject, IpnSubject
from amzpay.ports.queries import Gauges
from fakes.memory.gauges import gauges_of
from fakes.memory.tables import Tables
from fakes.memory.transaction import MemoryTransaction


class MemoryStorage:
    def __init__(self) -> None:
        self._committed = Tables()
        self._writer = threading.Lock()

    @contextmanager
    def transaction(self) -> Iterator[MemoryTransaction]:
        """A unit of work: commits when the block ends, changes nothing when it raises."""
        with self._writer:
            working = self._committed.copy()
            yield MemoryTransaction(working)
            self._committed = working

    @contextmanager
    def read(self) -> Iterator[MemoryTransaction]:
        """A read-only unit of work on the last commit; a write inside it is an error."""
        yield MemoryTransaction(self._committed, read_only=True)

    def ping(self) -> None:
        """The in-memory store always answers."""

    def gauges(self, now: datetime, bounds: Sequence[timedelta]) -> Gauges:
        """What /metrics shows, read from the last commit."""
        return gauges_of(self._committed, now, bounds)

    def store_ipn(
        self,
        message_id: str,
        notification_type: str,
        body: str,
        at: datetime,
        about: IpnObject | None = None,
    ) -> bool:
        """Put a notification in the inbox in a transaction of its own, with our order of
        what it is ``about``; False when its message id is there already."""
        with self.transaction() as tx:
            subject = None
            if about is not None:
                if about.record_kind is None:
                    order = (
                        None
                        if about.order_reference_id is None
                        else tx.order_of_amazon_reference(about.order_reference_id)
                    )
                else:
                    order = tx.order_of_payment(
                        about.record_kind,
                        about.reference_id,
                        about.amazon_id,
                        about.order_reference_id,
                    )
                subject = IpnSubject(about.object_kind, about.amazon_id, about.state, order)
            return tx.receive_ipn(message_id, notification_type, body, at, subject)
