"""How the v2 checkout is wired: the button's settings from the shop's settings, and in
sandbox-simulator mode the sandbox's v2 key, whose public half the simulator registers."""

from __future__ import annotations

import stat

from cryptography.hazmat.primitives import serialization

from amzpay.amazonpay.v2.keys import read_private_key
from amzpay.bootstrap import v2_button_settings
from amzpay.cli.sandbox import SandboxSimulator, sandbox_settings, sandbox_v2_key
from amzpay.config import Settings
from amzpay.simulator import simulator_of


def test_the_button_defaults_to_amazons_script_the_login_client_and_the_regions_currency():
    settings = Settings.load(
        {
            "AMZPAY_AMAZON__SELLER_ID": "A1SHOP",
            "AMZPAY_AMAZON__CLIENT_ID": "amzn1.application-oa2-client.shop",
            "AMZPAY_AMAZON__REGION": "uk",
        }
    )

    button = v2_button_settings(settings)

    assert button.checkout_js_url == "https://static-eu.payments-amazon.com/checkout.js"
    assert button.store_id == "amzn1.application-oa2-client.shop"
    assert (button.merchant_id, button.ledger_currency, button.sandbox) == ("A1SHOP", "GBP", True)


def test_a_configured_store_and_script_are_the_buttons():
    settings = Settings.load(
        {
            "AMZPAY_AMAZON_V2__STORE_ID": "amzn1.store",
            "AMZPAY_AMAZON_V2__CHECKOUT_JS_URL": "http://127.0.0.1:8000/simulator/checkout.js",
        }
    )

    button = v2_button_settings(settings)

    assert (button.store_id, button.checkout_js_url) == (
        "amzn1.store",
        "http://127.0.0.1:8000/simulator/checkout.js",
    )


def test_simulator_mode_points_the_checkout_at_the_simulator_with_a_key_it_registers():
    url = "http://127.0.0.1:8123"
    settings = sandbox_settings(Settings.load({}), url)
    v2 = settings.amazon_v2
    assert v2.private_key_file is not None
    sandbox = SandboxSimulator.for_server(settings, url)
    seller = simulator_of(sandbox.app).config.sellers[0]
    public = (
        read_private_key(v2.private_key_file)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )

    assert v2.public_key_id.startswith("SANDBOX-")
    assert (v2.endpoint_url, v2.checkout_js_url) == (
        f"{url}/simulator",
        f"{url}/simulator/checkout.js",
    )
    assert seller.public_key_id == v2.public_key_id
    assert seller.public_key_pem == public.decode()


def test_the_sandbox_key_is_made_once_in_a_file_of_the_owners_alone(tmp_path):
    key_id, made = sandbox_v2_key(Settings.load({}), tmp_path / "sandbox")

    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert stat.S_IMODE(made.parent.stat().st_mode) == 0o700
    assert sandbox_v2_key(Settings.load({}), tmp_path / "sandbox") == (key_id, made)


def test_a_configured_v2_key_is_kept(tmp_path):
    key = tmp_path / "key.pem"
    key.write_text("not read here")
    settings = Settings.load(
        {
            "AMZPAY_AMAZON_V2__PUBLIC_KEY_ID": "SANDBOX-AMINE",
            "AMZPAY_AMAZON_V2__PRIVATE_KEY_FILE": str(key),
        }
    )

    assert sandbox_v2_key(settings) == ("SANDBOX-AMINE", key)
