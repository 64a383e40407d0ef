"""Amazon's endpoint over HTTP: ``POST /OffAmazonPayments_Sandbox/2013-01-01`` and the live
path ``/OffAmazonPayments/2013-01-01`` (amazonpay-api.md §A.1).

Parameters are read from the form body and the query string alike. The latency and
"lost response" faults live here, because they are about the answer, not the work.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

import httpx
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .core import Simulator
from .errors import ApiError
from .wire import error_response

SANDBOX_PATH = "/OffAmazonPayments_Sandbox/2013-01-01"
LIVE_PATH = "/OffAmazonPayments/2013-01-01"
XML = "text/xml"


class ResponseLost(httpx.ReadTimeout):
    """Raised after a call was performed whose answer the simulator then withholds: an
    in-process client sees this timeout; one over a socket times out waiting."""


def routes() -> list[Route]:
    return [
        Route(SANDBOX_PATH, _endpoint, methods=["POST"]),
        Route(LIVE_PATH, _endpoint, methods=["POST"]),
    ]


async def _endpoint(request: Request) -> Response:
    simulator: Simulator = request.app.state.simulator
    # MWS bodies are application/x-www-form-urlencoded; '+' is a space there (§A.2).
    form = parse_qsl((await request.body()).decode(errors="replace"), keep_blank_values=True)
    params = {**request.query_params, **dict(form)}
    if simulator.faults.latency_seconds > 0:
        await simulator.sleep(simulator.faults.latency_seconds)
    # Mounted under a prefix (``amzpay serve`` serves it at /simulator), the full path is
    # what was signed, and the route's own path tells sandbox from live.
    sandbox = request.url.path.removeprefix(request.scope.get("root_path", "")) == SANDBOX_PATH
    host = request.headers.get("host", "")
    try:
        body = simulator.call(params, host, request.url.path, sandbox)
    except ApiError as error:
        return Response(error_response(error, error.request_id or ""), error.http_status, None, XML)
    if simulator.faults.take("lose_responses"):
        await simulator.sleep(simulator.config.lost_response_hang_seconds)
        raise ResponseLost("the simulator performed the call and lost its response")
    return Response(body, 200, media_type=XML)
