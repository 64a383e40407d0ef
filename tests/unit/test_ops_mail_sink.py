"""Where ``amzpay serve`` sends e-mails: in sandbox-simulator mode with no SMTP server, to a
local sink on the loopback; a configured server is always used as it is."""

from __future__ import annotations

from amzpay.cli.sandbox import with_mail_sink
from amzpay.config import Settings


def test_simulator_mode_without_a_mail_server_sends_to_a_local_sink():
    settings = Settings.load({"AMZPAY_AMAZON__SIMULATOR": "true"})

    changed, sink = with_mail_sink(settings)

    assert sink is not None
    assert (changed.smtp.host, changed.smtp.port) == ("127.0.0.1", sink.port)
    assert changed.smtp.username is None
    assert changed.smtp.starttls is False


def test_a_configured_mail_server_is_used_as_it_is_in_simulator_mode_too():
    settings = Settings.load(
        {"AMZPAY_AMAZON__SIMULATOR": "true", "AMZPAY_SMTP__HOST": "mail.shop.test"}
    )

    changed, sink = with_mail_sink(settings)

    assert sink is None
    assert changed == settings


def test_outside_simulator_mode_mails_wait_for_a_configured_server():
    settings = Settings.load({})

    changed, sink = with_mail_sink(settings)

    assert sink is None
    assert changed.smtp.host is None
