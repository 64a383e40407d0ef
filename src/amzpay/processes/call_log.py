"""The client's CallLog port (``amzpay.amazonpay.calllog``) kept in the store's API call log.

Each call is written in a short transaction of its own: calls are made with no transaction
open, and the log must never be why a payment call fails, so an error here is logged and
swallowed (the port's rule).
"""

from __future__ import annotations

import logging
from typing import Final

from amzpay.amazonpay.calllog import ApiCall
from amzpay.store.database import Database
from amzpay.store.log_rows import CallRecord

log = logging.getLogger(__name__)

_REFERENCE_IDS: Final = ("RefundReferenceId", "CaptureReferenceId", "AuthorizationReferenceId")
_AMAZON_IDS: Final = (
    "AmazonRefundId",
    "AmazonCaptureId",
    "AmazonAuthorizationId",
    "AmazonOrderReferenceId",
)


class StoreCallLog:
    """A ``CallLog`` writing to the database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def record(self, call: ApiCall) -> None:
        try:
            with self.database.transaction() as tx:
                tx.log_call(to_record(call))
        except Exception:  # the port's rule: recording never breaks the call
            log.exception("could not log the %s call", call.operation)


def to_record(call: ApiCall) -> CallRecord:
    parameters = call.parameters
    return CallRecord(
        operation=call.operation,
        attempt=call.attempt,
        outcome=call.outcome.value,
        started_at=call.started_at,
        duration_ms=round(call.duration_seconds * 1000),
        reference_id=next((parameters[k] for k in _REFERENCE_IDS if k in parameters), None),
        amazon_id=next((parameters[k] for k in _AMAZON_IDS if k in parameters), None),
        http_status=call.http_status,
        request_id=call.request_id,
        error_code=call.error_code,
        parameters=dict(parameters),
    )
