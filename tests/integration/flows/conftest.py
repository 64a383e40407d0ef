"""Fixtures: amzpay built by ``bootstrap.build`` on each database, with the fake Amazon or,
end to end (``e2e``; ``v2`` on Amazon Pay API v2), the real gateway in front of the
simulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from v2shop import V2Shop, v2_shop

from amzpay.mail.sink import SmtpSink
from fixtures_store import (  # noqa: F401 - fixtures
    database_url,
    postgres_server,
    postgres_template,
    postgres_url,
    sqlite_url,
)
from shop import SELLER, SIMULATOR_HOST, FakeShop, Shop, SimulatedAmazon, make_shop, shop_on


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as running:
        yield running


@pytest.fixture
def shop(request: pytest.FixtureRequest) -> Iterator[FakeShop]:
    """amzpay on the in-memory store with the fake Amazon: the services' behaviour, no
    database (the store's behaviour is its contract suite's, end to end is ``e2e``'s); its
    mails go to the SMTP sink when the test asks for ``sink`` too."""
    sink = request.getfixturevalue("sink") if "sink" in request.fixturenames else None
    made = make_shop(None, sink)
    try:
        yield made
    finally:
        made.app.close()


@pytest.fixture
def simulated() -> Iterator[SimulatedAmazon]:
    amazon = SimulatedAmazon()
    try:
        yield amazon
    finally:
        amazon.close()


@pytest.fixture
def sim_shop(
    database_url: str,  # noqa: F811 - the fixture of that name
    sink: SmtpSink,
    simulated: SimulatedAmazon,
) -> Iterator[FakeShop]:
    """A shop that accepts the simulator's IPNs (sandbox, its certificate host trusted)."""
    environ = {
        "AMZPAY_AMAZON__SELLER_ID": SELLER.seller_id,
        "AMZPAY_AMAZON__SIMULATOR_HOST": SIMULATOR_HOST,
    }
    made = make_shop(database_url, sink, environ, simulated.certificates)
    simulated.receiver = made.app.ipn
    try:
        yield made
    finally:
        made.app.close()


@pytest.fixture
def e2e(database_url: str, sink: SmtpSink) -> Iterator[Shop]:  # noqa: F811
    """amzpay with the real gateway (MwsGateway) in front of the in-process simulator."""
    with shop_on(database_url, sink) as made:
        yield made


@pytest.fixture
def v2(database_url: str, sink: SmtpSink, tmp_path) -> Iterator[V2Shop]:  # noqa: F811
    """amzpay on Amazon Pay API v2 (V2Gateway) in front of the in-process simulator."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # staff log in quickly
    with v2_shop(database_url, tmp_path, sink, password_hasher=cheap) as made:
        yield made
