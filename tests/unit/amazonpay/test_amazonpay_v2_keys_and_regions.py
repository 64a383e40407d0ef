"""The merchant's private key file, read and checked; the v2 endpoints per region and per
the public key id's environment."""

from __future__ import annotations

import pytest
from amazonpay_v2_fakes import private_key
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from amzpay.amazonpay.v2.keys import KeyFileError, read_private_key
from amzpay.amazonpay.v2.regions import Endpoint, Environment, Region, key_environment

PKCS8 = serialization.PrivateFormat.PKCS8
TRADITIONAL = serialization.PrivateFormat.TraditionalOpenSSL


def key_bytes(encoding=serialization.Encoding.PEM, form=PKCS8, password=None) -> bytes:
    protection = (
        serialization.NoEncryption()
        if password is None
        else serialization.BestAvailableEncryption(password)
    )
    return private_key().private_bytes(encoding, form, protection)


@pytest.mark.parametrize(
    ("encoding", "form"),
    [
        (serialization.Encoding.PEM, PKCS8),
        (serialization.Encoding.PEM, TRADITIONAL),
        (serialization.Encoding.DER, PKCS8),
    ],
    ids=["pem-pkcs8", "pem-rsa", "der"],
)
def test_an_rsa_private_key_file_reads_as_the_key(tmp_path, encoding, form):
    path = tmp_path / "private.pem"
    path.write_bytes(key_bytes(encoding, form))

    key = read_private_key(path)

    assert key.private_numbers() == private_key().private_numbers()


def test_a_missing_key_file_is_named(tmp_path):
    with pytest.raises(KeyFileError, match=r"private key file .*absent.pem does not exist"):
        read_private_key(tmp_path / "absent.pem")


def test_a_folder_is_not_a_key_file(tmp_path):
    with pytest.raises(KeyFileError, match="cannot be read"):
        read_private_key(tmp_path)


def test_a_public_key_is_not_a_private_key_and_its_content_is_not_shown(tmp_path):
    public = (
        private_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    path = tmp_path / "public.pem"
    path.write_bytes(public)

    with pytest.raises(KeyFileError, match="does not hold a PEM or DER private key") as wrong:
        read_private_key(path)

    assert public.decode().splitlines()[1] not in str(wrong.value)


def test_an_encrypted_key_is_refused_with_the_reason(tmp_path):
    path = tmp_path / "private.pem"
    path.write_bytes(key_bytes(password=b"secret"))

    with pytest.raises(KeyFileError, match="encrypted"):
        read_private_key(path)


def test_a_key_that_is_not_rsa_is_refused(tmp_path):
    path = tmp_path / "ec.pem"
    path.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, PKCS8, serialization.NoEncryption()
        )
    )

    with pytest.raises(KeyFileError, match="not RSA"):
        read_private_key(path)


@pytest.mark.parametrize(
    ("region", "host"),
    [
        (Region.NA, "pay-api.amazon.com"),
        (Region.EU, "pay-api.amazon.eu"),
        (Region.JP, "pay-api.amazon.jp"),
    ],
)
def test_each_region_has_its_host(region, host):
    assert (
        Endpoint.of(region, Environment.LIVE, "LIVE-AKEY").url("/v2/refunds")
        == f"https://{host}/v2/refunds"
    )


@pytest.mark.parametrize(
    ("key_id", "environment", "url"),
    [
        ("SANDBOX-AKEY", Environment.SANDBOX, "https://pay-api.amazon.eu/v2/charges"),
        ("LIVE-AKEY", Environment.LIVE, "https://pay-api.amazon.eu/v2/charges"),
        ("AKEY", Environment.SANDBOX, "https://pay-api.amazon.eu/sandbox/v2/charges"),
        ("AKEY", Environment.LIVE, "https://pay-api.amazon.eu/live/v2/charges"),
    ],
)
def test_the_environment_is_in_the_path_unless_the_key_id_names_it(key_id, environment, url):
    assert Endpoint.of(Region.EU, environment, key_id).url("/v2/charges") == url


def test_a_key_id_of_the_other_environment_is_refused():
    with pytest.raises(ValueError, match="a sandbox public key id cannot call the live API"):
        Endpoint.of(Region.EU, Environment.LIVE, "SANDBOX-AKEY")


def test_key_ids_name_their_environment_or_none():
    assert key_environment("SANDBOX-AKEY") is Environment.SANDBOX
    assert key_environment("live-akey") is Environment.LIVE
    assert key_environment("AKEY") is None


@pytest.mark.parametrize("url", ["ftp://x", "127.0.0.1:8321", "http://"])
def test_an_endpoint_url_that_is_not_http_is_refused(url):
    with pytest.raises(ValueError, match="not an http"):
        Endpoint.at(url)
