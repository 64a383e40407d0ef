from __future__ import annotations

import inspect

import pytest

from amzpay.amazonpay.gateway import CallFailed, PaymentGateway
from amzpay.amazonpay.mws.gateway import MwsGateway
from amzpay.amazonpay.unavailable import UnavailableGateway
from amzpay.amazonpay.v2.gateway import V2Gateway
from amzpay.domain.money import Money
from fakes.clock import FakeClock
from fakes.gateway import FakeGateway

OPERATIONS = sorted(name for name in vars(PaymentGateway) if not name.startswith("_"))


@pytest.mark.parametrize("adapter", [FakeGateway, UnavailableGateway, MwsGateway, V2Gateway])
def test_every_operation_of_the_port_is_offered_with_its_parameters(adapter):
    for operation in OPERATIONS:
        port = inspect.signature(getattr(PaymentGateway, operation))
        offered = inspect.signature(getattr(adapter, operation))

        assert list(offered.parameters) == list(port.parameters), operation


def test_without_a_client_every_call_fails_to_be_retried_later():
    gateway = UnavailableGateway()

    with pytest.raises(CallFailed) as failed:
        gateway.refund(capture_id="C", reference_id="R-1", amount=Money(100, "EUR"))

    assert failed.value.operation == "Refund"
    assert failed.value.retry_after.total_seconds() > 0


def test_the_fake_answers_a_repeated_reference_id_with_the_first_refund():
    gateway = FakeGateway(FakeClock())
    gateway.open_order_reference("S02-1")
    auth = gateway.authorize(
        order_reference_id="S02-1", reference_id="A-1", amount=Money(100, "EUR")
    )
    capture = gateway.capture(
        authorization_id=auth.amazon_id, reference_id="C-1", amount=Money(100, "EUR")
    )

    first = gateway.refund(
        capture_id=capture.amazon_id, reference_id="R-1", amount=Money(50, "EUR")
    )
    again = gateway.refund(
        capture_id=capture.amazon_id, reference_id="R-1", amount=Money(50, "EUR")
    )

    assert first == again
    assert [call.operation for call in gateway.call_log.calls] == [
        "Authorize",
        "Capture",
        "Refund",
        "Refund",
    ]
