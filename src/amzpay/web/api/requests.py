"""What clients send: the order to import (the spec ``services/order_spec.py`` reads), an event
to fire, a refund to preview or request.

The models check shape and size (every text fits its column, amounts are decimal strings);
the services check meaning (a shipment that exists, a discount below the price) and name the
field as well. Unknown fields are refused, so a misspelt one is not silently dropped.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

# Printable text: no control characters (PostgreSQL refuses NUL in text), at most ``n`` long.
PRINTABLE = r"^[^\x00-\x1f\x7f]+$"


def text(longest: int) -> StringConstraints:
    return StringConstraints(min_length=1, max_length=longest, pattern=PRINTABLE)


Id = Annotated[str, text(64)]
Name = Annotated[str, text(255)]
Amount = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{1,12}(\.[0-9]{1,4})?$"),
    Field(
        description='A decimal string in the order\'s currency, e.g. "19.99"', examples=["19.99"]
    ),
]
TaxRate = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{1,3}(\.[0-9]{1,4})?$"),
    Field(description='A percentage, e.g. "19"', examples=["19"]),
]
# A line's items are "<line id>-1", "<line id>-2" ...: the line id leaves room for the number.
LineId = Annotated[str, text(56)]
MAX_LINES = 100  # lines, bundles, a bundle's items
MAX_SELECTION = 1000  # ids in one event or refund


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Customer(_Strict):
    email: Annotated[str, text(320)]
    locale: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})?$")] = (
        "en_GB"
    )


class ShipmentSpec(_Strict):
    id: Id
    method: Annotated[str, text(128)]


class OptionSpec(_Strict):
    sku: Id
    name: Name
    price: Amount
    discount: Amount = "0"


class LineSpec(_Strict):
    id: LineId
    sku: Id
    name: Name
    quantity: Annotated[int, Field(ge=1, le=100)] = 1
    unit_price: Amount
    discount: Amount = "0"
    tax_rate: TaxRate = "0"
    shipment: Id | None = None
    options: Annotated[list[OptionSpec], Field(max_length=20)] = []


class BundleItemSpec(_Strict):
    id: Id
    sku: Id
    name: Name
    catalogue_price: Amount
    tax_rate: TaxRate = "0"


class BundleSpec(_Strict):
    id: Id
    sku: Id
    name: Name
    price: Amount
    discount: Amount = "0"
    shipment: Id | None = None
    items: Annotated[list[BundleItemSpec], Field(min_length=1, max_length=MAX_LINES)]


class ExpenseSpec(_Strict):
    id: Id
    type: Id = "shipping"
    name: Name
    price: Amount
    discount: Amount = "0"
    tax_rate: TaxRate = "0"
    shipment: Id | None = None


class OrderSpec(_Strict):
    """An order the shop placed, paid through one of Amazon's APIs: give exactly one of
    ``amazon_order_reference_id`` (the legacy API's order reference), ``charge_permission_id``
    (API v2) or ``checkout_session_id`` (API v2: the buyer's completed checkout session, whose
    charge permission Amazon is asked for)."""

    reference: Id
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$"), Field(examples=["EUR"])]
    customer: Customer
    amazon_order_reference_id: Annotated[str, text(32)] | None = Field(
        None,
        description="The legacy API's order reference (OffAmazonPayments)",
        examples=["S02-1234567-1234567"],
    )
    charge_permission_id: Annotated[str, text(32)] | None = Field(
        None,
        description="API v2: the buyer's charge permission (NNN-NNNNNNN-NNNNNNN)",
        examples=["S02-7654321-7654321"],
    )
    checkout_session_id: Annotated[str, text(64)] | None = Field(
        None,
        description="API v2: the buyer's completed checkout session (a UUID); the order is "
        "imported on the charge permission it left",
        examples=["bd504926-f659-4ad7-a1a9-9a747aaf5275"],
    )
    shipments: Annotated[list[ShipmentSpec], Field(max_length=50)] = []
    lines: Annotated[list[LineSpec], Field(max_length=MAX_LINES)] = []
    bundles: Annotated[list[BundleSpec], Field(max_length=MAX_LINES)] = []
    expenses: Annotated[list[ExpenseSpec], Field(max_length=50)] = []
    confirm: bool = Field(
        False,
        description="Set the order's total at Amazon and confirm its order reference first "
        "(when the shop did not confirm it at checkout).",
    )
    process: Annotated[str, text(64)] | None = Field(
        None,
        description="The process the order follows, one of its API's (`amzpay process list`); "
        "default: the process configured for its API",
        examples=["amazon-pay-v2-sync"],
    )


Selection = Annotated[
    list[Id],
    Field(
        max_length=MAX_SELECTION,
        description="Item, bundle or expense ids of the order (a bundle stands for its items)",
    ),
]


class EventRequest(_Strict):
    event: Annotated[str, text(64), Field(examples=["capture"])]
    items: Annotated[list[Id], Field(min_length=1, max_length=MAX_SELECTION)] | None = Field(
        None, description="The items to move; null or absent: every item of the order"
    )


class PreviewRequest(_Strict):
    items: Selection = []


class RefundRequest(_Strict):
    items: Annotated[list[Id], Field(min_length=1, max_length=MAX_SELECTION)]
    note: Annotated[str, StringConstraints(max_length=255, pattern=r"^[^\x00]*$")] | None = Field(
        None, description="Amazon's SellerRefundNote, shown to the buyer (at most 255 characters)"
    )


ConsentToken = Annotated[
    str,
    StringConstraints(min_length=1, max_length=4096, pattern=PRINTABLE),
    Field(description="The buyer's address consent token (Login with Amazon's access token)"),
]
AmazonOrderReference = Annotated[
    str, text(32), Field(description="The order reference Amazon's widgets made")
]


class CheckoutDetailsRequest(_Strict):
    amazon_order_reference_id: AmazonOrderReference
    consent_token: ConsentToken


class CartRequest(_Strict):
    """The shop's cart: lines as an order import has them; the buyer's e-mail and address
    come from Amazon."""

    reference: Annotated[Id, Field(description="The shop's order id, sent to Amazon")]
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$"), Field(examples=["EUR"])]
    locale: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})?$")] = (
        "en_GB"
    )
    shipments: Annotated[list[ShipmentSpec], Field(max_length=50)] = []
    lines: Annotated[list[LineSpec], Field(max_length=MAX_LINES)] = []
    bundles: Annotated[list[BundleSpec], Field(max_length=MAX_LINES)] = []
    expenses: Annotated[list[ExpenseSpec], Field(max_length=50)] = []


class PlaceOrderRequest(CartRequest):
    """The shop's cart on the buyer's order reference (legacy API)."""

    amazon_order_reference_id: AmazonOrderReference
    consent_token: ConsentToken
