"""Amazon Pay API v2's objects as ``Observation``s in the domain's words.

The one place where v2's states become ``PaymentState`` (research amazonpay-api.md C.2):

    v2 object          port object        v2 state               PaymentState
    Charge Permission  order reference    Chargeable             OPEN
                                          NonChargeable          SUSPENDED (the payment
                                                                 method needs the buyer);
                                                                 OPEN while its only reason
                                                                 is ChargeInProgress (a
                                                                 charge pends: nothing is
                                                                 asked of the buyer)
                                          Closed                 CLOSED
    Charge             authorization      AuthorizationInitiated PENDING
                                          Authorized             OPEN
                                          CaptureInitiated       OPEN (its capture pends)
                                          Captured               CLOSED (used by its capture)
                                          Canceled               CLOSED (expired, canceled)
                                          Declined               DECLINED
    Charge             capture            AuthorizationInitiated PENDING (nothing captured yet)
                                          Authorized             PENDING
                                          CaptureInitiated       PENDING
                                          Captured               COMPLETED
                                          Canceled, Declined     DECLINED (nothing captured)
    Refund             refund             RefundInitiated        PENDING
                                          Refunded               COMPLETED
                                          Declined               DECLINED

A v2 Charge is the legacy API's authorization and capture in one object, so Amazon's capture
id is the charge id. Reason codes are kept exactly as Amazon spells them (a charge
permission's first ``statusDetails.reasons`` code when it has no reasonCode of its own). A
soft decline is a charge ``Declined/SoftDeclined`` (the buyer may pay another way).

v2 objects do not list their children (a charge's refunds), and Get Charge does not say our
reference id, so those stay empty; ``order_reference_id`` is the charge permission id.

Imports the port, ``v2.wire`` and the domain's Money.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Final

from amzpay.amazonpay.gateway import ObjectKind, Observation, PaymentState
from amzpay.amazonpay.v2.wire import (
    Charge,
    ChargePermission,
    ChargePermissionState,
    ChargeState,
    Refund,
    RefundState,
)
from amzpay.domain.money import Money

Now = Callable[[], datetime]
SOFT_DECLINE_REASON: Final = "SoftDeclined"
CHARGE_IN_PROGRESS: Final = "ChargeInProgress"

PERMISSION_STATES: Final[Mapping[ChargePermissionState, PaymentState]] = {
    ChargePermissionState.CHARGEABLE: PaymentState.OPEN,
    ChargePermissionState.NON_CHARGEABLE: PaymentState.SUSPENDED,
    ChargePermissionState.CLOSED: PaymentState.CLOSED,
}
AUTHORIZATION_STATES: Final[Mapping[ChargeState, PaymentState]] = {
    ChargeState.AUTHORIZATION_INITIATED: PaymentState.PENDING,
    ChargeState.AUTHORIZED: PaymentState.OPEN,
    ChargeState.CAPTURE_INITIATED: PaymentState.OPEN,
    ChargeState.CAPTURED: PaymentState.CLOSED,
    ChargeState.CANCELED: PaymentState.CLOSED,
    ChargeState.DECLINED: PaymentState.DECLINED,
}
CAPTURE_STATES: Final[Mapping[ChargeState, PaymentState]] = {
    ChargeState.AUTHORIZATION_INITIATED: PaymentState.PENDING,
    ChargeState.AUTHORIZED: PaymentState.PENDING,
    ChargeState.CAPTURE_INITIATED: PaymentState.PENDING,
    ChargeState.CAPTURED: PaymentState.COMPLETED,
    ChargeState.CANCELED: PaymentState.DECLINED,
    ChargeState.DECLINED: PaymentState.DECLINED,
}
REFUND_STATES: Final[Mapping[RefundState, PaymentState]] = {
    RefundState.REFUND_INITIATED: PaymentState.PENDING,
    RefundState.REFUNDED: PaymentState.COMPLETED,
    RefundState.DECLINED: PaymentState.DECLINED,
}


def of_charge_permission(permission: ChargePermission, now: Now) -> Observation:
    status = permission.status
    reasons = permission.reasons or ((status.reason_code,) if status.reason_code else ())
    state = PERMISSION_STATES[status.state]
    if state is PaymentState.SUSPENDED and set(reasons) == {CHARGE_IN_PROGRESS}:
        state = PaymentState.OPEN
    return Observation(
        kind=ObjectKind.ORDER_REFERENCE,
        amazon_id=permission.charge_permission_id,
        reference_id=None,
        state=state,
        updated_at=status.updated_at or now(),
        amount=permission.amount_limit,
        reason_code=status.reason_code or (reasons[0] if reasons else None),
        reason_description=status.reason_description,
        created_at=permission.created_at,
        expires_at=permission.expires_at,
        order_reference_id=permission.charge_permission_id,
    )


def of_authorization(charge: Charge, now: Now, reference_id: str | None = None) -> Observation:
    """The charge as the authorization it is; with ``captureNow`` its capture is itself,
    listed in ``children`` once captured or being captured."""
    state = charge.status.state
    capturing = state in (ChargeState.CAPTURE_INITIATED, ChargeState.CAPTURED)
    return _charge(
        charge,
        ObjectKind.AUTHORIZATION,
        AUTHORIZATION_STATES[state],
        now,
        reference_id,
        amount=charge.amount,
        settled=charge.captured,
        children=(charge.charge_id,) if capturing else (),
    )


def of_capture(charge: Charge, now: Now, reference_id: str | None = None) -> Observation:
    """The charge as its capture: the amount captured (or asked for, until it is), and the
    amount refunded of it."""
    return _charge(
        charge,
        ObjectKind.CAPTURE,
        CAPTURE_STATES[charge.status.state],
        now,
        reference_id,
        amount=charge.captured or charge.amount,
        settled=charge.refunded,
    )


def of_refund(refund: Refund, now: Now, reference_id: str | None = None) -> Observation:
    status = refund.status
    return Observation(
        kind=ObjectKind.REFUND,
        amazon_id=refund.refund_id,
        reference_id=reference_id,
        state=REFUND_STATES[status.state],
        updated_at=status.updated_at or now(),
        amount=refund.amount,
        reason_code=status.reason_code,
        reason_description=status.reason_description,
        created_at=refund.created_at,
    )


def _charge(
    charge: Charge,
    kind: ObjectKind,
    state: PaymentState,
    now: Now,
    reference_id: str | None,
    *,
    amount: Money,
    settled: Money | None,
    children: tuple[str, ...] = (),
) -> Observation:
    status = charge.status
    return Observation(
        kind=kind,
        amazon_id=charge.charge_id,
        reference_id=reference_id,
        state=state,
        updated_at=status.updated_at or now(),
        reason_code=status.reason_code,
        reason_description=status.reason_description,
        created_at=charge.created_at,
        expires_at=charge.expires_at,
        soft_decline=status.reason_code == SOFT_DECLINE_REASON,
        order_reference_id=charge.charge_permission_id,
        amount=amount,
        settled=settled,
        children=children,
    )
