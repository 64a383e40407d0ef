"""The e-mail page: every mail the state changes queued, newest first, with its status, and
one mail as it was (or will be) sent: its headers, its text, and its HTML.

The HTML is served by a route of its own into a sandboxed iframe, under a policy that lets
it do nothing but show itself (no script, no request, no form, no navigation of the page
around it): a mail's HTML is content, never part of the back office.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from amzpay.ports.errors import RecordNotFound
from amzpay.services.mailbox import MAIL_STATUSES, ShownMail
from amzpay.web.backoffice.paging import PAGE_SIZE, Query, pager
from amzpay.web.backoffice.rendering import render
from amzpay.web.backoffice.security import ActionStaff, NotFound, PageStaff, services_of

router = APIRouter()

MAIL_HTML_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
        "base-uri 'none'; frame-ancestors 'self'; sandbox"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "SAMEORIGIN",
}


@router.get("/mails")
def mails_page(request: Request, staff: PageStaff) -> Response:
    query = Query(request)
    status = query.choice("status", MAIL_STATUSES)
    found = services_of(request).mails.page(status, PAGE_SIZE, query.offset)
    return render(
        request,
        "mails.html",
        staff,
        mails=found.rows,
        pager=pager(query, len(found.rows), found.total),
        query=query,
        statuses=MAIL_STATUSES,
        chosen=status,
    )


@router.get("/mails/{mail_id}")
def mail_page(request: Request, mail_id: str, staff: PageStaff) -> Response:
    return render(request, "mail.html", staff, mail=_mail(request, mail_id))


@router.get("/mails/{mail_id}/html")
def mail_html(request: Request, mail_id: str, staff: ActionStaff) -> Response:
    """The mail's HTML alone, for the iframe of the mail page."""
    return HTMLResponse(_mail(request, mail_id).html, headers=MAIL_HTML_HEADERS)


def _mail(request: Request, mail_id: str) -> ShownMail:
    try:
        return services_of(request).mails.mail(int(mail_id))
    except (ValueError, RecordNotFound) as missing:
        raise NotFound(f"There is no e-mail {mail_id!r}.") from missing
