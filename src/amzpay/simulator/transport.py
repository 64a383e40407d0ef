"""A synchronous httpx transport that calls an ASGI app in-process, for clients built on
``httpx.Client`` (httpx's own ASGITransport is async only).

A request from plain code runs on the transport's own event loop, in the caller's thread: one
loop made at the first request and kept until ``close`` (or until the transport is collected).
A request made where that loop cannot run (inside a running event loop, such as an app that
answers a request by calling back, or while another thread has the loop) runs on a
short-lived event loop in a helper thread instead. Either way, exceptions the app raises reach
the caller, which is how the "lost response" fault shows up as an ``httpx.ReadTimeout``.
"""

from __future__ import annotations

import asyncio
import threading
import weakref

from anyio.from_thread import start_blocking_portal
from httpx import ASGITransport, BaseTransport, Request, Response
from starlette.types import ASGIApp


class InProcessTransport(BaseTransport):
    """``httpx.Client(transport=InProcessTransport(app), base_url=...)`` talks to ``app``."""

    def __init__(self, app: ASGIApp) -> None:
        self._transport = ASGITransport(app=app)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_free = threading.Lock()

    def handle_request(self, request: Request) -> Response:
        copy = Request(request.method, request.url, headers=request.headers, content=request.read())

        async def send() -> Response:
            answer = await self._transport.handle_async_request(copy)
            content = await answer.aread()
            return Response(answer.status_code, headers=answer.headers, content=content)

        if not _in_event_loop() and self._loop_free.acquire(blocking=False):
            try:
                return self._own_loop().run_until_complete(send())
            finally:
                self._loop_free.release()
        with start_blocking_portal() as portal:
            return portal.call(send)

    def close(self) -> None:
        with self._loop_free:
            if self._loop is not None:
                self._loop.close()
                self._loop = None

    def _own_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None or self._loop.is_closed():
            self._loop = asyncio.new_event_loop()
            weakref.finalize(self, self._loop.close)  # closed with the transport at the latest
        return self._loop


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
