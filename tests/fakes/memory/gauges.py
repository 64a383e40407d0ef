"""What /metrics reads, counted over the in-memory tables as the store's aggregate queries
count over its own (``amzpay/store/gauges.py``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

from amzpay.domain.payment import UNSETTLED, PaymentKind
from amzpay.ports.queries import Gauges, PendingAges
from fakes.memory.tables import InboxRow, Tables


def gauges_of(tables: Tables, now: datetime, bounds: Sequence[timedelta]) -> Gauges:
    refunds = [row.record for row in tables.payments[PaymentKind.REFUND].values()]
    calls = [row.call for row in tables.calls.values()]
    unsettled = [r.created_at for r in refunds if r.state in UNSETTLED]
    oldest = min(unsettled, default=None)
    pending = PendingAges(
        len(unsettled),
        max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0,
        tuple((bound, sum(1 for at in unsettled if at >= now - bound)) for bound in bounds),
    )
    return Gauges(
        refunds_by_state=dict(Counter(str(r.state) for r in refunds)),
        pending=pending,
        api_calls=dict(Counter((c.operation, c.outcome) for c in calls)),
        api_throttled=dict(
            Counter(c.operation for c in calls if c.error_code == "RequestThrottled")
        ),
        mails_by_status=dict(Counter(m.status for m in tables.mails.values())),
        ipn_inbox=dict(Counter(_inbox_state(row) for row in tables.inbox.values())),
        jobs_by_status=dict(Counter(j.status for j in tables.jobs.values())),
    )


def _inbox_state(row: InboxRow) -> str:
    if row.processed_at is None:
        return "waiting" if row.error is None else "retrying"
    if row.error is None:
        return "applied"
    return "failed" if row.error.startswith("failed") else "noted"
