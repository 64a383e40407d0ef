"""Amazon's hosted buyer pages for the legacy API, served by the simulator: the widgets
script a shop's page loads, the Login with Amazon sign-in page and the address book and
wallet widgets the script shows in iframes (amazonpay-api.md part A; how a shop uses them:
spryker-amazonpay.md §5.4, docs/simulator.md).

    GET  …/OffAmazonPayments/{region}/sandbox/lpa/js/Widgets.js   the script (live: no sandbox/)
    GET  /ap/signin?client_id=…&scope=…&origin=… | &redirect_uri=…  the sign-in page
    POST /ap/signin                                               sign in: token to the page
    GET  /widgets/address-book?sellerId=…&access_token=…&origin=…  (creates the order reference)
    POST /widgets/address-book                                    choose an address
    GET  /widgets/wallet?…&amazonOrderReferenceId=…                the wallet
    POST /widgets/wallet                                          choose a payment method
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from importlib.resources import files
from typing import Final
from urllib.parse import parse_qsl, urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from . import checkout, pages
from .checkout import WidgetError
from .config import Seller
from .core import Simulator
from .logins import TOKEN_LIFETIME, Login
from .pages import Hidden, Message

_ORIGIN: Final = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")
_SCRIPT: Final = files(__package__).joinpath("static", "Widgets.js")
_WIDGET_FIELDS: Final = ("sellerId", "access_token", "origin", "environment")


def routes() -> list[Route]:
    return [
        Route("/OffAmazonPayments/{region}/sandbox/lpa/js/Widgets.js", _script, methods=["GET"]),
        Route("/OffAmazonPayments/{region}/lpa/js/Widgets.js", _script, methods=["GET"]),
        Route("/ap/signin", _sign_in, methods=["GET", "POST"]),
        Route("/widgets/address-book", _address_book, methods=["GET", "POST"]),
        Route("/widgets/wallet", _wallet, methods=["GET", "POST"]),
    ]


def _script(request: Request) -> Response:
    return Response(_SCRIPT.read_text(), media_type="text/javascript")


async def _fields(request: Request) -> dict[str, str]:
    """The query string's parameters, and on a POST the form body's over them."""
    fields = dict(request.query_params)
    if request.method == "POST":
        body = (await request.body()).decode(errors="replace")
        fields |= dict(parse_qsl(body, keep_blank_values=True))
    return fields


def _origin(fields: Mapping[str, str]) -> str:
    origin = fields.get("origin", "")
    if not _ORIGIN.fullmatch(origin):
        raise WidgetError("InvalidParameterValue", "origin must be the page's origin.", 400)
    return origin


def _page(title: str, body: str, origin: str | None, messages: Sequence[Message] = ()) -> Response:
    return HTMLResponse(pages.document(title, body, origin, messages))


def _failed(error: WidgetError, origin: str | None) -> Response:
    message = {"type": "error", "code": error.code, "message": error.message}
    html = pages.document("Amazon Pay", pages.failure(error.code, error.message), origin, [message])
    return HTMLResponse(html, error.status)


# --- sign-in ------------------------------------------------------------------------------


async def _sign_in(request: Request) -> Response:
    simulator: Simulator = request.app.state.simulator
    fields = await _fields(request)
    try:
        seller = _seller_of_client(simulator, fields.get("client_id", ""))
        answer = _answer_to(fields)
    except WidgetError as error:
        return _failed(error, None)
    hidden = Hidden(
        {k: fields[k] for k in ("client_id", "scope", "origin", "redirect_uri") if k in fields}
    )
    if request.method == "GET":
        return _page("Amazon Sign-In", pages.sign_in_form(hidden, None), None)
    email = fields.get("email", "")
    try:
        with simulator.lock:
            login = checkout.sign_in(
                simulator.ledger, seller, email, fields.get("password", ""), fields.get("scope", "")
            )
    except WidgetError as error:
        body = pages.sign_in_form(hidden, error.message, email)
        return HTMLResponse(pages.document("Amazon Sign-In", body, None), error.status)
    return answer(login)


def _seller_of_client(simulator: Simulator, client_id: str) -> Seller:
    seller = next((s for s in simulator.config.sellers if s.client_id == client_id), None)
    if seller is None:
        raise WidgetError("InvalidClientId", f"The client_id {client_id!r} is unknown.", 400)
    return seller


def _answer_to(fields: Mapping[str, str]) -> Callable[[Login], Response]:
    """How the token reaches the shop: to the popup's opener, or by redirect."""
    if "redirect_uri" in fields:
        target = fields["redirect_uri"]
        if urlsplit(target).scheme not in ("http", "https") or not urlsplit(target).netloc:
            raise WidgetError("InvalidParameterValue", "redirect_uri must be an http(s) URL.", 400)
        return lambda login: RedirectResponse(_with_query(target, _granted(login)), 303)
    origin = _origin(fields)
    return lambda login: _page(
        "Amazon Sign-In", pages.signed_in(), origin, [{"type": "login", **_granted(login)}]
    )


