"""Refunds: Create and Get (amazonpay-api.md §C.2).

A refund is RefundInitiated when the call returns (HTTP 201) and settles after
``refund_seconds``: Refunded, or Declined/AmazonRejected when the sandbox simulation
``RefundDeclined`` asked for it. Only a Captured charge is refunded, in its currency; its
refunds that are not declined may total the captured amount plus the lesser of 15 % or
75 USD/EUR/GBP (8,400 JPY). Amazon documents no count limit for v2, so there is none.
"""

from __future__ import annotations

from decimal import Decimal

from ..money import refund_ceiling
from . import wire
from .body import Body
from .call import Answer, Books, Call
from .charges import DESCRIPTOR_LIMIT
from .errors import V2Error
from .model import Charge, ChargeState, Refund, RefundState, Status


def create(books: Books, call: Call) -> Answer:
    body = Body.parse(call.body, ("chargeId", "refundAmount", "softDescriptor"))
    charge_id = body.required_text("chargeId")
    amount = body.required_price("refundAmount")
    descriptor = body.text("softDescriptor", DESCRIPTOR_LIMIT)
    charge = books.charge(charge_id, *call.owner)
    if charge.status.state != ChargeState.CAPTURED or charge.captured is None:
        raise V2Error(
            "InvalidChargeStatus",
            f"The charge is {charge.status.state}; only a Captured charge is refunded.",
        )
    if amount.currency != charge.amount.currency:
        raise V2Error(
            "CurrencyMismatch",
            f"The currency {amount.currency} does not match the charge's {charge.amount.currency}.",
        )
    ceiling = refund_ceiling(charge.captured, amount.currency)
    if _committed(books, charge) + amount.amount > ceiling:
        raise V2Error(
            "TransactionAmountExceeded",
            "The refunds would exceed the captured amount plus the lesser of 15 % or 75 "
            "(8,400 JPY).",
        )
    now = books.now()
    refund = Refund(
        id=books.ids.child(charge.id.rsplit("-", 1)[0], "R"),
        charge_id=charge.id,
        amount=amount,
        created=now,
        status=Status(RefundState.REFUND_INITIATED, now),
        soft_descriptor=descriptor and f"AMZ*{descriptor}",
    )
    charge.refund_ids.append(refund.id)
    books.add(refund, call.seller_id, call.sandbox, announce=False)
    declined = call.simulation == "RefundDeclined"
    books.later(books.config.refund_seconds, lambda: _settle(books, refund, charge, declined))
    return 201, wire.refund(refund, call.sandbox)


def get(books: Books, call: Call) -> Answer:
    return 200, wire.refund(books.refund(call.the_id(), *call.owner), call.sandbox)


def _committed(books: Books, charge: Charge) -> Decimal:
    refunds = (books.refunds[r] for r in charge.refund_ids)
    return sum(
        (r.amount.amount for r in refunds if r.status.state != RefundState.DECLINED), Decimal(0)
    )


def _settle(books: Books, refund: Refund, charge: Charge, declined: bool) -> None:
    if declined:
        books.move(refund, RefundState.DECLINED, "AmazonRejected")
        return
    charge.refunded += refund.amount.amount
    books.move(refund, RefundState.REFUNDED)
