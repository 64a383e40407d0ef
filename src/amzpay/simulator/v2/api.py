"""API v2 over HTTP: ``/v2/...`` for environment-specific keys and ``/sandbox/v2/...``,
``/live/v2/...`` for the others (amazonpay-api.md §C.1). Answers are JSON with Amazon's
``x-amz-pay-request-id`` header. The latency and lost-response faults live here, as on the
legacy side, because they are about the answer, not the work.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
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
        Route(prefix + "/{rest:path}", _endpoint(sandbox), methods=_METHODS, name=f"v2{prefix}")
        for prefix, sandbox in _PREFIXES.items()
    ]


def _endpoint(path_sandbox: bool | None) -> Callable[[Request], Awaitable[Response]]:
    """The endpoint of one path form; ``path_sandbox`` is what its prefix says."""

    async def endpoint(request: Request) -> Response:
        return await _answer(request, path_sandbox)

    return endpoint


async def _answer(request: Request, path_sandbox: bool | None) -> Response:
    simulator: Simulator = request.app.state.simulator
    if simulator.faults.latency_seconds > 0:
        await simulator.sleep(simulator.faults.latency_seconds)
    raw_path = request.scope.get("raw_path")
    # The full path as sent is what the client signed, a mount prefix included.
    path = raw_path.decode("latin-1") if raw_path else request.url.path
    signed = SignedRequest(
        method=request.method,
        path=path,
        query=parse_qsl(request.url.query, keep_blank_values=True),
        headers={name.lower(): value for name, value in request.headers.items()},
        body=await request.body(),
        path_sandbox=path_sandbox,
    )
    reply = simulator.v2.call(signed, request.path_params["rest"])
    if reply.status < 400 and simulator.faults.take("lose_responses"):
        await simulator.sleep(simulator.config.lost_response_hang_seconds)
        raise ResponseLost("the simulator performed the call and lost its response")
    headers = {"x-amz-pay-request-id": reply.request_id}
    return Response(reply.body, reply.status, headers, JSON)
