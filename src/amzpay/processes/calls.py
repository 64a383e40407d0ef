"""Making one gateway call from a command: outcome kept apart from retry, and logged.

``attempt`` turns the gateway's three outcomes into two: an answer (an ``Observation``, a
decline included) or a refusal (``CallRefused``) is returned for the command to record; a
failure (``CallFailed``) is logged in a short transaction of its own and becomes
``RetryLater``, so the job runs again later with the same reference id.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from amzpay.amazonpay.gateway import CallFailed, CallRefused, Observation
from amzpay.oms.errors import RetryLater
from amzpay.oms.ports import Transactions
from amzpay.store.log_rows import ApiCall
from amzpay.store.transaction import Transaction

T = TypeVar("T")
Clock = Callable[[], datetime]


def attempt(
    transactions: Transactions[Transaction],
    clock: Clock,
    call: ApiCall,
    make: Callable[[], T],
) -> T | CallRefused:
    """Run ``make`` (one gateway call). ``call`` names it for the log."""
    try:
        return make()
    except CallRefused as refused:
        return refused
    except CallFailed as failed:
        with transactions() as tx:
            tx.log_call(_logged(call, "failed", message=failed.reason), clock())
        raise RetryLater(str(failed), failed.retry_after) from failed


def missing(operation: str, what: str) -> CallRefused:
    """The refusal recorded when the call cannot even be made: an Amazon id is missing."""
    return CallRefused(operation, "MissingAmazonId", f"{what} has no Amazon id")


def log_outcome(tx: Transaction, call: ApiCall, outcome: object, at: datetime) -> None:
    """Log an answered or refused call in the transaction that records it."""
    if isinstance(outcome, CallRefused):
        tx.log_call(_logged(call, "refused", outcome.code, outcome.message), at)
    elif isinstance(outcome, Observation):
        kind = "declined" if outcome.declined else "answered"
        tx.log_call(_logged(call, kind, outcome.reason_code, amazon_id=outcome.amazon_id), at)
    else:
        tx.log_call(_logged(call, "answered"), at)


def _logged(
    call: ApiCall,
    outcome: str,
    error_code: str | None = None,
    message: str | None = None,
    *,
    amazon_id: str | None = None,
) -> ApiCall:
    return ApiCall(
        call.order,
        call.operation,
        outcome,
        call.reference_id,
        amazon_id or call.amazon_id,
        error_code,
        message,
    )
