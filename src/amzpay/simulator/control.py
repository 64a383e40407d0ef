"""The control API, beside Amazon's paths under ``/_sim``: what a test or demo needs to play
buyer, move time, inject faults and look at what happened. JSON in, JSON out.

Also serves the SNS signing certificate at the SigningCertURL of every IPN.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from .buyers import SANDBOX_PASSWORD, sandbox_buyer
from .checkout import WidgetError
from .clock import OffsetClock, amazon_timestamp
from .core import Simulator
from .logins import TOKEN_LIFETIME


def routes() -> list[Route]:
    return [
        Route("/_sim/sns/{name}", _certificate, methods=["GET"]),
        Route("/_sim/order-references", _create_order_reference, methods=["POST"]),
        Route(
            "/_sim/order-references/{order_id}/payment-method",
            _change_payment_method,
            methods=["POST"],
        ),
        Route("/_sim/sign-in", _sign_in, methods=["POST"]),
        Route("/_sim/clock", _clock, methods=["GET"]),
        Route("/_sim/clock/advance", _advance, methods=["POST"]),
        Route("/_sim/settle", _settle, methods=["POST"]),
        Route("/_sim/faults", _faults, methods=["GET", "POST", "DELETE"]),
        Route("/_sim/ipns", _ipns, methods=["GET"]),
        Route("/_sim/calls", _calls, methods=["GET"]),
        Route("/_sim/sellers/{seller_id}/ipn-url", _ipn_url, methods=["PUT"]),
    ]


def _sim(request: Request) -> Simulator:
    simulator: Simulator = request.app.state.simulator
    return simulator


async def _json(request: Request) -> dict[str, Any]:
    body = await request.body()
    if not body:
        return {}
    data = await request.json()
    if not isinstance(data, dict):
        raise ValueError("the body must be a JSON object")
    return data


def _certificate(request: Request) -> Response:
    simulator = _sim(request)
    name = request.path_params["name"]
    if name == "unsubscribe":
        return PlainTextResponse("unsubscribed (the simulator keeps sending)")
    if name != simulator.signing_key.certificate_name:
        return PlainTextResponse("no such certificate", 404)
    return Response(simulator.signing_key.certificate_pem, media_type="application/x-pem-file")


async def _create_order_reference(request: Request) -> Response:
    simulator, data = _sim(request), await _json(request)
    try:
        buyer = sandbox_buyer(**{k: str(v) for k, v in data.items() if k not in _NOT_BUYER})
        order_id = simulator.create_order_reference(
            buyer,
            seller_id=data.get("seller_id"),
            sandbox=data.get("environment", "sandbox") == "sandbox",
        )
    except (KeyError, ValueError, TypeError) as error:
        return JSONResponse({"error": str(error)}, 400)
    return JSONResponse({"AmazonOrderReferenceId": order_id}, 201)


_NOT_BUYER = frozenset({"seller_id", "environment"})


async def _change_payment_method(request: Request) -> Response:
    simulator, order_id = _sim(request), request.path_params["order_id"]
    try:
        method = (await _json(request)).get("payment_method")
        if not isinstance(method, str):
            raise ValueError("payment_method (a string) is required")
        simulator.change_payment_method(order_id, method)
    except KeyError:
        return JSONResponse({"error": f"unknown order reference {order_id}"}, 404)
    except ValueError as error:
        return JSONResponse({"error": str(error)}, 400)
    return JSONResponse({"AmazonOrderReferenceId": order_id, "payment_method": method})


async def _sign_in(request: Request) -> Response:
    """A buyer's sign-in without the page: the access token (address consent token) a
    sandbox test account gets, for shops driving the simulator without a browser."""
    simulator = _sim(request)
    try:
        data = await _json(request)
        seller_id = data.get("seller_id")
        token = simulator.sign_in(
            str(data.get("email", "")),
            password=str(data.get("password", SANDBOX_PASSWORD)),
            seller_id=None if seller_id is None else str(seller_id),
        )
    except KeyError as error:
        return JSONResponse({"error": str(error.args[0])}, 404)
    except WidgetError as error:
        return JSONResponse({"error": error.message, "code": error.code}, error.status)
    except ValueError as error:
        return JSONResponse({"error": str(error)}, 400)
    lifetime = int(TOKEN_LIFETIME.total_seconds())
    return JSONResponse({"access_token": token, "token_type": "bearer", "expires_in": lifetime})


def _clock(request: Request) -> Response:
    clock = _sim(request).clock
    shown: dict[str, object] = {"now": amazon_timestamp(clock.now())}
    if isinstance(clock, OffsetClock):
        shown["offset_seconds"] = clock.offset.total_seconds()
    return JSONResponse(shown)


async def _advance(request: Request) -> Response:
    simulator = _sim(request)
    if not simulator.can_advance:
        return JSONResponse({"error": "this simulator runs on the bare real clock"}, 409)
    try:
        data = await _json(request)
        seconds = float(data.get("seconds", request.query_params.get("seconds", "0")))
    except (TypeError, ValueError):
        return JSONResponse({"error": "seconds must be a number"}, 400)
    if not 0 <= seconds < _LONGEST_ADVANCE:
        return JSONResponse({"error": "seconds must be from 0 to 10 years"}, 400)
    # IPN senders may block: run the delivery in a worker thread, not on the event loop.
    await anyio.to_thread.run_sync(simulator.advance, seconds)
    return _clock(request)


_LONGEST_ADVANCE = 10 * 366 * 86400.0  # NaN and infinity fail the range check as well


async def _settle(request: Request) -> Response:
    await anyio.to_thread.run_sync(_sim(request).settle_due)
    return _clock(request)


async def _faults(request: Request) -> Response:
    faults = _sim(request).faults
    if request.method == "DELETE":
        faults.update(type(faults)().as_dict())
    elif request.method == "POST":
        try:
            faults.update(await _json(request))
        except ValueError as error:
            return JSONResponse({"error": str(error)}, 400)
    return JSONResponse(faults.as_dict())


def _ipns(request: Request) -> Response:
    simulator = _sim(request)
    with simulator.lock:
        log = [
            {
                "MessageId": d.ipn.message_id,
                "NotificationType": d.ipn.notification_type,
                "ObjectId": d.ipn.object_id,
                "State": d.ipn.state,
                "url": d.url,
                "final": d.final,
                "attempts": [
                    {"at": amazon_timestamp(a.at), "status": a.status, "outcome": a.outcome}
                    for a in d.attempts
                ],
            }
            for d in simulator.outbox.log
        ]
    return JSONResponse(log)


def _calls(request: Request) -> Response:
    simulator = _sim(request)
    with simulator.lock:
        calls = [{**asdict(c), "at": amazon_timestamp(c.at)} for c in simulator.calls]
    return JSONResponse(calls)


async def _ipn_url(request: Request) -> Response:
    simulator, data = _sim(request), await _json(request)
    seller_id = request.path_params["seller_id"]
    if seller_id not in simulator.ipn_urls:
        return JSONResponse({"error": f"unknown seller {seller_id}"}, 404)
    simulator.ipn_urls[seller_id] = data.get("url")
    return JSONResponse({"seller_id": seller_id, "url": data.get("url")})
