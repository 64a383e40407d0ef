"""What GetOrderReferenceDetails shows a holder of the buyer's address consent token: the
``Buyer``, the ``Destination``'s ``PhysicalDestination`` and the ``PaymentDescriptor``
(Amazon Pay API reference, "OrderReferenceDetails", "Buyer", "Address"; research
amazonpay-api.md A.4, A.5), read into the port's ``CheckoutDetails``.

Only this module reads buyer data; ``wire`` leaves it out on purpose, so that the order
reference's ordinary reads (polls, IPNs) never carry it.
"""

from __future__ import annotations

from dataclasses import dataclass

from amzpay.amazonpay.gateway import CheckoutDetails
from amzpay.amazonpay.mws import observations
from amzpay.amazonpay.mws.elements import Node
from amzpay.amazonpay.mws.observations import Now
from amzpay.amazonpay.mws.wire import OrderReferenceDetails, read_order_reference
from amzpay.domain.buyer import Buyer, ShippingAddress

_LINES = ("AddressLine1", "AddressLine2", "AddressLine3")
# A state or region, else the county or district some countries give instead.
_REGIONS = ("StateOrRegion", "County", "District")


@dataclass(frozen=True, slots=True, repr=False)
class BuyerView:
    """An ``OrderReferenceDetails`` with the buyer's data beside it."""

    details: OrderReferenceDetails
    buyer: Buyer | None
    shipping: ShippingAddress | None
    descriptor: str | None

    def __repr__(self) -> str:
        return f"BuyerView({self.details.amazon_order_reference_id}, <personal data>)"


def read_buyer_view(node: Node) -> BuyerView:
    destination = node.find("Destination")
    physical = destination.find("PhysicalDestination") if destination is not None else None
    descriptor = node.find("PaymentDescriptor")
    return BuyerView(
        details=read_order_reference(node),
        buyer=_buyer(node.find("Buyer")),
        shipping=_address(physical),
        descriptor=descriptor.optional_text("FullDescriptor") if descriptor is not None else None,
    )


def checkout_details(view: BuyerView, now: Now) -> CheckoutDetails:
    return CheckoutDetails(
        order_reference=observations.of_order_reference(view.details, now),
        buyer=view.buyer,
        shipping_address=view.shipping,
        payment_descriptor=view.descriptor,
    )


def _buyer(node: Node | None) -> Buyer | None:
    if node is None:
        return None
    name, email = node.optional_text("Name"), node.optional_text("Email")
    if name is None or email is None:
        return None
    return Buyer(name, email, node.optional_text("Phone"))


def _address(node: Node | None) -> ShippingAddress | None:
    """The full address, or None when Amazon showed only part of it (a Draft read without
    the consent token has the city, postal code and country only)."""
    if node is None:
        return None
    lines = tuple(line for name in _LINES if (line := node.optional_text(name)) is not None)
    name, city = node.optional_text("Name"), node.optional_text("City")
    country = node.optional_text("CountryCode")
    if name is None or not lines or city is None or country is None:
        return None
    region = next((r for key in _REGIONS if (r := node.optional_text(key)) is not None), None)
    return ShippingAddress(
        name=name,
        lines=lines,
        city=city,
        postal_code=node.optional_text("PostalCode"),
        country_code=country,
        region=region,
        phone=node.optional_text("Phone"),
    )
