"""The e-mails as staff see them on the back office's e-mail page: every mail of the outbox
with its status, and what it says (recipient, subject, text and HTML), rendered as the
outbox renders it for sending, so a mail waiting for an SMTP server shows what will be sent
and a sent one what was sent.

    mails.page(status="due", limit=50, offset=0)   # newest first
    mails.mail(7)                                   # one, with its bodies; RecordNotFound
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from amzpay.ports.queries import MailRow
from amzpay.ports.unit import Storage
from amzpay.services.outbox import Outbox
from amzpay.services.queries import Page

MAIL_STATUSES = ("due", "sent", "failed")


@dataclass(frozen=True, slots=True)
class ShownMail:
    id: int
    order: str | None
    kind: str
    audience: str  # buyer or staff
    status: str  # due, sent, failed
    attempts: int
    created_at: datetime
    next_try_at: datetime | None  # while due
    sent_at: datetime | None
    last_error: str | None
    sender: str
    to: str
    subject: str
    text: str
    html: str


class MailLog:
    def __init__(self, database: Storage, outbox: Outbox) -> None:
        self.database, self.outbox = database, outbox

    def page(self, status: str | None, limit: int, offset: int) -> Page[ShownMail]:
        with self.database.transaction() as tx:
            rows, total = tx.mail_page(status, limit, offset)
        return Page(tuple(self._shown(row) for row in rows), total, limit, offset)

    def mail(self, mail_id: int) -> ShownMail:
        """Raises RecordNotFound."""
        with self.database.transaction() as tx:
            row = tx.mail_row(mail_id)
        return self._shown(row)

    def _shown(self, row: MailRow) -> ShownMail:
        message = self.outbox.message(row.audience, row.mail)
        return ShownMail(
            id=row.id,
            order=row.order,
            kind=row.kind,
            audience=row.audience,
            status=row.status,
            attempts=row.attempts,
            created_at=row.created_at,
            next_try_at=row.not_before if row.status == "due" else None,
            sent_at=row.sent_at,
            last_error=row.last_error,
            sender=str(message["From"]),
            to=str(message["To"]),
            subject=str(message["Subject"]),
            text=_body(message, "plain"),
            html=_body(message, "html"),
        )


def _body(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    return "" if part is None else str(part.get_content())
