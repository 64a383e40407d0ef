"""A synchronous httpx transport that calls an ASGI app in-process, for clients built on
``httpx.Client`` (httpx's own ASGITransport is async only).

Each request runs on a short-lived event loop in a helper thread, so this works from plain
code and from inside a running event loop alike. Exceptions the app raises reach the caller,
which is how the "lost response" fault shows up as an ``httpx.ReadTimeout``.
"""

from __future__ import annotations

from anyio.from_thread import start_blocking_portal
from httpx import ASGITransport, BaseTransport, Request, Response
from starlette.types import ASGIApp


class InProcessTransport(BaseTransport):
    """``httpx.Client(transport=InProcessTransport(app), base_url=...)`` talks to ``app``."""

    def __init__(self, app: ASGIApp) -> None:
        self._transport = ASGITransport(app=app)

    def handle_request(self, request: Request) -> Response:
        copy = Request(request.method, request.url, headers=request.headers, content=request.read())

        async def send() -> Response:
            answer = await self._transport.handle_async_request(copy)
            content = await answer.aread()
            return Response(answer.status_code, headers=answer.headers, content=content)

        with start_blocking_portal() as portal:
            return portal.call(send)
