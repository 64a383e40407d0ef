"""The poll schedule for lost IPNs, shared by every path that asks Amazon about a pending
record: the process files' ``refresh ...`` commands and the worker's poller
(``services/polling.py``). Both read and write the record's ``polls`` and ``next_poll_at``,
so Amazon is asked on one backoff schedule however many paths look.

The first poll is due one step after the record last changed (Amazon's answer Pending);
each poll sets the next one step further, the last step repeating (default 1 min, 5 min,
30 min, 2 h, then every 6 h).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Final

from amzpay.domain.payment import PaymentRecord

DEFAULT_SCHEDULE: Final = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)

Schedule = Sequence[timedelta]


def first_poll_at(changed_at: datetime, schedule: Schedule) -> datetime:
    return changed_at + schedule[0]


def poll_is_due(record: PaymentRecord, now: datetime, schedule: Schedule) -> bool:
    """True when ``record`` should be asked about now."""
    if record.next_poll_at is not None:
        return record.next_poll_at <= now
    return first_poll_at(record.updated_at, schedule) <= now


def next_poll_at(polls_done: int, now: datetime, schedule: Schedule) -> datetime:
    """When to ask again after the ``polls_done``-th poll (counted from 1), made ``now``."""
    return now + schedule[min(polls_done, len(schedule) - 1)]
