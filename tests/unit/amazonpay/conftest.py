"""Fixtures for the Amazon Pay client tests (the doubles are in amazonpay_fakes.py)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from amazonpay_fakes import CREDENTIALS, FakeAmazon, FakeClock, make_pacing

from amzpay.amazonpay.calllog import InMemoryCallLog
from amzpay.amazonpay.mws.client import MwsClient
from amzpay.amazonpay.mws.regions import Endpoint, Environment, Region


@pytest.fixture
def amazon() -> FakeAmazon:
    return FakeAmazon()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def call_log() -> InMemoryCallLog:
    return InMemoryCallLog()


@pytest.fixture
def client(amazon: FakeAmazon, clock: FakeClock, call_log: InMemoryCallLog) -> Iterator[MwsClient]:
    with httpx.Client(transport=httpx.MockTransport(amazon)) as http:
        yield MwsClient(
            http,
            Endpoint.of(Region.EU, Environment.SANDBOX),
            CREDENTIALS,
            pacing=make_pacing(clock),
            call_log=call_log,
        )
