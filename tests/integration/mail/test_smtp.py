"""E-mails handed to a real SMTP server (the local sink), and what a failing server does."""

from __future__ import annotations

import socket

import pytest

from amzpay.domain.money import Money
from amzpay.mail.messages import Mail, MailKind, Shop
from amzpay.mail.render import environment, render
from amzpay.mail.sender import MailDeliveryError, SmtpMailer, SmtpSettings
from amzpay.mail.sink import SmtpSink

SHOP = Shop("Berg", "shop@berg.example", "help@berg.example")


@pytest.fixture
def sink():
    with SmtpSink() as running:
        yield running


def refund_completed():
    mail = Mail(MailKind.REFUND_COMPLETED, "buyer@example.com", "de_DE", "DE--7", Money(990, "EUR"))
    return render(environment(), mail, SHOP)


def test_a_mail_arrives_at_the_smtp_server_with_both_parts(sink):
    SmtpMailer(SmtpSettings(sink.host, sink.port)).send(refund_completed())

    (received,) = sink.messages
    assert received["To"] == "buyer@example.com"
    assert "DE--7" in received["Subject"]
    assert "9,90" in received.get_body(preferencelist=("plain",)).get_content()
    assert received.get_body(preferencelist=("html",)) is not None


def test_a_temporary_refusal_is_retryable_and_the_next_try_arrives(sink):
    mailer = SmtpMailer(SmtpSettings(sink.host, sink.port))
    sink.fail_next(1, "451 4.3.0 Mailbox busy")

    with pytest.raises(MailDeliveryError) as failed:
        mailer.send(refund_completed())
    assert failed.value.retryable is True
    assert sink.messages == []

    mailer.send(refund_completed())
    assert len(sink.messages) == 1


def test_a_permanent_refusal_is_not_retryable(sink):
    sink.fail_next(1, "554 5.7.1 Rejected")

    with pytest.raises(MailDeliveryError, match="554") as failed:
        SmtpMailer(SmtpSettings(sink.host, sink.port)).send(refund_completed())

    assert failed.value.retryable is False


def test_a_server_that_is_not_there_is_a_retryable_failure():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound but never listening: connections are refused

        with pytest.raises(MailDeliveryError) as failed:
            SmtpMailer(SmtpSettings("127.0.0.1", port, timeout=2)).send(refund_completed())

    assert failed.value.retryable is True
