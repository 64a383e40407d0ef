"""Amazon's sandbox simulations: a ``{"SandboxSimulation": {...}}`` JSON in a note field
asks for a documented outcome (amazonpay-api.md §A.11).

The string is parsed as JSON, since plugins differ in its whitespace. A note that is not
such JSON is an ordinary note; one that is but asks for a combination Amazon does not
document is refused with InvalidSandboxSimulationSpecified.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .errors import ApiError

# operation -> the (State, ReasonCode) pairs its note may ask for; None: no ReasonCode.
ALLOWED: dict[str, frozenset[tuple[str, str | None]]] = {
    "CloseOrderReference": frozenset({("Closed", "AmazonClosed")}),
    "Authorize": frozenset(
        {
            ("Declined", "InvalidPaymentMethod"),
            ("Declined", "AmazonRejected"),
            ("Declined", "TransactionTimedOut"),
            ("Closed", "ExpiredUnused"),
            ("Closed", "AmazonClosed"),
        }
    ),
    "Capture": frozenset(
        {("Pending", None), ("Declined", "AmazonRejected"), ("Closed", "AmazonClosed")}
    ),
    "Refund": frozenset({("Declined", "AmazonRejected")}),
}
CONSTRAINTS = frozenset({"PaymentMethodNotAllowed"})


@dataclass(frozen=True)
class Simulation:
    """What a note asked the sandbox to do."""

    state: str | None = None
    reason_code: str | None = None
    constraint: str | None = None
    payment_method_update_minutes: float | None = None
    expiration_minutes: float | None = None
    soft_decline: bool | None = None


def read(operation: str, note: str | None) -> Simulation | None:
    """The simulation ``note`` asks ``operation`` for, or None for an ordinary note."""
    spec = _spec(note)
    if spec is None:
        return None
    simulation = _simulation(spec)
    if not _allowed(operation, simulation):
        raise _refused(note or "")
    return simulation


def _spec(note: str | None) -> dict[str, Any] | None:
    if not note or "SandboxSimulation" not in note:
        return None
    try:
        document = json.loads(note)
    except ValueError:
        raise _refused(note) from None
    spec = document.get("SandboxSimulation") if isinstance(document, dict) else None
    if not isinstance(spec, dict):
        raise _refused(note)
    return spec


def _simulation(spec: dict[str, Any]) -> Simulation:
    known = {"State", "ReasonCode", "Constraint", "PaymentMethodUpdateTimeInMins"}
    known |= {"ExpirationTimeInMins", "SoftDecline"}
    if set(spec) - known:
        raise _refused(json.dumps(spec))
    return Simulation(
        state=_text(spec, "State"),
        reason_code=_text(spec, "ReasonCode"),
        constraint=_text(spec, "Constraint"),
        payment_method_update_minutes=_minutes(spec, "PaymentMethodUpdateTimeInMins"),
        expiration_minutes=_minutes(spec, "ExpirationTimeInMins"),
        soft_decline=_boolean(spec, "SoftDecline"),
    )


def _allowed(operation: str, sim: Simulation) -> bool:
    if operation == "SetOrderReferenceDetails":
        return sim.constraint in CONSTRAINTS and sim.state is None and sim.reason_code is None
    pair = (sim.state or "", sim.reason_code)
    if sim.constraint is not None or pair not in ALLOWED.get(operation, frozenset()):
        return False
    if sim.payment_method_update_minutes is not None or sim.soft_decline is not None:
        return pair == ("Declined", "InvalidPaymentMethod")
    return sim.expiration_minutes is None or pair == ("Closed", "ExpiredUnused")


def _text(spec: dict[str, Any], key: str) -> str | None:
    value = spec.get(key)
    if value is not None and not isinstance(value, str):
        raise _refused(json.dumps(spec))
    return value


def _minutes(spec: dict[str, Any], key: str) -> float | None:
    value = spec.get(key)
    if value is None:
        return None
    try:
        minutes = float(value)
    except (TypeError, ValueError):
        raise _refused(json.dumps(spec)) from None
    if minutes < 0:
        raise _refused(json.dumps(spec))
    return minutes


def _boolean(spec: dict[str, Any], key: str) -> bool | None:
    value = spec.get(key)
    if value is None or isinstance(value, bool):
        return value
    if str(value).lower() in ("true", "false"):
        return str(value).lower() == "true"
    raise _refused(json.dumps(spec))


def _refused(note: str) -> ApiError:
    return ApiError(
        "InvalidSandboxSimulationSpecified",
        f"The sandbox simulation specified is invalid: {note}",
    )
