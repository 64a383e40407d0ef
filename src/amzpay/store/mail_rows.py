"""The mail outbox as the back office reads it: every mail with its order, newest first, and
one mail by its id (what it says is rendered by the service from the ``mail`` JSON)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, Select, func, select

from amzpay.ports.errors import RecordNotFound
from amzpay.ports.queries import MailRow
from amzpay.store import tables as t
from amzpay.store.base import Rows


class MailRows(Rows):
    def mail_page(self, status: str | None, limit: int, offset: int) -> tuple[list[MailRow], int]:
        """A page of mails, newest first, of one ``status`` or all; and how many there are."""
        conditions = [] if status is None else [t.mail_outbox.c.status == status]
        total = self.conn.scalar(select(func.count()).select_from(t.mail_outbox).where(*conditions))
        query = _mails().where(*conditions).order_by(t.mail_outbox.c.id.desc())
        rows = self.conn.execute(query.limit(limit).offset(offset))
        return [_mail_row(row) for row in rows], int(total or 0)

    def mail_row(self, mail_id: int) -> MailRow:
        """One mail. Raises RecordNotFound."""
        found = self.conn.execute(_mails().where(t.mail_outbox.c.id == mail_id)).first()
        if found is None:
            raise RecordNotFound("mail", str(mail_id))
        return _mail_row(found)


def _mails() -> Select[Any]:
    joined = t.mail_outbox.outerjoin(t.orders, t.orders.c.id == t.mail_outbox.c.order_id)
    return select(t.mail_outbox, t.orders.c.reference.label("order_reference")).select_from(joined)


def _mail_row(r: Row[Any]) -> MailRow:
    return MailRow(
        id=r.id,
        order=r.order_reference,
        kind=r.kind,
        audience=r.audience,
        status=r.status,
        attempts=r.attempts,
        mail=r.mail,
        created_at=r.created_at,
        not_before=r.not_before,
        sent_at=r.sent_at,
        last_error=r.last_error,
    )
