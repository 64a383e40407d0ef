from __future__ import annotations

import pytest

from amzpay.amazonpay.gateway import CallRefused, ObjectKind, Observation, PaymentState
from amzpay.domain.money import Money
from amzpay.ports.errors import OrderNotFound
from amzpay.services.errors import ServiceError
from shop import order_spec


class Checkout:
    """Amazon's two checkout calls, played: Draft order references become Open."""

    def __init__(self, amazon, constraint: str | None = None) -> None:
        self.amazon, self.constraint = amazon, constraint
        self.totals: dict[str, Money] = {}

    def set_order_reference_details(self, order_reference_id, amount, seller_order_id, note=None):
        self.totals[order_reference_id] = amount
        return Observation(
            ObjectKind.ORDER_REFERENCE,
            order_reference_id,
            None,
            PaymentState.DRAFT,
            self.amazon.clock(),
            amount=amount,
        )

    def confirm_order_reference(self, order_reference_id):
        if self.constraint is not None:
            raise CallRefused("ConfirmOrderReference", "ConstraintsExist", self.constraint)
        self.amazon.open_order_reference(order_reference_id)


def test_a_confirmed_checkout_sends_the_order_total_and_authorizes(shop):
    shop.app.orders.checkout = Checkout(shop.amazon)
    spec = order_spec()

    order = shop.app.orders.import_order(spec, confirm=True)
    shop.work()

    assert shop.app.orders.checkout.totals == {
        spec["amazon_order_reference_id"]: Money(2 * 1999 + 4900 + 490, "EUR")
    }
    assert shop.states(order) == {"auth open"}


def test_a_checkout_amazon_refuses_to_confirm_stores_nothing(shop):
    shop.app.orders.checkout = Checkout(shop.amazon, constraint="PaymentMethodNotAllowed")
    spec = order_spec()

    with pytest.raises(CallRefused):
        shop.app.orders.import_order(spec, confirm=True)

    with pytest.raises(OrderNotFound), shop.app.database.transaction() as tx:
        tx.order(spec["reference"])


def test_confirming_needs_a_gateway_that_can(shop):
    shop.app.orders.checkout = None

    with pytest.raises(ServiceError, match="confirm"):
        shop.app.orders.import_order(order_spec(), confirm=True)
