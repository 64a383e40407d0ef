"""``amzpay serve --simulator`` with no SMTP server configured sends its mails to a local SMTP
sink, so they leave the outbox, and the back office's e-mail page shows them sent."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
from servekit import environment, free_port, served, wait_for

from amzpay.bootstrap import build
from amzpay.config import Settings
from amzpay.domain.money import Money
from amzpay.mail.messages import Mail, MailKind

PASSWORD = "correct horse battery"


def _logged_in(url: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=10)
    client.get("/login")
    answer = client.post(
        "/login",
        data={
            "username": "ada",
            "password": PASSWORD,
            "login_token": client.cookies.get("amzpay_login") or "",
        },
    )
    assert answer.status_code == 303, answer.text
    return client


def test_serve_in_simulator_mode_delivers_mails_to_its_sink_and_shows_them_sent(
    sqlite_url, tmp_path
):
    env = environment(DATABASE_URL=sqlite_url, AMAZON__SIMULATOR="true", WEB__PORT=str(free_port()))
    mail = Mail(
        MailKind.REFUND_COMPLETED, "buyer@example.com", "en_GB", "SRV-1", Money(1250, "EUR")
    )
    with served(env, tmp_path) as server:
        shop = build(Settings.load(env))  # this test's own view of the same database
        try:
            shop.access.add_user("ada", PASSWORD)
            with shop.database.transaction() as tx:  # as a state change queues it
                tx.queue_mail(None, mail.kind.value, "buyer", mail.to_json(), datetime.now(UTC))

            def sent() -> bool:
                [shown] = shop.mails.page(None, 10, 0).rows
                return shown.status == "sent"

            wait_for("serve's worker to hand the mail to the sink", sent)
            client = _logged_in(server.url)
            try:
                listing = client.get("/mails?status=sent").text
            finally:
                client.close()
        finally:
            shop.close()
        banner = server.output()

    assert re.search(
        r"e-mails +http://127\.0\.0\.1:\d+/mails +\(sent to a local SMTP sink at", banner
    )
    assert "buyer@example.com" in listing
    assert "Your refund of €12.50 for order SRV-1" in listing
