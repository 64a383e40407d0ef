"""Amazon's hosted buyer pages for API v2, served by the simulator: the checkout.js stand-in a
shop's page loads, and the pages a buyer goes through (amazonpay-api.md part C; the shop's
side: docs/checkout.md).

    GET  /checkout.js                         ``amazon.Pay.renderButton`` (static/checkout.js)
    POST /checkout/v2/start                   the button pressed: its signed payload checked
                                              against the seller's public key, the checkout
                                              session created (Create Checkout Session)
    GET|POST /checkout/v2/{id}/signin         sign in with a sandbox test account
    GET|POST /checkout/v2/{id}/choose         an address and a card; then to the shop's
                                              checkoutReviewReturnUrl?amazonCheckoutSessionId=…
    GET|POST /_sim/v2/checkout/{id}           amazonPayRedirectUrl: the payment's
                                              authentication step, passed, failed or given
                                              up; then to checkoutResultReturnUrl

A session made at the button needs the buyer's authentication before it can be completed; a
failed one cancels it (reason ``MFANotCompleted``), a given-up one too (``BuyerCanceled``),
and the shop learns which when it completes or reads the session. A session whose buyer the
control API plays (``/_sim/v2/checkout-sessions/{id}/buyer``) goes straight back to the shop.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Final
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from .. import pages
from ..buyers import sandbox_account
from ..core import Simulator
from ..money import format_amount
from . import hosted_pages, sessions
from .button import DEFAULT_ALGORITHM, ButtonPress, ButtonRefused, verify
from .call import Call
from .errors import V2Error
from .model import CheckoutSession, SessionState
from .wallet import CARDS

_SCRIPT: Final = files(__package__.rsplit(".", 1)[0]).joinpath("static", "checkout.js")
OUTCOMES: Final = {"fail": "MFANotCompleted", "abandon": "BuyerCanceled"}  # cancel reasons


def routes() -> list[Route]:
    return [
        Route("/checkout.js", _script, methods=["GET"]),
        Route("/checkout/v2/start", _start, methods=["POST"]),
        Route("/checkout/v2/{session_id}/signin", _sign_in, methods=["GET", "POST"]),
        Route("/checkout/v2/{session_id}/choose", _choose, methods=["GET", "POST"]),
        Route("/_sim/v2/checkout/{session_id}", _redirect, methods=["GET", "POST"]),
    ]


def _script(request: Request) -> Response:
    return Response(_SCRIPT.read_text(), media_type="text/javascript")


async def _form(request: Request) -> dict[str, str]:
    body = (await request.body()).decode(errors="replace")
    return dict(parse_qsl(body, keep_blank_values=True))


def _failed(code: str, message: str, status: int) -> Response:
    return HTMLResponse(pages.document("Amazon Pay", pages.failure(code, message), None), status)


def _page(title: str, body: str, status: int = 200) -> Response:
    return HTMLResponse(pages.document(title, body, None), status)


async def _start(request: Request) -> Response:
    simulator: Simulator = request.app.state.simulator
    fields = await _form(request)
    press = ButtonPress(
        merchant_id=fields.get("merchantId", ""),
        public_key_id=fields.get("publicKeyId", ""),
        payload_json=fields.get("payloadJSON", ""),
        signature=fields.get("signature", ""),
        algorithm=fields.get("algorithm") or DEFAULT_ALGORITHM,
        sandbox=fields.get("sandbox", "true") != "false",
    )
    try:
        seller, sandbox = verify(simulator.config, press)
    except ButtonRefused as refused:
        return _failed(refused.code, refused.message, 400)
    payload = press.payload_json.encode()
    call = Call(seller.seller_id, sandbox, None, payload, None, simulator.config.buyer_url)
    try:
        with simulator.lock:
            _, shown = sessions.create(simulator.v2.books, call)
            session = simulator.v2.books.sessions[shown["checkoutSessionId"]]
            session.needs_authentication = True
    except V2Error as error:
        return _failed(error.code, error.message, error.http_status)
    return RedirectResponse(f"{request.url.path.rsplit('/', 1)[0]}/{session.id}/signin", 303)


def _open_session(simulator: Simulator, session_id: str) -> CheckoutSession:
    session = simulator.v2.books.sessions.get(session_id)
    if session is None or not session.needs_authentication:
        raise V2Error("ResourceNotFound", f"The checkout session {session_id} was not found.")
    if session.status.state != SessionState.OPEN:
        raise V2Error(
            "InvalidCheckoutSessionStatus",
            f"The checkout session is {session.status.state}: start again at the shop.",
        )
    return session


async def _sign_in(request: Request) -> Response:
    simulator: Simulator = request.app.state.simulator
    session_id = request.path_params["session_id"]
    with simulator.lock:
        try:
            _open_session(simulator, session_id)
        except V2Error as error:
            return _failed(error.code, error.message, 404)
    hidden = pages.Hidden({})
    if request.method == "GET":
        return _page("Amazon Sign-In", pages.sign_in_form(hidden, None))
    fields = await _form(request)
    email = fields.get("email", "")
    account = sandbox_account(email)
    if account is None or account.password != fields.get("password", ""):
        problem = "There was a problem: the e-mail or password is wrong."
        return _page("Amazon Sign-In", pages.sign_in_form(hidden, problem, email), 401)
    with simulator.lock:
        simulator.v2.signed_in[session_id] = account.email
    return RedirectResponse(request.url.path.rsplit("/", 1)[0] + "/choose", 303)


async def _choose(request: Request) -> Response:
    simulator: Simulator = request.app.state.simulator
    session_id = request.path_params["session_id"]
    with simulator.lock:
        try:
            session = _open_session(simulator, session_id)
        except V2Error as error:
            return _failed(error.code, error.message, 404)
        account = sandbox_account(simulator.v2.signed_in.get(session_id, ""))
    if account is None:
        return RedirectResponse(request.url.path.rsplit("/", 1)[0] + "/signin", 303)
    if request.method == "GET":
        return _page("Amazon Pay", hosted_pages.choose(account.addresses, account.name))
    fields = await _form(request)
    index, card = fields.get("address", ""), fields.get("card", "")
    if not index.isdigit() or int(index) >= len(account.addresses) or card not in CARDS:
        body = hosted_pages.choose(account.addresses, account.name, "Choose an address and a card.")
        return _page("Amazon Pay", body, 400)
    with simulator.lock:
        sessions.sign_in(simulator.v2.books, session_id, account.paying(int(index)), card)
    return RedirectResponse(_with_session(session.review_return_url, session_id), 303)


async def _redirect(request: Request) -> Response:
    simulator: Simulator = request.app.state.simulator
    session_id = request.path_params["session_id"]
    with simulator.lock:
        session = simulator.v2.books.sessions.get(session_id)
        target = session.result_return_url if session else None
        ready = session is not None and not sessions.constraints(session)
        ready = ready and session is not None and session.status.state == SessionState.OPEN
    if session is None or target is None or not ready:
        message = f"checkout session {session_id} is not ready to pay"
        return Response(json.dumps({"error": message}), 404, media_type="application/json")
    if not session.needs_authentication:
        return RedirectResponse(_with_session(target, session_id), 302)
    if request.method == "GET":
        amount = session.payment.charge_amount
        assert amount is not None  # ready: the shop set it, the buyer chose a card
        assert session.card is not None
        shown = f"{format_amount(amount.amount, amount.currency)} {amount.currency}"
        body = hosted_pages.authenticate(shown, CARDS[session.card].descriptor)
        return _page("Amazon Pay", body)
    outcome = (await _form(request)).get("outcome", "")
    if outcome not in (*OUTCOMES, "pass"):
        return _failed("InvalidParameterValue", "outcome must be pass, fail or abandon.", 400)
    with simulator.lock:
        if session.status.state != SessionState.OPEN:
            return _failed("InvalidCheckoutSessionStatus", "The checkout is over.", 409)
        if outcome == "pass":
            session.authenticated = True
        else:
            simulator.v2.books.move(session, SessionState.CANCELED, OUTCOMES[outcome])
    return RedirectResponse(_with_session(target, session_id), 303)


def _with_session(url: str, session_id: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}{urlencode({'amazonCheckoutSessionId': session_id})}"
