"""Every Amazon error code lands in exactly one class, decided by ``from_response``."""

from __future__ import annotations

import pytest
from amazonpay_mws_samples import THROTTLED, error_response

from amzpay.amazonpay.mws import errors
from amzpay.amazonpay.mws.errors import from_response


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("AmazonRejected", 400, errors.Declined),
        ("InvalidPaymentMethod", 400, errors.Declined),
        ("ProcessingFailure", 400, errors.Declined),
        ("TransactionTimedOut", 400, errors.Declined),
        ("PaymentMethodNotAllowed", 400, errors.Declined),
        ("SignatureDoesNotMatch", 403, errors.AuthenticationFailed),
        ("InvalidAccountStatus", 403, errors.AuthenticationFailed),
        ("InvalidOrderReferenceId", 404, errors.ObjectNotFound),
        ("InvalidTransactionId", 404, errors.ObjectNotFound),
        ("CaptureNotRefundable", 405, errors.InvalidObjectState),
        ("InvalidAuthorizationStatus", 405, errors.InvalidObjectState),
        ("OrderReferenceNotModifiable", 405, errors.InvalidObjectState),
        ("ConstraintsExist", 400, errors.InvalidObjectState),
        ("DuplicateReferenceId", 400, errors.ReferenceIdConflict),
        ("DuplicateRequest", 400, errors.ReferenceIdConflict),
        ("TransactionAmountExceeded", 400, errors.LimitExceeded),
        ("TransactionCountExceeded", 400, errors.LimitExceeded),
        ("CurrencyMismatch", 400, errors.PermanentError),
        ("InvalidParameterValue", 400, errors.PermanentError),
        ("InvalidSandboxSimulationSpecified", 400, errors.PermanentError),
        ("RequestThrottled", 503, errors.Throttled),
        ("ServiceUnavailable", 503, errors.ServiceUnavailable),
        ("InternalServerError", 500, errors.ServiceUnavailable),
        ("SomethingNew", 502, errors.ServiceUnavailable),
        ("SomethingNew", 504, errors.ServiceUnavailable),
        ("SomethingNew", 409, errors.PermanentError),
    ],
)
def test_each_code_maps_to_its_class(code, status, expected):
    error = from_response(status, error_response(code))

    assert type(error) is expected
    assert error.code == code
    assert error.http_status == status


@pytest.mark.parametrize("cls", [errors.Declined, errors.PermanentError, errors.LimitExceeded])
def test_declines_and_permanent_errors_are_never_retried(cls):
    assert not cls("no", code="X").retryable


@pytest.mark.parametrize(
    "cls", [errors.Throttled, errors.ServiceUnavailable, errors.TransportFailure]
)
def test_throttling_server_errors_and_transport_failures_are_retried(cls):
    assert cls("later").retryable


def test_a_permanent_error_carries_amazons_code_message_and_request_id():
    error = from_response(400, error_response("DuplicateRequest", "already used", "req-77"))

    assert (error.code, error.message, error.request_id) == (
        "DuplicateRequest",
        "already used",
        "req-77",
    )
    assert "req-77" in str(error)
    assert "DuplicateRequest" in repr(error)


def test_the_throttled_reply_with_empty_type_and_request_id_spelled_with_capital_d():
    error = from_response(503, THROTTLED)

    assert isinstance(error, errors.Throttled)
    assert error.request_id == "t-req-9"


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_proxy_error_page_on_a_retryable_status_is_retryable(status):
    error = from_response(status, b"<html><body>Bad gateway</body></html>")

    assert isinstance(error, errors.ServiceUnavailable)


def test_an_unreadable_body_on_another_status_is_an_unexpected_response():
    error = from_response(400, b"\x00garbage")

    assert isinstance(error, errors.UnexpectedResponse)
    assert error.message == "HTTP 400 from Amazon"
