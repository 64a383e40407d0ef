"""Sending the e-mails the state changes queued: after the commit, retried with backoff.

A mail is claimed in a short transaction (its next try pushed past the lease, so no other
worker sends it meanwhile), sent with no transaction open, and marked sent, due again later
(a retryable failure) or failed (a permanent one, or the retries used up). Delivery never
touches the state change that queued the mail.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Protocol

from jinja2 import Environment

from amzpay.mail.messages import Mail, Shop
from amzpay.mail.render import render
from amzpay.mail.sender import MailDeliveryError
from amzpay.ports.unit import Storage
from amzpay.processes.notices import STAFF

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)  # far longer than one SMTP conversation's timeout


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Deliver ``message``; raise MailDeliveryError when it did not leave."""


class Outbox:
    def __init__(
        self,
        database: Storage,
        mailer: Mailer | None,
        templates: Environment,
        shop: Shop,
        staff: str,
        clock: Callable[[], datetime],
        retries: Sequence[timedelta],
        staff_locale: str = "en_GB",
    ) -> None:
        self.database, self.mailer, self.templates = database, mailer, templates
        self.shop, self.staff, self.clock, self.retries = shop, staff, clock, tuple(retries)
        self.staff_locale = staff_locale

    def send_due(self, limit: int = 100) -> int:
        """Send the mails due now; return how many were tried (0 with no mailer)."""
        if self.mailer is None:
            return 0  # no SMTP server configured: mails wait in the outbox
        tried = 0
        while tried < limit and self._send_next():
            tried += 1
        return tried

    def _send_next(self) -> bool:
        now = self.clock()
        with self.database.read() as tx:
            if not tx.has_due_mail(now):
                return False
        with self.database.transaction() as tx:
            queued = tx.claim_mail(now, now + LEASE)
        if queued is None:
            return False
        assert self.mailer is not None
        try:
            self.mailer.send(self.message(queued.audience, queued.mail))
        except MailDeliveryError as error:
            self._failed(queued.id, queued.attempts, error)
            return True
        with self.database.transaction() as tx:
            tx.mail_sent(queued.id, self.clock())
        return True

    def message(self, audience: str, mail_json: str) -> EmailMessage:
        """The e-mail a queued mail is sent as (staff mails go to the staff address, in the
        back office's language); the back office's e-mail page shows the same."""
        mail = Mail.from_json(mail_json)
        if audience == STAFF:
            mail = replace(mail, to=self.staff, locale=self.staff_locale)
        return render(self.templates, mail, self.shop)

    def _failed(self, mail_id: int, attempts: int, error: MailDeliveryError) -> None:
        # The error names SMTP answers only, never the recipient (mail/sender.py).
        log.warning("mail %s not delivered (attempt %s): %s", mail_id, attempts, error)
        with self.database.transaction() as tx:
            if error.retryable and attempts <= len(self.retries):
                tx.mail_retry(mail_id, self.clock() + self.retries[attempts - 1], str(error))
            else:
                tx.mail_failed(mail_id, str(error))
