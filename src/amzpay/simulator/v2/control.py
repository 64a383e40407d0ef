"""The control API of the v2 side, beside the legacy one under ``/_sim``: what Amazon's
hosted pages let a buyer do on a checkout session.

    POST /_sim/v2/checkout-sessions/{id}/buyer   sign in, pick an address and a card

amazonPayRedirectUrl (``/_sim/v2/checkout/{id}``) is one of the hosted pages (``hosted``).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
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
        shown = sessions.shown(session, simulator.config.buyer_url)
    return JSONResponse(shown)
