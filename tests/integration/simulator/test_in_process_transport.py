"""The in-process transport: an ASGI app answers a synchronous httpx client, on the caller's
thread from plain code, and on a helper thread where the caller's thread cannot run it (inside
a running event loop, or an app calling itself back through the same transport)."""

from __future__ import annotations

import asyncio
import threading

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from amzpay.simulator import InProcessTransport


class Lost(Exception):
    """What an app raises to lose its answer (the simulator's "lost response" fault)."""


def make_app(client: list[httpx.Client]) -> Starlette:
    async def thread(_: Request) -> Response:
        return JSONResponse({"thread": threading.get_ident()})

    def call_back(_: Request) -> Response:
        # A sync endpoint runs in a worker thread, as the simulator's do; it calls the app
        # back through the same client, as an IPN receiver fetching a certificate would.
        inner = client[0].get("http://app.test/thread").json()
        return JSONResponse({"inner": inner["thread"]})

    async def lost(_: Request) -> Response:
        raise Lost

    routes = [Route("/thread", thread), Route("/call-back", call_back), Route("/lost", lost)]
    return Starlette(routes=routes)


@pytest.fixture
def http() -> httpx.Client:
    holder: list[httpx.Client] = []
    client = httpx.Client(transport=InProcessTransport(make_app(holder)))
    holder.append(client)
    with client:
        yield client


def test_a_request_from_plain_code_is_answered_on_the_callers_thread(http):
    answers = [http.get("http://app.test/thread").json()["thread"] for _ in range(3)]

    assert answers == [threading.get_ident()] * 3


def test_a_request_from_inside_a_running_event_loop_is_answered_on_another_thread(http):
    async def ask() -> int:
        return int(http.get("http://app.test/thread").json()["thread"])

    answered_on = asyncio.run(ask())

    assert answered_on != threading.get_ident()


def test_an_app_may_call_itself_back_through_the_same_transport(http):
    answer = http.get("http://app.test/call-back")

    assert answer.status_code == 200
    assert answer.json()["inner"] != threading.get_ident()


def test_what_the_app_raises_reaches_the_caller(http):
    with pytest.raises(Lost):
        http.get("http://app.test/lost")

    assert http.get("http://app.test/thread").status_code == 200  # and the next one is answered


def test_a_closed_transport_answers_a_later_request_on_a_new_loop():
    transport = InProcessTransport(make_app([]))
    client = httpx.Client(transport=transport)
    client.get("http://app.test/thread")
    transport.close()

    assert client.get("http://app.test/thread").status_code == 200
    client.close()
