"""Run queued commands: claim a job, make its call outside any transaction, record it.

A job is claimed in a short transaction that locks its order (SKIP LOCKED: a worker never
waits for another) and leases the job, so no other worker takes it while its call is under
way; the call follows with no transaction open; the result is recorded, the job finished and
the order's conditions checked in one more transaction. A crash between the two leaves the
lease to expire and the job to run again: commands make their calls with the reference ids
``plan`` stored, so Amazon answers a repeat with the first result.

Imports nothing but the standard library.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import timedelta

from amzpay.oms.engine import Engine
from amzpay.oms.errors import RetryLater
from amzpay.oms.ports import Job, Transactions, Tx

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
"""How long a claimed job is a worker's own: far longer than any call's timeout."""

MAX_ATTEMPTS = 10
"""A job whose command keeps raising an unexpected error gives up after this many attempts
(and shows as failed); ``RetryLater`` is expected and never gives up."""


def run_next_job(
    engine: Engine[Tx],
    transactions: Transactions[Tx],
    worker: str,
    reads: Transactions[Tx] | None = None,
    rng: Callable[[], float] = random.random,
) -> Job | None:
    """Run one due job, if there is one; return it (None when there was nothing to do).

    With ``reads`` (read-only units of work), whether a job is due is looked up first in a
    read, so that finding nothing to do takes no write lock and commits nothing; the
    command's own reads before its call use them too. ``rng`` jitters a backoff
    (``RetryLater.delay_after``)."""
    now = engine.clock()
    if reads is not None:
        with reads() as tx:
            if not tx.has_due_job(now):
                return None
    with transactions() as tx:
        job = tx.claim_job(now, now + LEASE, worker)
    if job is None:
        return None
    command = engine.commands[job.command]
    try:
        record = command.call(job, reads or transactions)
    except RetryLater as retry:
        log.info("job %s (%s) will be retried: %s", job.id, job.command, retry.reason)
        delay = retry.delay_after(job.attempts, rng)
        with transactions() as tx:
            tx.retry_job(job, engine.clock() + delay, retry.reason)
        return job
    except Exception as error:  # a bug or an outage we did not foresee: back off, then stop
        log.exception("job %s (%s) failed", job.id, job.command)
        _back_off(engine, transactions, job, repr(error))
        return job
    with transactions() as tx:
        tx.lock_order(job.order)
        record(tx)
        tx.finish_job(job, engine.clock())
        engine.check_conditions(tx, job.order, actor=f"command {job.command}")
    return job


def _back_off(engine: Engine[Tx], transactions: Transactions[Tx], job: Job, reason: str) -> None:
    now = engine.clock()
    with transactions() as tx:
        if job.attempts >= MAX_ATTEMPTS:
            tx.fail_job(job, now, reason)
        else:
            delay = min(timedelta(minutes=2**job.attempts), timedelta(hours=1))
            tx.retry_job(job, now + delay, reason)


def run_due_jobs(
    engine: Engine[Tx],
    transactions: Transactions[Tx],
    worker: str,
    limit: int = 100,
    reads: Transactions[Tx] | None = None,
) -> int:
    """Run due jobs until none is left (or ``limit``); return how many ran."""
    count = 0
    while count < limit and run_next_job(engine, transactions, worker, reads) is not None:
        count += 1
    return count
