from __future__ import annotations

from datetime import UTC, datetime

from amzpay.amazonpay.calllog import ApiCall, CallOutcome
from amzpay.processes.call_log import StoreCallLog, to_record
from amzpay.store.database import Database

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def make_refund_call(**changes) -> ApiCall:
    values = {
        "operation": "Refund",
        "attempt": 2,
        "started_at": NOW,
        "duration_seconds": 0.25,
        "outcome": CallOutcome.RETRYABLE,
        "http_status": 503,
        "request_id": "5e1f-2",
        "error_code": "RequestThrottled",
        "parameters": {"AmazonCaptureId": "S02-1-C1", "RefundReferenceId": "R-9"},
        "reference_id": "R-9",
        "amazon_id": "S02-1-C1",
    }
    return ApiCall(**{**values, **changes})


def test_the_clients_call_is_kept_with_its_ids_timing_and_outcome():
    record = to_record(make_refund_call())

    assert (record.reference_id, record.amazon_id) == ("R-9", "S02-1-C1")
    assert (record.outcome, record.duration_ms, record.attempt) == ("retryable", 250, 2)
    assert (record.http_status, record.request_id, record.error_code) == (
        503,
        "5e1f-2",
        "RequestThrottled",
    )


def test_recording_never_breaks_the_call_even_without_a_database(tmp_path):
    broken = Database(f"sqlite:///{tmp_path / 'missing' / 'amzpay.db'}", migrate=False)

    StoreCallLog(broken).record(make_refund_call())  # logged, not raised

    broken.dispose()


def test_the_ids_kept_are_the_ones_the_client_reports_not_read_from_its_parameters():
    call = make_refund_call(parameters={"RefundReferenceId": "R-other"}, amazon_id=None)

    record = to_record(call)

    assert (record.reference_id, record.amazon_id) == ("R-9", None)
    assert record.parameters == {"RefundReferenceId": "R-other"}
