"""The v2 operations by method and path (amazonpay-api.md §C.1), each with its name (the one
throttling and simulations use) and whether it must carry an idempotency key."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from . import charges, permissions, refunds, sessions
from .call import Answer, Books, Call
from .errors import V2Error

Handler = Callable[[Books, Call], Answer]
_ID = r"(?P<id>[A-Za-z0-9_.-]+)"


@dataclass(frozen=True)
class Operation:
    name: str
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    needs_key: bool = False  # a POST that must carry x-amz-pay-idempotency-key


def _op(name: str, method: str, path: str, handler: Handler, needs_key: bool = False) -> Operation:
    return Operation(name, method, re.compile(path.replace("{id}", _ID)), handler, needs_key)


OPERATIONS = (
    _op("CreateCheckoutSession", "POST", "checkoutSessions", sessions.create, True),
    _op("GetCheckoutSession", "GET", "checkoutSessions/{id}", sessions.get),
    _op("UpdateCheckoutSession", "PATCH", "checkoutSessions/{id}", sessions.update),
    _op("CompleteCheckoutSession", "POST", "checkoutSessions/{id}/complete", sessions.complete),
    _op("GetChargePermission", "GET", "chargePermissions/{id}", permissions.get),
    _op("UpdateChargePermission", "PATCH", "chargePermissions/{id}", permissions.update),
    _op("CloseChargePermission", "DELETE", "chargePermissions/{id}/close", permissions.close),
    _op("CreateCharge", "POST", "charges", charges.create, True),
    _op("GetCharge", "GET", "charges/{id}", charges.get),
    _op("CaptureCharge", "POST", "charges/{id}/capture", charges.capture, True),
    _op("CancelCharge", "DELETE", "charges/{id}/cancel", charges.cancel),
    _op("CreateRefund", "POST", "refunds", refunds.create, True),
    _op("GetRefund", "GET", "refunds/{id}", refunds.get),
)


def find(method: str, rest: str) -> tuple[Operation, str | None]:
    """The operation ``method`` on ``rest`` (the path after ``/v2/``) asks for, with the id
    in its path; ResourceNotFound for no such path, UnsupportedOperation for a path that
    takes other methods."""
    path_known = False
    for operation in OPERATIONS:
        match = operation.pattern.fullmatch(rest.strip("/"))
        if match is None:
            continue
        path_known = True
        if operation.method == method.upper():
            return operation, match.groupdict().get("id")
    if path_known:
        raise V2Error("UnsupportedOperation", f"{method} is not supported on /v2/{rest}.")
    raise V2Error("ResourceNotFound", f"There is no API v2 resource at /v2/{rest}.")
