"""Which Amazon id an imported order is paid under: the legacy API's order reference, or API
v2's charge permission, given as is or as the buyer's completed checkout session.

Exactly one of the three fields is given, in its own shape; anything else is answered 422
naming the field, before Amazon is asked or anything is stored.
"""

from __future__ import annotations

import re
from typing import Final

from amzpay.domain.order import AmazonApi
from amzpay.web.api.requests import OrderSpec
from amzpay.web.context import Services
from amzpay.web.errors import ApiError

ID_FIELDS: Final = ("amazon_order_reference_id", "charge_permission_id", "checkout_session_id")
_CHARGE_PERMISSION: Final = re.compile(r"[A-Z][0-9]{2}-[0-9]{7}-[0-9]{7}")
_CHECKOUT_SESSION: Final = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)


def amazon_id_of(spec: OrderSpec, services: Services) -> tuple[AmazonApi, str, str]:
    """(the API, the Amazon id the order is paid under, the field that gave it). A checkout
    session is read from Amazon for its charge permission (no transaction open).

    Raises ApiError 422 naming the field: none or several given, or one of the wrong shape;
    the services' errors of reading the session (InvalidOrderSpec, CallFailed)."""
    given = [name for name in ID_FIELDS if getattr(spec, name) is not None]
    if len(given) != 1:
        named = ", ".join(given) if given else "none"
        raise ApiError(
            422,
            "invalid_value",
            f"give exactly one of {', '.join(ID_FIELDS)} (given: {named})",
            given[-1] if given else ID_FIELDS[0],
        )
    field = given[0]
    value: str = getattr(spec, field)
    if field == "amazon_order_reference_id":
        return AmazonApi.LEGACY, value, field
    if field == "charge_permission_id":
        _shaped(field, value, _CHARGE_PERMISSION, "NNN-NNNNNNN-NNNNNNN, e.g. S02-7654321-7654321")
        return AmazonApi.V2, value, field
    _shaped(field, value, _CHECKOUT_SESSION, "a UUID, e.g. bd504926-f659-4ad7-a1a9-9a747aaf5275")
    return AmazonApi.V2, services.orders.charge_permission_of(value), field


def _shaped(field: str, value: str, shape: re.Pattern[str], expected: str) -> None:
    if not shape.fullmatch(value):
        raise ApiError(422, "invalid_value", f"{field}: {value!r} is not {expected}", field)
