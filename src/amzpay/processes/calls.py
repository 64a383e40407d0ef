"""Making one gateway call from a command: the outcome kept apart from a retry.

``attempt`` turns the gateway's three outcomes into two: an answer (an ``Observation``, a
decline included) or a refusal (``CallRefused``) is returned for the command to record; a
failure (``CallFailed``) becomes ``RetryLater``, so the job runs again later with the same
reference id (a throttled call on a backoff its operation's quota bounds). Every attempt is in
the API call log already: the gateway's adapter records it (``amzpay.amazonpay.calllog``, kept
in the store by ``call_log.StoreCallLog``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from amzpay.amazonpay.gateway import CallFailed, CallRefused
from amzpay.oms.errors import RetryLater

T = TypeVar("T")


def attempt(make: Callable[[], T]) -> T | CallRefused:
    """Run ``make`` (one gateway call)."""
    try:
        return make()
    except CallRefused as refused:
        return refused
    except CallFailed as failed:
        raise RetryLater(
            str(failed), failed.retry_after, ceiling=failed.backoff_ceiling
        ) from failed


def missing(operation: str, what: str) -> CallRefused:
    """The refusal recorded when the call cannot even be made: an Amazon id is missing."""
    return CallRefused(operation, "MissingAmazonId", f"{what} has no Amazon id")
