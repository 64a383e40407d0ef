"""SetOrderAttributes (amazonpay-api.md §A.4; Amazon's "SetOrderAttributes" and "Adding order
attributes after purchase" pages).

While the order reference is a Draft every attribute may be set or changed, the order total
included. Once it is confirmed the total is fixed, and the other attributes may only be added:
one already set may be sent again unchanged, never changed. A Canceled order takes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import Element

from .errors import ApiError, invalid
from .ledger import Ledger
from .model import OrderReference
from .orders import refresh_constraints
from .params import Call
from .wire import order_reference_details

_PREFIX = "OrderAttributes"
_SELLER = "SellerOrderAttributes"
_PROVIDER = "PaymentServiceProviderAttributes"
_CATEGORY = f"{_PREFIX}.{_SELLER}.OrderItemCategories.OrderItemCategory."
_SELLER_NOTE_LIMIT = 1024


@dataclass(frozen=True)
class _Field:
    """A text attribute: its parameter after ``OrderAttributes.``, the part of the order
    reference that holds it and the attribute there."""

    parameter: str
    part: str  # "" (the order reference itself), "seller_order" or "provider"
    name: str

    def holder(self, order: OrderReference) -> object:
        return getattr(order, self.part) if self.part else order


_FIELDS = (
    _Field("SellerNote", "", "seller_note"),
    _Field("PlatformId", "", "platform_id"),
    _Field(f"{_SELLER}.SellerOrderId", "seller_order", "seller_order_id"),
    _Field(f"{_SELLER}.StoreName", "seller_order", "store_name"),
    _Field(f"{_SELLER}.CustomInformation", "seller_order", "custom_information"),
    _Field(f"{_SELLER}.SupplementaryData", "seller_order", "supplementary_data"),
    _Field(f"{_PROVIDER}.PaymentServiceProviderId", "provider", "provider_id"),
    _Field(f"{_PROVIDER}.PaymentServiceProviderOrderId", "provider", "provider_order_id"),
)


def set_attributes(ledger: Ledger, call: Call) -> Element:
    order = ledger.order(call.required("AmazonOrderReferenceId"), call.seller_id, call.sandbox)
    total = None
    if any(name.startswith(f"{_PREFIX}.OrderTotal.") for name in call.params):
        total = call.price(f"{_PREFIX}.OrderTotal")
    texts = {
        field: value
        for field in _FIELDS
        if (value := call.optional(f"{_PREFIX}.{field.parameter}", _limit(field))) is not None
    }
    categories = _categories(call)
    request_authorization = None
    if f"{_PREFIX}.RequestPaymentAuthorization" in call.params:
        request_authorization = call.flag(f"{_PREFIX}.RequestPaymentAuthorization", False)
    state = order.status.state
    if state == "Canceled":
        raise _not_modifiable(order, f"is {state}")
    if state != "Draft":
        if total is not None and total != order.total:
            raise _not_modifiable(order, "is confirmed: its OrderTotal can no longer change")
        changed = [
            f.parameter for f, v in texts.items() if _already(getattr(f.holder(order), f.name), v)
        ]
        if categories and _already(order.seller_order.item_categories or None, categories):
            changed.append(f"{_SELLER}.OrderItemCategories")
        if _already(order.request_payment_authorization, request_authorization):
            changed.append("RequestPaymentAuthorization")
        if changed:
            raise _not_modifiable(order, f"is confirmed: {', '.join(changed)} already set")
    for field, value in texts.items():
        setattr(field.holder(order), field.name, value)
    if categories:
        order.seller_order.item_categories = categories
    if request_authorization is not None:
        order.request_payment_authorization = request_authorization
    if total is not None and state == "Draft":
        order.total = total
        refresh_constraints(order)
    return order_reference_details(order, full=False)


def _limit(field: _Field) -> int | None:
    return _SELLER_NOTE_LIMIT if field.parameter == "SellerNote" else None


def _categories(call: Call) -> tuple[str, ...]:
    """``…OrderItemCategory.1``, ``.2``, … in the order of their numbers."""
    numbered = []
    for name, value in call.params.items():
        if name.startswith(_CATEGORY):
            number = name.removeprefix(_CATEGORY)
            if not number.isdigit():
                raise invalid(name, value)
            numbered.append((int(number), value))
    return tuple(value for _, value in sorted(numbered))


def _already(current: object, wanted: object) -> bool:
    """Whether ``wanted`` would change a value that is already set."""
    return wanted is not None and current is not None and current != wanted


def _not_modifiable(order: OrderReference, why: str) -> ApiError:
    return ApiError("OrderReferenceNotModifiable", f"OrderReference {order.id} {why}.")
