"""A local SMTP server that keeps what it receives: the demo's mailbox and the tests'.

    with SmtpSink() as sink:
        SmtpMailer(SmtpSettings(sink.host, sink.port)).send(message)
        sink.messages  # -> [EmailMessage]

``sink.fail_next(n, code)`` makes it answer the next ``n`` messages with an error, to show
what a sender does when the mail server is unwell.
"""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller


class _Mailbox:
    """aiosmtpd's handler: keeps each message, or answers with the error asked for."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.failures: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.failures:
                return self.failures.pop(0)
            parsed = message_from_bytes(envelope.original_content, policy=policy.default)
            assert isinstance(parsed, EmailMessage)
            self.messages.append(parsed)
        return "250 Message accepted for delivery"


class SmtpSink:
    """An SMTP server on a free local port, for as long as the ``with`` block lasts."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = _free_port(host)
        self._mailbox = _Mailbox()
        # Made when started: aiosmtpd's controller opens an event loop as soon as it exists.
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[EmailMessage]:
        with self._mailbox.lock:
            return list(self._mailbox.messages)

    def fail_next(self, count: int, answer: str = "451 4.3.0 Try again later") -> None:
        with self._mailbox.lock:
            self._mailbox.failures.extend([answer] * count)

    def start(self) -> SmtpSink:
        self._controller = Controller(self._mailbox, hostname=self.host, port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port
