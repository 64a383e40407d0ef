"""Choosing the API v2 gateway in the settings: it needs both halves of the credentials, a
key file that reads and an endpoint URL that is a URL, and says which setting is wrong."""

from __future__ import annotations

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from amzpay.amazonpay.calllog import InMemoryCallLog
from amzpay.amazonpay.v2.gateway import V2Gateway
from amzpay.bootstrap import amazon_configured, utc_now, v2_gateway
from amzpay.config import SettingsError, load_settings


@pytest.fixture(scope="module")
def pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def v2_settings(**variables: str):
    return load_settings({f"AMZPAY_AMAZON_V2__{k.upper()}": v for k, v in variables.items()})


def build_gateway(**variables: str) -> V2Gateway:
    settings = v2_settings(**variables).amazon_v2
    return v2_gateway(settings, httpx.Client(), utc_now, InMemoryCallLog())


@pytest.mark.parametrize("missing", ["public_key_id", "private_key_file"])
def test_enabling_v2_without_both_halves_of_the_credentials_is_refused(tmp_path, pem, missing):
    key_file = tmp_path / "private.pem"
    key_file.write_bytes(pem)
    given = {"enabled": "true", "public_key_id": "SANDBOX-AKEY", "private_key_file": str(key_file)}
    del given[missing]

    with pytest.raises(SettingsError) as refused:
        v2_settings(**given)

    assert "public_key_id and private_key_file" in str(refused.value)


def test_v2_settings_name_the_endpoint_to_call(tmp_path, pem):
    key_file = tmp_path / "private.pem"
    key_file.write_bytes(pem)

    settings = v2_settings(
        enabled="true",
        public_key_id="SANDBOX-AKEY",
        private_key_file=str(key_file),
        endpoint_url="http://127.0.0.1:8900",
    ).amazon_v2

    assert (settings.enabled, settings.endpoint_url) == (True, "http://127.0.0.1:8900")


def test_a_key_file_that_does_not_read_is_a_settings_error_naming_the_setting(tmp_path):
    key_file = tmp_path / "private.pem"
    key_file.write_text("not a key")

    with pytest.raises(SettingsError) as refused:
        build_gateway(enabled="true", public_key_id="SANDBOX-AKEY", private_key_file=str(key_file))

    assert "AMZPAY_AMAZON_V2__PRIVATE_KEY_FILE" in str(refused.value)
    assert "not a key" not in str(refused.value)


def test_an_endpoint_url_that_is_no_url_is_a_settings_error_naming_the_setting(tmp_path, pem):
    key_file = tmp_path / "private.pem"
    key_file.write_bytes(pem)

    with pytest.raises(SettingsError) as refused:
        build_gateway(
            enabled="true",
            public_key_id="SANDBOX-AKEY",
            private_key_file=str(key_file),
            endpoint_url="127.0.0.1:8900",
        )

    assert "AMZPAY_AMAZON_V2__ENDPOINT_URL" in str(refused.value)


def test_with_a_readable_key_the_v2_gateway_is_built(tmp_path, pem):
    key_file = tmp_path / "private.pem"
    key_file.write_bytes(pem)

    gateway = build_gateway(
        enabled="true", public_key_id="SANDBOX-AKEY", private_key_file=str(key_file)
    )

    assert isinstance(gateway, V2Gateway)


def test_with_v2_enabled_amzpay_counts_as_configured_without_legacy_credentials(tmp_path, pem):
    key_file = tmp_path / "private.pem"
    key_file.write_bytes(pem)
    given = {"public_key_id": "SANDBOX-AKEY", "private_key_file": str(key_file)}

    assert amazon_configured(v2_settings(enabled="true", **given))
    assert not amazon_configured(v2_settings(**given))
