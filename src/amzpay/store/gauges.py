"""What /metrics reads from the database at scrape time: a handful of aggregate queries.

Each query groups or counts, so its answer is small whatever the tables hold (a few states,
operations and outcomes), and they all run in one read (``Database.read()``), which takes no
lock. Reading the tables rather than counting in memory is what makes calls and mails of
every process count, the web process's and each separate ``amzpay worker``'s alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Column, and_, case, func, select
from sqlalchemy.engine import Connection

from amzpay.domain.payment import UNSETTLED
from amzpay.ports.queries import Gauges, PendingAges
from amzpay.store import tables as t

UNSETTLED_REFUND_STATES = sorted(UNSETTLED)


def read_gauges(connection: Connection, now: datetime, bounds: Sequence[timedelta]) -> Gauges:
    """Everything /metrics shows from the database, as of ``now`` (run it in one read)."""
    return Gauges(
        refunds_by_state=_count_by(connection, t.refunds.c.state),
        pending=_pending_ages(connection, now, bounds),
        api_calls=_api_calls(connection),
        api_throttled=_api_throttled(connection),
        mails_by_status=_count_by(connection, t.mail_outbox.c.status),
        ipn_inbox=_ipn_inbox(connection),
        jobs_by_status=_count_by(connection, t.jobs.c.status),
    )


def _count_by(connection: Connection, column: Column[str]) -> dict[str, int]:
    rows = connection.execute(select(column, func.count()).group_by(column))
    return {str(key): int(count) for key, count in rows}


def _pending_ages(
    connection: Connection, now: datetime, bounds: Sequence[timedelta]
) -> PendingAges:
    created = t.refunds.c.created_at
    columns = [func.count(), func.min(created)]
    columns += [func.sum(case((created >= now - bound, 1), else_=0)) for bound in bounds]
    row = connection.execute(
        select(*columns).where(t.refunds.c.state.in_(UNSETTLED_REFUND_STATES))
    ).one()
    count, oldest, *within = row
    oldest_seconds = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
    at_most = tuple((bound, int(n or 0)) for bound, n in zip(bounds, within, strict=True))
    return PendingAges(int(count), oldest_seconds, at_most)


def _api_calls(connection: Connection) -> dict[tuple[str, str], int]:
    calls = t.api_calls.c
    rows = connection.execute(
        select(calls.operation, calls.outcome, func.count()).group_by(
            calls.operation, calls.outcome
        )
    )
    return {(str(operation), str(outcome)): int(n) for operation, outcome, n in rows}


def _api_throttled(connection: Connection) -> dict[str, int]:
    calls = t.api_calls.c
    rows = connection.execute(
        select(calls.operation, func.count())
        .where(calls.error_code == "RequestThrottled")
        .group_by(calls.operation)
    )
    return {str(operation): int(n) for operation, n in rows}


def _ipn_inbox(connection: Connection) -> dict[str, int]:
    inbox = t.ipn_inbox.c
    # The inbox's ``error`` column holds a note (services/inbox.py): on a message not yet
    # processed, why its last application failed (it is tried again); on a processed one,
    # "failed ..." when it was given up, anything else when it was read and set aside.
    state = case(
        (and_(inbox.processed_at.is_(None), inbox.error.is_(None)), "waiting"),
        (inbox.processed_at.is_(None), "retrying"),
        (inbox.error.is_(None), "applied"),
        (inbox.error.like("failed%"), "failed"),
        else_="noted",
    )
    rows = connection.execute(select(state, func.count()).group_by(state))
    return {str(key): int(n) for key, n in rows}
