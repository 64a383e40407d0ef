"""Sending e-mails over SMTP.

    MailDeliveryError       the message did not leave
        .retryable          True when trying again later may help (a 4xx answer, a server
                            that is down or slow); False when it will not (a 5xx answer,
                            refused credentials)

A connection is opened per message: mails are few, and a stale pooled connection would only
add a failure mode.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

log = logging.getLogger(__name__)


class MailDeliveryError(Exception):
    """The message did not leave; ``retryable`` says whether a later try may succeed."""

    def __init__(self, reason: str, *, retryable: bool) -> None:
        self.reason, self.retryable = reason, retryable
        kind = "temporary" if retryable else "permanent"
        super().__init__(f"mail not delivered ({kind}): {reason}")


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 10.0


class SmtpMailer:
    """Hands messages to an SMTP server."""

    def __init__(self, settings: SmtpSettings) -> None:
        self._settings = settings

    def send(self, message: EmailMessage) -> None:
        """Deliver ``message`` to the server.

        Raises:
            MailDeliveryError: the server refused it or could not be reached.
        """
        settings = self._settings
        try:
            with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
                if settings.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if settings.username is not None:
                    smtp.login(settings.username, settings.password or "")
                refused = smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            raise _refused(error.recipients) from error
        except smtplib.SMTPResponseException as error:
            reason = f"{error.smtp_code} {error.smtp_error!r}"
            raise MailDeliveryError(reason, retryable=400 <= error.smtp_code < 500) from error
        except (smtplib.SMTPException, OSError) as error:
            raise MailDeliveryError(f"{type(error).__name__}: {error}", retryable=True) from error
        if refused:
            raise _refused(refused)
        log.info("mail %s handed to %s:%s", message["Message-ID"], settings.host, settings.port)


def _refused(recipients: dict[str, tuple[int, bytes]]) -> MailDeliveryError:
    codes = [code for code, _ in recipients.values()]
    # Addresses are buyer data: the error names the answers, never the recipients.
    return MailDeliveryError(
        f"recipients refused with {sorted(set(codes))}",
        retryable=all(400 <= code < 500 for code in codes),
    )
