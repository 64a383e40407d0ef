"""Bootstrap builds the API v2 gateway from the v2 settings: with ``amazon_v2.enabled`` and
``amazon_v2.endpoint_url`` naming the local simulator, the gateway it builds from settings
alone signs with the key file and reads a buyer's charge permission."""

from __future__ import annotations

import httpx
from cryptography.hazmat.primitives import serialization

from amzpay.amazonpay.gateway import ObjectKind, PaymentState
from amzpay.amazonpay.v2.gateway import V2Gateway
from amzpay.bootstrap import build
from amzpay.config import Settings
from amzpay.domain.money import Money
from amzpay.simulator import (
    InProcessTransport,
    ManualClock,
    SimulatorConfig,
    create_simulator,
)
from integration.simulator.v2kit import KEY, SANDBOX_SELLER, Checkout, Pay

SIMULATOR_URL = "https://sim.test"


def test_with_v2_enabled_bootstrap_builds_the_v2_gateway_for_the_endpoint_named(
    sqlite_url, tmp_path
):
    key_file = tmp_path / "private.pem"
    key_file.write_bytes(
        KEY.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    clock = ManualClock()
    simulator = create_simulator(
        SimulatorConfig(sellers=(SANDBOX_SELLER,), public_url=SIMULATOR_URL), clock=clock
    )
    http = httpx.Client(transport=InProcessTransport(simulator), base_url=SIMULATOR_URL)
    session = Checkout(Pay(http, clock)).completed(amount="19.90", paymentIntent="Confirm")
    settings = Settings.load(
        {
            "AMZPAY_DATABASE_URL": sqlite_url,
            "AMZPAY_AMAZON_V2__ENABLED": "true",
            "AMZPAY_AMAZON_V2__PUBLIC_KEY_ID": str(SANDBOX_SELLER.public_key_id),
            "AMZPAY_AMAZON_V2__PRIVATE_KEY_FILE": str(key_file),
            "AMZPAY_AMAZON_V2__ENDPOINT_URL": SIMULATOR_URL,
        }
    )

    app = build(settings, http=http, clock=clock.now)
    try:
        permission = app.gateway.order_reference_details(session["chargePermissionId"])
    finally:
        app.close()
        http.close()

    assert isinstance(app.gateway, V2Gateway)
    assert (permission.kind, permission.state, permission.amount) == (
        ObjectKind.ORDER_REFERENCE,
        PaymentState.OPEN,
        Money(1990, "EUR"),
    )
