"""Refunds made outside amzpay (in Seller Central), as staff see and acknowledge them.

The inbox records such a refund when Amazon's IPN names a refund no record of ours asked
for (``services/inbox.py``) and mails staff once; it is never booked on items. Staff then
check it and acknowledge it here (the back office, ``amzpay refund external --ack``): who
and when are kept, and acknowledging again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from amzpay.domain.money import Money
from amzpay.ports.errors import RecordNotFound
from amzpay.ports.flow import ExternalRefund
from amzpay.ports.unit import Storage
from amzpay.services.errors import ServiceError

ACTOR_LIMIT = 64  # the acknowledged_by column


class InvalidActor(ServiceError, ValueError):
    """Raised when who acknowledges is not given, or longer than ``ACTOR_LIMIT``."""

    def __init__(self, actor: str) -> None:
        self.actor = actor
        super().__init__(f"who acknowledges must be named in 1 to {ACTOR_LIMIT} characters")


@dataclass(frozen=True, slots=True)
class ExternalRefundView:
    """A refund Amazon reported that amzpay did not ask for, as staff read it. ``order`` is
    ours when its order reference is one of ours; ``amount`` when Amazon said it."""

    amazon_refund_id: str
    reference_id: str
    order: str | None
    state: str
    reason_code: str | None
    amount: Money | None
    first_seen_at: datetime | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None


class ExternalRefundService:
    def __init__(self, database: Storage, clock: Callable[[], datetime]) -> None:
        self.database, self.clock = database, clock

    def list_all(self, *, unacknowledged_only: bool = False) -> list[ExternalRefundView]:
        """Every external refund, those staff have not acknowledged first, each group in the
        order Amazon reported them."""
        with self.database.read() as tx:
            found = tx.external_refunds(unacknowledged_only=unacknowledged_only)
        views = [_view(refund) for refund in found]
        return sorted(views, key=lambda view: view.acknowledged)  # stable: keeps the order

    def find(self, amazon_refund_id: str) -> ExternalRefundView | None:
        with self.database.read() as tx:
            found = tx.external_refunds(amazon_refund_id=amazon_refund_id)
        return _view(found[0]) if found else None

    def acknowledge(self, amazon_refund_id: str, actor: str) -> ExternalRefundView:
        """Record that ``actor`` has seen the refund, now; the first acknowledgement stands.
        Raises RecordNotFound for an Amazon refund id never reported, InvalidActor for a
        blank or overlong name."""
        if not actor.strip() or len(actor) > ACTOR_LIMIT:
            raise InvalidActor(actor)
        with self.database.transaction() as tx:
            tx.acknowledge_external_refund(amazon_refund_id, actor, self.clock())
            found = tx.external_refunds(amazon_refund_id=amazon_refund_id)
        if not found:
            raise RecordNotFound("external refund", amazon_refund_id)
        return _view(found[0])


def _view(refund: ExternalRefund) -> ExternalRefundView:
    return ExternalRefundView(
        amazon_refund_id=refund.amazon_refund_id,
        reference_id=refund.reference_id,
        order=refund.order,
        state=refund.state,
        reason_code=refund.reason_code,
        amount=refund.amount,
        first_seen_at=refund.first_seen_at,
        acknowledged_at=refund.acknowledged_at,
        acknowledged_by=refund.acknowledged_by,
    )
