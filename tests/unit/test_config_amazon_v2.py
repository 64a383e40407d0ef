"""API v2 settings and what ``amzpay config check`` says of them: both halves of the
credentials, a key file that reads as an RSA private key, the key id's environment against
the sandbox setting, and never the key itself."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from amzpay.cli.checks import Level, check_amazon_v2
from amzpay.config import SettingsError, load_settings


@pytest.fixture(scope="module")
def pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@pytest.fixture
def key_file(tmp_path, pem):
    path = tmp_path / "private.pem"
    path.write_bytes(pem)
    path.chmod(0o600)
    return path


def findings(**variables: str):
    settings = load_settings({f"AMZPAY_AMAZON_V2__{k.upper()}": v for k, v in variables.items()})
    return [(f.level, f.message) for f in check_amazon_v2(settings)]


def test_v2_settings_come_from_the_environment(key_file):
    settings = load_settings(
        {
            "AMZPAY_AMAZON_V2__PUBLIC_KEY_ID": "LIVE-AKEY",
            "AMZPAY_AMAZON_V2__PRIVATE_KEY_FILE": str(key_file),
            "AMZPAY_AMAZON_V2__REGION": "jp",
            "AMZPAY_AMAZON_V2__SANDBOX": "false",
        }
    ).amazon_v2

    assert (settings.public_key_id, settings.private_key_file) == ("LIVE-AKEY", key_file)
    assert (settings.region, settings.sandbox) == ("jp", False)


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        (
            "AMZPAY_AMAZON_V2__PRIVATE_KEY",
            "x",
            "AMZPAY_AMAZON_V2__PRIVATE_KEY: not a setting amzpay knows",
        ),
        (
            "AMZPAY_AMAZON_V2__REGION",
            "uk",
            "AMZPAY_AMAZON_V2__REGION: Input should be 'na', 'eu' or 'jp'",
        ),
        (
            "AMZPAY_AMAZON_V2__SANDBOX",
            "perhaps",
            "AMZPAY_AMAZON_V2__SANDBOX: Input should be a valid boolean",
        ),
    ],
)
def test_a_v2_setting_that_does_not_fit_is_refused_in_one_line(name, value, problem):
    with pytest.raises(SettingsError) as refused:
        load_settings({name: value})

    assert refused.value.problems[0].startswith(problem)


def test_no_v2_credentials_is_fine_and_said():
    assert findings() == [
        (Level.OK, "no API v2 credentials: Amazon Pay calls use the legacy API only")
    ]


def test_a_good_sandbox_key_passes(key_file):
    assert findings(public_key_id="SANDBOX-AKEY", private_key_file=str(key_file)) == [
        (Level.OK, "the private key file reads as an RSA private key (2048 bits)"),
        (Level.OK, "public key id SANDBOX-AKEY (region EU, sandbox)"),
    ]


def test_a_live_key_id_with_sandbox_settings_is_an_error(key_file):
    found = findings(public_key_id="LIVE-AKEY", private_key_file=str(key_file))

    assert found[1] == (
        Level.ERROR,
        "public key id LIVE-AKEY is a live key but AMZPAY_AMAZON_V2__SANDBOX says sandbox: "
        "Amazon refuses every call",
    )


def test_a_sandbox_key_id_with_live_settings_is_an_error(key_file):
    found = findings(public_key_id="SANDBOX-AKEY", private_key_file=str(key_file), sandbox="false")

    assert found[1][0] is Level.ERROR
    assert "is a sandbox key but AMZPAY_AMAZON_V2__SANDBOX says live" in found[1][1]


def test_a_key_id_without_environment_goes_to_the_configured_path(key_file):
    found = findings(
        public_key_id="AKEY", private_key_file=str(key_file), sandbox="false", region="na"
    )

    assert found[1] == (
        Level.OK,
        "public key id AKEY names no environment: calls go to /live/v2 (region NA, LIVE (real money))",
    )


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ({"public_key_id": "SANDBOX-AKEY"}, "PRIVATE_KEY_FILE"),
        ({"private_key_file": "/k.pem"}, "PUBLIC_KEY_ID"),
    ],
)
def test_half_the_credentials_is_an_error_naming_the_other_half(given, missing):
    assert findings(**given) == [
        (Level.ERROR, f"AMZPAY_AMAZON_V2__{missing} is missing: API v2 needs both")
    ]


def test_a_missing_key_file_is_an_error_naming_it(tmp_path):
    found = findings(public_key_id="SANDBOX-AKEY", private_key_file=str(tmp_path / "gone.pem"))

    assert found[0] == (
        Level.ERROR,
        f"AMZPAY_AMAZON_V2__PRIVATE_KEY_FILE: private key file {tmp_path / 'gone.pem'} does not exist",
    )


def test_a_file_that_is_no_private_key_is_an_error_and_its_content_is_not_shown(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("SECRET-LOOKING-CONTENT\n")

    found = findings(public_key_id="SANDBOX-AKEY", private_key_file=str(path))

    assert found[0][0] is Level.ERROR
    assert "does not hold a PEM or DER private key" in found[0][1]
    assert "SECRET-LOOKING-CONTENT" not in repr(found)


def test_a_key_file_others_may_read_is_a_warning(key_file):
    key_file.chmod(0o644)

    found = findings(public_key_id="SANDBOX-AKEY", private_key_file=str(key_file))

    assert (Level.WARNING, f"{key_file} may be read by other users (chmod 600 it)") in found


def test_the_key_is_never_in_a_finding(key_file, pem):
    found = findings(public_key_id="SANDBOX-AKEY", private_key_file=str(key_file))

    body = pem.decode().splitlines()[1:-1]
    assert not any(line in message for line in body for _, message in found)
