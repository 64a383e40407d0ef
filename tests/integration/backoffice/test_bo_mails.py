"""The back office's e-mail page over HTTP: every mail with its status, recipient and subject;
one mail with its text and its HTML (in a sandboxed frame, under a policy of its own) as the
mail server received it; an order's history linking to its mails. The shop here sends to a
local SMTP sink, as ``amzpay serve --simulator`` does."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from bo_shop import BackOfficeShop, log_in, opened_shop

from amzpay.mail.sender import SmtpMailer, SmtpSettings
from amzpay.mail.sink import SmtpSink
from shop import DECLINE, REFUND_SETTLES

BUYER = "buyer@example.com"  # the demo order's buyer


@pytest.fixture(scope="module")
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as started:
        yield started


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory, sink: SmtpSink) -> Iterator[BackOfficeShop]:
    mailer = SmtpMailer(SmtpSettings(sink.host, sink.port))
    with opened_shop(tmp_path_factory.mktemp("backoffice-mails"), mailer) as made:
        yield made


@pytest.fixture
def csrf(client):
    return log_in(client)


def _refund(shop: BackOfficeShop, client, csrf: str, item: str, note: str = "") -> str:
    """An order closed, ``item`` refunded through the back office, Amazon's answer applied
    and the mails it calls for sent; the order's reference."""
    order = shop.closed_order()
    answer = client.post(
        f"/orders/{order}/refund", data={"items": [item], "note": note, "csrf_token": csrf}
    )
    assert answer.status_code == 303, answer.text
    shop.work()
    shop.later(REFUND_SETTLES)
    return order


def _listed(page: str) -> list[dict[str, str]]:
    """The rows of the e-mail list: link, status, recipient, subject, order."""
    rows = re.findall(r"<tr>(.*?)</tr>", page.split("<tbody>", 1)[1], re.DOTALL)
    listed = []
    for row in rows:
        cells = [
            html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)
        ]
        link = re.search(r'href="(/mails/\d+)"', row)
        assert link is not None
        listed.append(
            {
                "link": link.group(1),
                "status": cells[1],
                "to": cells[2],
                "subject": cells[3],
                "order": cells[4],
            }
        )
    return listed


def _text_of(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")  # as sent over SMTP: CRLF


def test_a_refund_mail_is_listed_as_sent_and_shown_as_the_mail_server_received_it(
    shop, client, csrf, sink
):
    order = _refund(shop, client, csrf, "cup")

    [delivered] = [m for m in sink.messages if m["To"] == BUYER]
    [mail] = [row for row in _listed(client.get("/mails").text) if row["order"] == order]
    detail = client.get(mail["link"])
    frame = client.get(mail["link"] + "/html")

    assert mail["status"] == "sent"
    assert mail["to"] == f"{BUYER} (buyer)"
    assert mail["subject"] == delivered["Subject"]
    assert detail.status_code == 200
    assert html.escape(delivered["Subject"], quote=False) in detail.text
    shown_text = re.search(r'<pre class="mail-text">(.*?)</pre>', detail.text, re.DOTALL)
    assert shown_text is not None
    assert html.unescape(shown_text.group(1)).strip() == _text_of(delivered, "plain").strip()
    assert f'<iframe class="mail-html" sandbox src="{mail["link"]}/html"' in detail.text
    assert frame.text.strip() == _text_of(delivered, "html").strip()
    assert frame.headers["content-type"].startswith("text/html")
    policy = frame.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "sandbox" in policy
    assert "script-src" not in policy  # no script at all: default-src 'none' covers it
    assert frame.headers["x-frame-options"] == "SAMEORIGIN"


def test_the_history_of_an_order_links_to_its_mails(shop, client, csrf):
    order = _refund(shop, client, csrf, "pot", note=DECLINE)  # declined: the staff are told

    history = client.get(f"/orders/{order}/history?kind=mail").text
    links = re.findall(r'href="(/mails/\d+)"', history)
    [mail] = [row for row in _listed(client.get("/mails").text) if row["order"] == order]

    assert links == [mail["link"]]
    assert mail["to"] == "staff@example.com (staff)"
    assert "Show the e-mail" in history


def test_the_list_filters_by_status_and_names_a_status_it_does_not_know(shop, client, csrf):
    _refund(shop, client, csrf, "mug-1")

    sent = _listed(client.get("/mails?status=sent").text)
    failed = client.get("/mails?status=failed").text
    unknown = client.get("/mails?status=lost")

    assert sent
    assert {row["status"] for row in sent} == {"sent"}
    assert "No e-mail failed." in failed
    assert unknown.status_code == 200
    assert "status: &#39;lost&#39; is not one of due, sent, failed" in unknown.text


@pytest.mark.parametrize("mail_id", ["999999", "not-a-number"])
def test_an_unknown_mail_is_a_404_page(client, csrf, mail_id):
    page = client.get(f"/mails/{mail_id}")
    frame = client.get(f"/mails/{mail_id}/html")

    assert page.status_code == 404
    assert "There is no e-mail" in page.text
    assert frame.status_code == 404
