"""The e-mails a state change calls for, queued in the outbox in the same transaction.

Queued here, sent later by the worker (``services/outbox.py``): a mail server that is down
never blocks or rolls back the change that asked for the mail.

    authorization declined, soft (Suspended)       buyer: choose another payment method
    authorization declined, hard                   buyer: contact the shop (the template has
                                                   its own words for InvalidPaymentMethod)
    refund completed                               buyer: the money is on its way back
    refund declined                                staff: with Amazon's reason code
    a refund made outside amzpay, first seen       staff: check it and acknowledge it
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from amzpay.domain.payment import (
    AuthorizationState,
    PaymentKind,
    PaymentRecord,
    PaymentState,
    RefundState,
)
from amzpay.mail.messages import Mail, MailKind
from amzpay.ports.flow import ExternalRefund
from amzpay.ports.unit import UnitOfWork

BUYER: Final = "buyer"
STAFF: Final = "staff"


def queue_notices(
    tx: UnitOfWork,
    before: PaymentState,
    record: PaymentRecord,
    at: datetime,
    *,
    soft: bool = False,
) -> None:
    """Queue what ``record``'s move from ``before`` to its state calls for (maybe nothing).
    ``soft`` is Amazon's word that a declined authorization is a soft decline: the buyer can
    mend it by choosing another payment method while the order reference is Suspended
    (Amazon Pay API reference, "Handle soft and hard declines"); only the gateway, which
    reads Amazon's SoftDecline element, can tell."""
    if before == record.state:
        return
    kind = _mail_kind(record, soft)
    if kind is None:
        return
    order = tx.addressee(record.order, record.items)
    names = order.item_names
    audience = STAFF if kind is MailKind.REFUND_DECLINED else BUYER
    mail = Mail(
        kind=kind,
        to=order.customer_email if audience == BUYER else "",  # staff: filled in when sent
        locale=order.locale,
        order_reference=order.reference,
        amount=record.amount,
        reason_code=record.reason_code,
        items=tuple(names[i] for i in record.items if i in names),
    )
    tx.queue_mail(order.reference, kind.value, audience, mail.to_json(), at)


def queue_external_refund_notice(tx: UnitOfWork, refund: ExternalRefund, at: datetime) -> None:
    """Tell staff of a refund Amazon reported that amzpay never asked for (Seller Central):
    it is not booked on any item, so someone must look at it."""
    mail = Mail(
        kind=MailKind.EXTERNAL_REFUND,
        to="",  # staff: filled in when sent, in the staff's locale
        locale="",
        order_reference=refund.order or "",
        amount=refund.amount,
        amazon_id=refund.amazon_refund_id,
    )
    tx.queue_mail(refund.order, MailKind.EXTERNAL_REFUND.value, STAFF, mail.to_json(), at)


def _mail_kind(record: PaymentRecord, soft: bool) -> MailKind | None:
    if record.kind is PaymentKind.AUTHORIZATION and record.state is AuthorizationState.DECLINED:
        if soft:
            return MailKind.AUTHORIZATION_SUSPENDED
        return MailKind.AUTHORIZATION_DECLINED
    if record.kind is PaymentKind.REFUND and record.state is RefundState.COMPLETED:
        return MailKind.REFUND_COMPLETED
    if record.kind is PaymentKind.REFUND and record.state is RefundState.DECLINED:
        return MailKind.REFUND_DECLINED
    return None
