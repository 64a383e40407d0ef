"""The gateway contract runs every test against both Amazons (``amazon_sides``)."""

from __future__ import annotations

import pytest

from integration.amazonpay.amazon_sides import AmazonSide, FakeSide, SimulatorSide


@pytest.fixture(params=["fake", "simulator"])
def amazon(request: pytest.FixtureRequest) -> AmazonSide:
    return FakeSide() if request.param == "fake" else SimulatorSide()


@pytest.fixture
def simulated() -> SimulatorSide:
    return SimulatorSide()
