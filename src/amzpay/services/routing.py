"""Which Amazon API an Amazon object's order is paid through, read from the store: what the
``RoutingGateway`` asks before each call (``amazonpay.routing.ApiOf``).

Each question is one short read, never inside another unit of work: gateway calls are made
with no transaction open.
"""

from __future__ import annotations

from amzpay.amazonpay.gateway import ObjectKind
from amzpay.domain.order import AmazonApi
from amzpay.domain.payment import PaymentKind
from amzpay.ports.unit import Storage


class StoredApis:
    """Satisfies ``ApiOf`` over ``database``."""

    def __init__(self, database: Storage) -> None:
        self.database = database

    def __call__(
        self, kind: ObjectKind, amazon_id: str, order_reference_id: str | None
    ) -> AmazonApi | None:
        with self.database.read() as tx:
            if kind is ObjectKind.ORDER_REFERENCE:
                order = tx.order_of_amazon_reference(amazon_id)
            else:
                order = tx.order_of_payment(
                    PaymentKind(kind.value), None, amazon_id, order_reference_id
                )
            return None if order is None else tx.order_head(order).api
