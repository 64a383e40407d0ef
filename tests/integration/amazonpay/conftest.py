"""The gateway contract runs every test against each Amazon (``amazon_sides``): the fake,
the legacy API's simulator and API v2's simulator; what only the legacy API has runs against
the first two."""

from __future__ import annotations

import pytest

from integration.amazonpay.amazon_sides import AmazonSide, FakeSide, SimulatorSide
from integration.amazonpay.v2_side import V2SimulatorSide


@pytest.fixture(params=["fake", "simulator", "v2 simulator"])
def amazon(request: pytest.FixtureRequest) -> AmazonSide:
    if request.param == "v2 simulator":
        return V2SimulatorSide()
    return FakeSide() if request.param == "fake" else SimulatorSide()


@pytest.fixture(params=["fake", "simulator"])
def legacy_amazon(request: pytest.FixtureRequest) -> AmazonSide:
    return FakeSide() if request.param == "fake" else SimulatorSide()


@pytest.fixture
def simulated() -> SimulatorSide:
    return SimulatorSide()


@pytest.fixture(params=["simulator", "v2 simulator"])
def simulated_amazon(request: pytest.FixtureRequest) -> SimulatorSide | V2SimulatorSide:
    return V2SimulatorSide() if request.param == "v2 simulator" else SimulatorSide()
