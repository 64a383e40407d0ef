"""API v2 over HTTP: ``/v2/...`` for environment-specific keys and ``/sandbox/v2/...``,
``/live/v2/...`` for the others (amazonpay-api.md §C.1). Answers are JSON with Amazon's
``x-amz-pay-request-id`` header. The latency and lost-response faults live here, as on the
legacy side, because they are about the answer, not the work.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..api import ResponseLost
from ..core import Simulator
from .auth import SignedRequest

JSON = "application/json"
_METHODS = ["GET", "POST", "PATCH", "DELETE", "PUT"]
_PREFIXES: dict[str, bool | None] = {"/v2": None, "/sandbox/v2": True, "/live/v2": False}


def routes() -> list[Route]:
    return [
        Route(prefix + "/{rest:path}", _endpoint, methods=_METHODS, name=f"v2{prefix}")
        for prefix in _PREFIXES
    ]


async def _endpoint(request: Request) -> Response:
    simulator: Simulator = request.app.state.simulator
    if simulator.faults.latency_seconds > 0:
        await simulator.sleep(simulator.faults.latency_seconds)
    raw_path = request.scope.get("raw_path")
    path = raw_path.decode("latin-1") if raw_path else request.url.path
    route_path = request.url.path.removeprefix(request.scope.get("root_path", ""))
    prefix = next(p for p in _PREFIXES if route_path.startswith(p + "/"))
    signed = SignedRequest(
        method=request.method,
        path=path,
        query=parse_qsl(request.url.query, keep_blank_values=True),
        headers={name.lower(): value for name, value in request.headers.items()},
        body=await request.body(),
        path_sandbox=_PREFIXES[prefix],
    )
    reply = simulator.v2.call(signed, request.path_params["rest"])
    if reply.status < 400 and simulator.faults.take("lose_responses"):
        await simulator.sleep(simulator.config.lost_response_hang_seconds)
        raise ResponseLost("the simulator performed the call and lost its response")
    headers = {"x-amz-pay-request-id": reply.request_id}
    return Response(reply.body, reply.status, headers, JSON)
