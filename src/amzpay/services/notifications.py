"""What an IPN is about, in our store: the order it belongs to, and what the inbox keeps.

The message itself is read behind the amazonpay boundary (``amazonpay.notifications``): what
arrives here is an ``Observation``, with the Amazon order reference it belongs to when the
adapter can tell, or, for an API v2 message, a ``Hint`` naming the object and its charge
permission without a state. The inbox keeps what either is about, so that staff see a v2
message's order and object in the IPN log and the order's history as they see a legacy one's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from amzpay.amazonpay.gateway import ObjectKind, Observation
from amzpay.amazonpay.notifications import Hint
from amzpay.domain.payment import PaymentKind, PaymentRecord
from amzpay.ports.logs import IpnObject, IpnSubject
from amzpay.ports.unit import UnitOfWork

PAYMENT_KINDS: Final = {
    ObjectKind.AUTHORIZATION: PaymentKind.AUTHORIZATION,
    ObjectKind.CAPTURE: PaymentKind.CAPTURE,
    ObjectKind.REFUND: PaymentKind.REFUND,
}
"""The record kind of each Amazon payment object."""


@dataclass(frozen=True, slots=True)
class Located:
    """Where an observation belongs in our store, looked up once: our payment record of the
    object (None for an order reference, or an object of no record of ours) and our order."""

    record: PaymentRecord | None
    order: str | None


def locate(tx: UnitOfWork, seen: Observation) -> Located:
    """Our payment record ``seen`` is about, by our reference id or Amazon's id, and its
    order; without a record, the order of the Amazon order reference the object belongs to."""
    kind = PAYMENT_KINDS.get(seen.kind)
    if kind is not None:
        record = tx.find_payment(kind, reference_id=seen.reference_id)
        record = record or tx.find_payment(kind, amazon_id=seen.amazon_id)
        if record is not None:
            return Located(record, record.order)
    return Located(None, order_of_reference(tx, seen))


def order_of(tx: UnitOfWork, seen: Observation) -> str | None:
    """Our order the observation is about: by our reference id or Amazon's id of the
    payment record, else by the Amazon order reference the object belongs to (as ``locate``
    finds it, in one query and without reading the record)."""
    kind = PAYMENT_KINDS.get(seen.kind)
    if kind is None:
        return order_of_reference(tx, seen)
    return tx.order_of_payment(kind, seen.reference_id, seen.amazon_id, seen.order_reference_id)


def order_of_reference(tx: UnitOfWork, seen: Observation) -> str | None:
    """Our order of the Amazon order reference ``seen`` belongs to; None when unknown."""
    if seen.order_reference_id is None:
        return None
    return tx.order_of_amazon_reference(seen.order_reference_id)


def subject_of(seen: Observation, located: Located) -> IpnSubject:
    """What the inbox keeps of a notification, read once at receipt."""
    return IpnSubject(seen.kind.value, seen.amazon_id, seen.state.value, located.order)


def hint_subject(tx: UnitOfWork, hint: Hint) -> IpnSubject:
    """What the inbox keeps of a hint at receipt: the object it names, no state (the
    message says none), and our order of it (as ``store_ipn`` finds it for ``hint_object``)."""
    kind = hint.kinds[0]
    record_kind = PAYMENT_KINDS.get(kind)
    if record_kind is not None:
        order = tx.order_of_payment(record_kind, None, hint.amazon_id, hint.order_reference_id)
    elif hint.order_reference_id is not None:
        order = tx.order_of_amazon_reference(hint.order_reference_id)
    else:
        order = None
    return IpnSubject(kind.value, hint.amazon_id, None, order)


def object_of(seen: Observation) -> IpnObject:
    """What the inbox keeps of a notification stored for the worker: the store finds its
    order in the statement that stores it (as ``order_of`` would)."""
    return IpnObject(
        seen.kind.value,
        seen.amazon_id,
        seen.state.value,
        PAYMENT_KINDS.get(seen.kind),
        seen.reference_id,
        seen.order_reference_id,
    )


def hint_object(hint: Hint) -> IpnObject:
    """What the inbox keeps of a hint stored for the worker: the object it names (a v2
    charge by its first port object, our authorization, whose Amazon id our capture shares),
    no state, and the charge permission our order is found by when no record is ours yet."""
    kind = hint.kinds[0]
    return IpnObject(
        kind.value, hint.amazon_id, None, PAYMENT_KINDS.get(kind), None, hint.order_reference_id
    )
