"""The control API of the v2 side, beside the legacy one under ``/_sim``: what Amazon's
hosted pages let a buyer do on a checkout session.

    POST /_sim/v2/checkout-sessions/{id}/buyer   sign in, pick an address and a card
    GET  /_sim/v2/checkout/{id}                  amazonPayRedirectUrl: back to the shop's
                                                 checkoutResultReturnUrl
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..buyers import sandbox_buyer
from ..control import _json
from ..core import Simulator
from . import sessions
from .errors import V2Error
from .wallet import card as wallet_card


def routes() -> list[Route]:
    return [
        Route("/_sim/v2/checkout-sessions/{session_id}/buyer", _sign_in, methods=["POST"]),
        Route("/_sim/v2/checkout/{session_id}", _redirect, methods=["GET"]),
    ]


async def _sign_in(request: Request) -> Response:
    simulator: Simulator = request.app.state.simulator
    session_id = request.path_params["session_id"]
    try:
        data = await _json(request)
        card = str(data.get("card", "visa"))
        wallet_card(card)
        person = {k: str(v) for k, v in data.items() if k != "card"}
        buyer = sandbox_buyer("visa", **person)  # the legacy wallet's buyer: name, address
        session = simulator.v2.sign_in(session_id, buyer, card)
    except KeyError:
        return JSONResponse({"error": f"unknown checkout session {session_id}"}, 404)
    except V2Error as error:
        return JSONResponse({"error": error.message}, 409)
    except ValueError as error:
        return JSONResponse({"error": str(error)}, 400)
    with simulator.lock:
        shown = sessions.shown(session, simulator.config.public_url)
    return JSONResponse(shown)


def _redirect(request: Request) -> Response:
    simulator: Simulator = request.app.state.simulator
    session_id = request.path_params["session_id"]
    with simulator.lock:
        session = simulator.v2.books.sessions.get(session_id)
        target = session.result_return_url if session else None
        ready = session is not None and not sessions.constraints(session)
    if session is None or target is None or not ready:
        return JSONResponse({"error": f"checkout session {session_id} is not ready to pay"}, 404)
    separator = "&" if "?" in target else "?"
    query = urlencode({"amazonCheckoutSessionId": session_id})
    return RedirectResponse(f"{target}{separator}{query}", 302)
