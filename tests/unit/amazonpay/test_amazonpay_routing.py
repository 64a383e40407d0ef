"""The routing gateway sends each call to the adapter of the API its order is paid through,
found by the Amazon id the call is about; an object no order of ours holds is looked for by
the order reference its id extends, and anything unclaimed goes to the default API."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from amzpay.amazonpay.gateway import ObjectKind, Observation, PaymentState
from amzpay.amazonpay.routing import Gateways, RoutingGateway, order_reference_of
from amzpay.domain.money import Money
from amzpay.domain.order import AmazonApi

AT = datetime(2026, 3, 2, tzinfo=UTC)
EUR = Money(1000, "EUR")
V2_ORDER = "S02-2222222-2222222"
LEGACY_ORDER = "S02-1111111-1111111"


class Recording:
    """A gateway that answers every call with an observation and notes what it was asked."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def __getattr__(self, name: str):
        def call(*args, **kwargs):
            about = args[0] if args else next(iter(kwargs.values()))
            self.calls.append((name, about))
            return Observation(ObjectKind.REFUND, about, None, PaymentState.PENDING, AT)

        return call


class Stored:
    """Which order (and so API) holds which Amazon ids, as the store would say."""

    def __init__(self) -> None:
        self.objects = {
            (ObjectKind.ORDER_REFERENCE, V2_ORDER): AmazonApi.V2,
            (ObjectKind.ORDER_REFERENCE, LEGACY_ORDER): AmazonApi.LEGACY,
            (ObjectKind.CAPTURE, f"{V2_ORDER}-C000001"): AmazonApi.V2,
            (ObjectKind.AUTHORIZATION, f"{LEGACY_ORDER}-A000001"): AmazonApi.LEGACY,
        }
        self.asked: list[tuple[ObjectKind, str, str | None]] = []

    def __call__(self, kind, amazon_id, order_reference_id):
        self.asked.append((kind, amazon_id, order_reference_id))
        found = self.objects.get((kind, amazon_id))
        if found is None and order_reference_id is not None:
            found = self.objects.get((ObjectKind.ORDER_REFERENCE, order_reference_id))
        return found


@pytest.fixture
def wired():
    legacy, v2, stored = Recording(), Recording(), Stored()
    return RoutingGateway(Gateways(legacy, v2, AmazonApi.LEGACY), stored), legacy, v2, stored


def test_each_call_goes_to_the_adapter_of_its_orders_api(wired):
    gateway, legacy, v2, _ = wired

    gateway.authorize(order_reference_id=V2_ORDER, reference_id="au-1", amount=EUR)
    gateway.refund(capture_id=f"{V2_ORDER}-C000001", reference_id="rf-1", amount=EUR)
    gateway.close_order_reference(order_reference_id=V2_ORDER)
    gateway.capture(authorization_id=f"{LEGACY_ORDER}-A000001", reference_id="c-1", amount=EUR)
    gateway.order_reference_details(LEGACY_ORDER)

    assert [name for name, _ in v2.calls] == ["authorize", "refund", "close_order_reference"]
    assert [name for name, _ in legacy.calls] == ["capture", "order_reference_details"]


def test_an_object_no_record_holds_goes_by_the_order_reference_its_id_extends(wired):
    gateway, legacy, v2, stored = wired

    gateway.refund_details(f"{V2_ORDER}-R000009")  # a refund made in Seller Central

    assert v2.calls == [("refund_details", f"{V2_ORDER}-R000009")]
    assert legacy.calls == []
    assert stored.asked == [(ObjectKind.REFUND, f"{V2_ORDER}-R000009", V2_ORDER)]


def test_an_id_no_order_claims_goes_to_the_default_api(wired):
    gateway, legacy, v2, _ = wired

    gateway.confirm_order_reference("S02-9999999-9999999")  # a checkout before its import

    assert legacy.calls == [("confirm_order_reference", "S02-9999999-9999999")]
    assert v2.calls == []


@pytest.mark.parametrize(
    ("amazon_id", "parent"),
    [
        ("S02-1234567-1234567-C000001", "S02-1234567-1234567"),
        ("P01-1234567-1234567-A000001", "P01-1234567-1234567"),
        ("S02-1234567-1234567", None),
    ],
)
def test_an_ids_order_reference_is_its_first_three_parts(amazon_id, parent):
    assert order_reference_of(amazon_id) == parent
