from __future__ import annotations

import httpx

from amzpay.amazonpay.gateway import PaymentState
from amzpay.amazonpay.mws.gateway import MwsGateway
from amzpay.amazonpay.unavailable import UnavailableGateway
from amzpay.bootstrap import build
from amzpay.config import Settings
from amzpay.domain.money import Money
from amzpay.simulator import (
    InProcessTransport,
    ManualClock,
    Seller,
    SimulatorConfig,
    create_simulator,
    simulator_of,
)
from amzpay.store.migrate import head_revision


def test_built_with_no_configuration_amzpay_waits_for_an_amazon_client(sqlite_url):
    app = build(Settings.load({"AMZPAY_DATABASE_URL": sqlite_url}))
    try:
        assert isinstance(app.gateway, UnavailableGateway)
        assert app.outbox.mailer is None
        assert app.database.revision() == head_revision()
    finally:
        app.close()


def test_a_worker_built_by_bootstrap_has_nothing_to_do_on_an_empty_database(sqlite_url):
    app = build(Settings.load({"AMZPAY_DATABASE_URL": sqlite_url}))
    try:
        done = app.worker("empty").run_once()
    finally:
        app.close()

    assert not done.busy


def test_with_amazon_credentials_bootstrap_builds_the_legacy_gateway(sqlite_url):
    settings = Settings.load(
        {
            "AMZPAY_DATABASE_URL": sqlite_url,
            "AMZPAY_AMAZON__SELLER_ID": "A1SELLER",
            "AMZPAY_AMAZON__ACCESS_KEY_ID": "AKIAEXAMPLE",
            "AMZPAY_AMAZON__SECRET_KEY": "secret",
            "AMZPAY_AMAZON__REGION": "uk",
        }
    )

    app = build(settings)
    try:
        assert isinstance(app.gateway, MwsGateway)
    finally:
        app.close()


def test_the_configured_gateway_talks_to_the_endpoint_the_settings_name(sqlite_url):
    # The settings point at the local simulator, reached through the injected HTTP client's
    # transport: what bootstrap builds from settings alone confirms an order at "Amazon".
    clock = ManualClock()
    seller = Seller(seller_id="A1SELLER", access_key_id="AKIAEXAMPLE", secret_key="secret")
    simulator = create_simulator(
        SimulatorConfig(sellers=(seller,), public_url="https://sim.test"), clock=clock
    )
    buyer = simulator_of(simulator).create_order_reference(payment_method="visa")
    settings = Settings.load(
        {
            "AMZPAY_DATABASE_URL": sqlite_url,
            "AMZPAY_AMAZON__SELLER_ID": seller.seller_id,
            "AMZPAY_AMAZON__ACCESS_KEY_ID": seller.access_key_id,
            "AMZPAY_AMAZON__SECRET_KEY": seller.secret_key,
            "AMZPAY_AMAZON__ENDPOINT_URL": "https://sim.test/OffAmazonPayments_Sandbox/2013-01-01",
        }
    )
    http = httpx.Client(transport=InProcessTransport(simulator))

    app = build(settings, http=http, clock=clock.now)
    try:
        details = app.gateway.set_order_reference_details(buyer, Money(1990, "EUR"), "DE--1001")
        app.gateway.confirm_order_reference(buyer)
        confirmed = app.gateway.order_reference_details(buyer)
    finally:
        app.close()
        http.close()

    assert details.state is PaymentState.DRAFT
    assert confirmed.state is PaymentState.OPEN
    assert confirmed.amount == Money(1990, "EUR")
