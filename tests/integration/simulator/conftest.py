"""Fixtures: a simulator on a manual clock, in-process, with an inbox for its IPNs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from simkit import HOST, SELLER, Amazon, Inbox, Shop, Sleeps
from starlette.applications import Starlette
from v2kit import V2_HOST, V2_SELLERS, Checkout, Pay

from amzpay.simulator import (
    InProcessTransport,
    ManualClock,
    Simulator,
    SimulatorConfig,
    create_simulator,
    simulator_of,
)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 3, 2, 10, 0, 0, tzinfo=UTC))


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
def config() -> SimulatorConfig:
    return SimulatorConfig(sellers=(SELLER,), public_url="http://sim.test", seed=7)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def app(config: SimulatorConfig, clock: ManualClock, inbox: Inbox, sleeps: Sleeps) -> Starlette:
    return create_simulator(config, clock=clock, sender=inbox, sleep=sleeps)


@pytest.fixture
def sim(app: Starlette) -> Simulator:
    return simulator_of(app)


@pytest.fixture
def http(app: Starlette) -> Iterator[httpx.Client]:
    transport = InProcessTransport(app)
    with httpx.Client(transport=transport, base_url=f"https://{HOST}") as client:
        yield client


@pytest.fixture
def amazon(http: httpx.Client, clock: ManualClock) -> Amazon:
    return Amazon(http, clock)


@pytest.fixture
def shop(amazon: Amazon, sim: Simulator) -> Shop:
    return Shop(amazon, sim)


@pytest.fixture
def v2_config() -> SimulatorConfig:
    return SimulatorConfig(sellers=V2_SELLERS, public_url="http://sim.test", seed=11)


@pytest.fixture
def v2_app(
    v2_config: SimulatorConfig, clock: ManualClock, inbox: Inbox, sleeps: Sleeps
) -> Starlette:
    return create_simulator(v2_config, clock=clock, sender=inbox, sleep=sleeps)


@pytest.fixture
def v2_sim(v2_app: Starlette) -> Simulator:
    return simulator_of(v2_app)


@pytest.fixture
def v2_http(v2_app: Starlette) -> Iterator[httpx.Client]:
    transport = InProcessTransport(v2_app)
    with httpx.Client(transport=transport, base_url=f"https://{V2_HOST}") as client:
        yield client


@pytest.fixture
def pay(v2_http: httpx.Client, clock: ManualClock) -> Pay:
    return Pay(v2_http, clock)


@pytest.fixture
def checkout(pay: Pay) -> Checkout:
    return Checkout(pay)