def _granted(login: Login) -> dict[str, str]:
    """Login with Amazon's implicit grant, as it appends it to the redirect URI."""
    return {
        "access_token": login.token,
        "token_type": "bearer",
        "expires_in": str(int(TOKEN_LIFETIME.total_seconds())),
        "scope": " ".join(login.scope),
    }


def _with_query(url: str, added: Mapping[str, str]) -> str:
    return url + ("&" if urlsplit(url).query else "?") + urlencode(added)


# --- widgets ------------------------------------------------------------------------------


async def _address_book(request: Request) -> Response:
    return await _widget(request, "Address book", _show_address_book)


async def _wallet(request: Request) -> Response:
    return await _widget(request, "Wallet", _show_wallet)


Show = Callable[[Simulator, Login, dict[str, str], bool], tuple[str, list[Message]]]


async def _widget(request: Request, title: str, show: Show) -> Response:
    simulator: Simulator = request.app.state.simulator
    fields = await _fields(request)
    try:
        origin = _origin(fields)
    except WidgetError as error:
        return _failed(error, None)
    posted = request.method == "POST"
    try:
        with simulator.lock:
            login = checkout.signed_in(
                simulator.ledger, fields.get("access_token", ""), fields.get("sellerId", "")
            )
            body, messages = show(simulator, login, fields, posted)
    except WidgetError as error:
        return _failed(error, origin)
    if posted:  # the choice is made: show the widget again, as a page of its own
        names = (*_WIDGET_FIELDS, "amazonOrderReferenceId")
        kept: dict[str, str] = {k: fields[k] for k in names if k in fields}
        return RedirectResponse(_with_query(request.url.path, kept), 303)
    return _page(title, body, origin, [*messages, {"type": "ready"}])


def _order_id(fields: Mapping[str, str]) -> str:
    order_id = fields.get("amazonOrderReferenceId", "")
    if not order_id:
        raise WidgetError("InvalidParameterValue", "amazonOrderReferenceId is required.", 400)
    return order_id


def _hidden(fields: Mapping[str, str], order_id: str) -> Hidden:
    kept = {k: fields[k] for k in _WIDGET_FIELDS if k in fields}
    return Hidden({**kept, "amazonOrderReferenceId": order_id})


def _show_address_book(
    simulator: Simulator, login: Login, fields: dict[str, str], posted: bool
) -> tuple[str, list[Message]]:
    ledger, messages = simulator.ledger, list[Message]()
    if posted:
        checkout.choose_address(ledger, login, _order_id(fields), _index(fields.get("address")))
        return "", []
    order_id = fields.get("amazonOrderReferenceId", "")
    if not order_id:
        sandbox = fields.get("environment", "sandbox") != "live"
        order_id = checkout.start_order(ledger, login, sandbox)
        fields["amazonOrderReferenceId"] = order_id
        messages.append({"type": "orderReferenceCreate", "amazonOrderReferenceId": order_id})
    order = checkout.order_of(ledger, login, order_id)
    read_only = fields.get("displayMode") == "Read"
    body = pages.address_book(
        _hidden(fields, order_id), login.account.addresses, order.buyer.address, read_only
    )
    if not read_only:
        messages.append({"type": "addressSelect", "amazonOrderReferenceId": order_id})
    return body, messages


def _show_wallet(
    simulator: Simulator, login: Login, fields: dict[str, str], posted: bool
) -> tuple[str, list[Message]]:
    ledger, order_id = simulator.ledger, _order_id(fields)
    if posted:
        checkout.choose_payment_method(ledger, login, order_id, fields.get("payment_method", ""))
        return "", []
    order = checkout.order_of(ledger, login, order_id)
    read_only = fields.get("displayMode") == "Read"
    body = pages.wallet(_hidden(fields, order_id), order.buyer.payment_method, read_only)
    if read_only:
        return body, []
    return body, [{"type": "paymentSelect", "amazonOrderReferenceId": order_id}]


def _index(text: str | None) -> int:
    if text is None or not text.isdigit():
        raise WidgetError("InvalidParameterValue", f"address must be a number, not {text!r}.", 400)
    return int(text)
