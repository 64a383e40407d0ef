"""``RoutingGateway``: one ``PaymentGateway`` over both of Amazon's APIs, each call sent to the
adapter of the API its order is paid through.

A shop that moves to API v2 keeps its legacy orders for months of refunds: both adapters live
in one process, and the order's stored API (``domain.order.AmazonApi``) decides which one
speaks for it. A call knows its order by the Amazon id it is about: ``api_of`` (bootstrap
gives one that reads the store) names the API of the order holding the object, or, for an
object we hold no record of yet (a refund made in Seller Central, named by a v2 IPN), of the
order whose order reference the id extends: both APIs build a payment object's id from its
order reference's or charge permission's ("S02-1234567-1234567-C0000001"). An id no order
claims goes to ``default`` (a checkout's order reference before its order is imported).

Imports the gateway port and the domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from amzpay.amazonpay.gateway import (
    ASYNCHRONOUS,
    CheckoutDetails,
    ObjectKind,
    Observation,
    PaymentGateway,
)
from amzpay.domain.money import Money
from amzpay.domain.order import AmazonApi


class ApiOf(Protocol):
    def __call__(
        self, kind: ObjectKind, amazon_id: str, order_reference_id: str | None
    ) -> AmazonApi | None:
        """The API of our order holding the object ``kind`` with ``amazon_id``, else of our
        order on the order reference ``order_reference_id``; None when no order of ours is."""


@dataclass(frozen=True, slots=True)
class Gateways:
    """An adapter per API (``UnavailableGateway`` for one without credentials), and the API
    of calls no stored order claims."""

    legacy: PaymentGateway
    v2: PaymentGateway
    default: AmazonApi = AmazonApi.LEGACY

    def of(self, api: AmazonApi) -> PaymentGateway:
        return self.v2 if api is AmazonApi.V2 else self.legacy


def order_reference_of(amazon_id: str) -> str | None:
    """The order reference (or charge permission) id a payment object's id extends: its
    first three dash-separated parts; None for an id of another shape."""
    parts = amazon_id.split("-")
    return "-".join(parts[:3]) if len(parts) > 3 else None


class RoutingGateway:
    """Satisfies ``PaymentGateway``: each call goes to ``gateways.of`` the API of its order."""

    def __init__(self, gateways: Gateways, api_of: ApiOf) -> None:
        self.gateways, self._api_of = gateways, api_of

    def for_object(self, kind: ObjectKind, amazon_id: str) -> PaymentGateway:
        """The adapter that speaks for the object ``kind`` with ``amazon_id``."""
        parent = None if kind is ObjectKind.ORDER_REFERENCE else order_reference_of(amazon_id)
        api = self._api_of(kind, amazon_id, parent)
        return self.gateways.of(self.gateways.default if api is None else api)

    def _reference(self, order_reference_id: str) -> PaymentGateway:
        return self.for_object(ObjectKind.ORDER_REFERENCE, order_reference_id)

    def authorize(
        self,
        *,
        order_reference_id: str,
        reference_id: str,
        amount: Money,
        capture_now: bool = False,
        transaction_timeout: timedelta = ASYNCHRONOUS,
        note: str | None = None,
    ) -> Observation:
        return self._reference(order_reference_id).authorize(
            order_reference_id=order_reference_id,
            reference_id=reference_id,
            amount=amount,
            capture_now=capture_now,
            transaction_timeout=transaction_timeout,
            note=note,
        )

    def capture(
        self, *, authorization_id: str, reference_id: str, amount: Money, note: str | None = None
    ) -> Observation:
        gateway = self.for_object(ObjectKind.AUTHORIZATION, authorization_id)
        return gateway.capture(
            authorization_id=authorization_id, reference_id=reference_id, amount=amount, note=note
        )

    def close_authorization(self, *, authorization_id: str, reason: str | None = None) -> None:
        gateway = self.for_object(ObjectKind.AUTHORIZATION, authorization_id)
        gateway.close_authorization(authorization_id=authorization_id, reason=reason)

    def close_order_reference(self, *, order_reference_id: str, reason: str | None = None) -> None:
        gateway = self._reference(order_reference_id)
        gateway.close_order_reference(order_reference_id=order_reference_id, reason=reason)

    def cancel_order_reference(self, *, order_reference_id: str, reason: str | None = None) -> None:
        gateway = self._reference(order_reference_id)
        gateway.cancel_order_reference(order_reference_id=order_reference_id, reason=reason)

    def refund(
        self, *, capture_id: str, reference_id: str, amount: Money, note: str | None = None
    ) -> Observation:
        return self.for_object(ObjectKind.CAPTURE, capture_id).refund(
            capture_id=capture_id, reference_id=reference_id, amount=amount, note=note
        )

    def set_order_reference_details(
        self,
        order_reference_id: str,
        amount: Money,
        seller_order_id: str,
        note: str | None = None,
    ) -> Observation:
        return self._reference(order_reference_id).set_order_reference_details(
            order_reference_id, amount, seller_order_id, note
        )

    def confirm_order_reference(self, order_reference_id: str) -> None:
        self._reference(order_reference_id).confirm_order_reference(order_reference_id)

    def order_reference_details(self, order_reference_id: str) -> Observation:
        return self._reference(order_reference_id).order_reference_details(order_reference_id)

    def checkout_details(self, order_reference_id: str, *, consent_token: str) -> CheckoutDetails:
        return self._reference(order_reference_id).checkout_details(
            order_reference_id, consent_token=consent_token
        )

    def authorization_details(self, authorization_id: str) -> Observation:
        gateway = self.for_object(ObjectKind.AUTHORIZATION, authorization_id)
        return gateway.authorization_details(authorization_id)

    def capture_details(self, capture_id: str) -> Observation:
        return self.for_object(ObjectKind.CAPTURE, capture_id).capture_details(capture_id)

    def refund_details(self, refund_id: str) -> Observation:
        return self.for_object(ObjectKind.REFUND, refund_id).refund_details(refund_id)
