"""Charge permissions: Get, Update, Close (amazonpay-api.md §C.1).

A charge permission is Chargeable from the completed checkout until it is closed: by the
shop (MerchantClosed, or AmazonClosed when the sandbox simulation asks for it) or by its
expiry after 180 days (Expired). Closing with ``cancelPendingCharges`` cancels its charges
that are not captured yet.
"""

from __future__ import annotations

from . import wire
from .body import Body
from .call import Answer, Books, Call
from .charges import balance
from .errors import V2Error
from .model import ChargePermission, ChargeState, PermissionState

_METADATA = ("merchantReferenceId", "merchantStoreName", "noteToBuyer", "customInformation")
_OPEN_CHARGES = (ChargeState.AUTHORIZATION_INITIATED, ChargeState.AUTHORIZED)


def get(books: Books, call: Call) -> Answer:
    return 200, shown(books, books.permission(call.the_id(), *call.owner), call.sandbox)


def update(books: Books, call: Call) -> Answer:
    body = Body.parse(call.body, ("merchantMetadata",))
    permission = books.permission(call.the_id(), *call.owner)
    if permission.status.state == PermissionState.CLOSED:
        raise V2Error("ChargePermissionNotModifiable", "The charge permission is Closed.")
    metadata = body.nested("merchantMetadata", _METADATA)
    if metadata is not None:
        limits = {"customInformation": 4096}
        permission.merchant_metadata |= {
            name: metadata.text(name, limits.get(name, 255)) for name in metadata.data
        }
    return 200, shown(books, permission, call.sandbox)


def close(books: Books, call: Call) -> Answer:
    body = Body.parse(call.body, ("closureReason", "cancelPendingCharges"))
    reason = body.required_text("closureReason", 255)
    cancel_charges = body.flag("cancelPendingCharges", False)
    permission = books.permission(call.the_id(), *call.owner)
    if permission.status.state == PermissionState.CLOSED:
        raise V2Error("InvalidChargePermissionStatus", "The charge permission is already Closed.")
    if cancel_charges:
        for charge_id in permission.charge_ids:
            charge = books.charges[charge_id]
            if charge.status.state in _OPEN_CHARGES:
                books.move(charge, ChargeState.CANCELED, "ChargePermissionCanceled")
    code = "AmazonClosed" if call.simulation == "AmazonClosed" else "MerchantClosed"
    books.move(permission, PermissionState.CLOSED, code)
    permission.status.reason_description = reason
    return 200, shown(books, permission, call.sandbox)


def shown(books: Books, permission: ChargePermission, sandbox: bool) -> wire.Json:
    return wire.charge_permission(permission, sandbox, balance(books, permission))
