"""Sandbox simulations through the ``x-amz-pay-simulation-code`` header (amazonpay-api.md
§C.8): the codes each operation takes. A code the operation does not take, or any code
outside the sandbox, is InvalidSandboxSimulationSpecified.

The research read the codes partly in a secondary source; ``CaptureInitiated`` on Capture
Charge is the simulator's own addition (a pending capture, as on Create Charge).
"""

from __future__ import annotations

from typing import Final

from .errors import V2Error

CANCELS_CHECKOUT: Final = frozenset({"BuyerCanceled", "AmazonCanceled", "Declined"})
DECLINES_CHARGE: Final = frozenset(
    {"SoftDeclined", "HardDeclined", "AmazonRejected", "TransactionTimedOut"}
)
SIMULATIONS: Final[dict[str, frozenset[str]]] = {
    "CompleteCheckoutSession": CANCELS_CHECKOUT | {"AuthorizationInitiated"},
    "CreateCharge": DECLINES_CHARGE | {"CaptureInitiated"},
    "CaptureCharge": frozenset({"CaptureInitiated"}),
    "CloseChargePermission": frozenset({"AmazonClosed"}),
    "CreateRefund": frozenset({"RefundDeclined"}),
}
HEADER = "x-amz-pay-simulation-code"


def read(operation: str, code: str | None, sandbox: bool) -> str | None:
    """The simulation asked of ``operation``, None when none was."""
    if code is None:
        return None
    if not sandbox:
        raise refused(code, "simulations exist in the sandbox only")
    if code not in SIMULATIONS.get(operation, frozenset()):
        known = ", ".join(sorted(SIMULATIONS.get(operation, ()))) or "none"
        raise refused(code, f"{operation} takes {known}")
    return code


def refused(code: str, why: str) -> V2Error:
    return V2Error(
        "InvalidSandboxSimulationSpecified",
        f"The sandbox simulation {code!r} is invalid: {why}.",
    )
