"""``create_simulator``: the simulator as a Starlette ASGI app, built on demand.

Mount it in-process (``httpx.ASGITransport(app)``) or serve it with uvicorn
(``amzpay simulator``). With ``background=True`` the app's lifespan settles due work and
IPNs every ``tick_seconds`` on its own, which a real-time server needs; in-process tests
move a ManualClock instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import anyio.to_thread
from starlette.applications import Starlette

from . import api, control, widgets
from .clock import Clock
from .config import SimulatorConfig
from .core import Simulator, Sleep
from .delivery import Sender
from .v2 import api as v2_api, control as v2_control, hosted as v2_hosted


def create_simulator(
    config: SimulatorConfig | None = None,
    *,
    clock: Clock | None = None,
    sender: Sender | None = None,
    sleep: Sleep | None = None,
    background: bool = False,
    tick_seconds: float = 0.2,
) -> Starlette:
    """A fresh simulator's ASGI app; the Simulator is ``app.state.simulator``."""
    simulator = Simulator(config, clock=clock, sender=sender, sleep=sleep)
    return simulator_app(simulator, background=background, tick_seconds=tick_seconds)


def simulator_app(
    simulator: Simulator, *, background: bool = False, tick_seconds: float = 0.2
) -> Starlette:
    """The ASGI app in front of an existing ``simulator``."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with anyio.create_task_group() as tasks:
            if background:
                tasks.start_soon(_tick, simulator, tick_seconds)
            yield
            tasks.cancel_scope.cancel()

    app = Starlette(
        routes=[
            *api.routes(),
            *v2_api.routes(),
            *control.routes(),
            *v2_control.routes(),
            *v2_hosted.routes(),
            *widgets.routes(),
        ],
        lifespan=lifespan,
    )
    app.state.simulator = simulator
    return app


def simulator_of(app: Starlette) -> Simulator:
    """The Simulator behind an app made by ``create_simulator``."""
    simulator: Simulator = app.state.simulator
    return simulator


async def _tick(simulator: Simulator, seconds: float) -> None:
    while True:
        await anyio.to_thread.run_sync(simulator.settle_due)
        await anyio.sleep(seconds)
