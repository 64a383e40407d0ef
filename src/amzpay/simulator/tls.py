"""A TLS certificate the served simulator makes for itself.

Amazon's official v2 SDKs always speak https; a few take a host override and the others
keep Amazon's host name (amazonpay-api.md §C.1), so the server certificate names the host
the simulator serves on, ``localhost``, ``127.0.0.1`` and Amazon's three v2 hosts. It is
issued by a small certificate authority made at the same time: a shop trusts that one CA
file (docs/simulator.md says how for each SDK), as tools such as mkcert do.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

AMAZON_V2_HOSTS = ("pay-api.amazon.com", "pay-api.amazon.eu", "pay-api.amazon.jp")


@dataclass(frozen=True)
class TlsFiles:
    ca_certificate: Path  # what a client trusts
    certificate: Path  # the server's certificate, then the CA's (the chain uvicorn serves)
    key: Path  # the server's private key, readable by its owner only


def names_for(host: str) -> list[str]:
    """The names the certificate covers when the simulator listens on ``host``."""
    wanted = [host, "localhost", "127.0.0.1", *AMAZON_V2_HOSTS]
    return [name for i, name in enumerate(wanted) if name and name not in wanted[:i]]


def make_tls_files(directory: Path, names: Iterable[str], now: datetime) -> TlsFiles:
    """Write a fresh CA and a server certificate for ``names`` into ``directory``."""
    names = list(names)
    ca_key = _key()
    ca_name = _name("amzpay simulator CA")
    ca = (
        _builder(ca_name, ca_name, ca_key, now)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = _key()
    alt_names = x509.SubjectAlternativeName([_general_name(n) for n in names])
    server = (
        _builder(_name(names[0]), ca_name, key, now)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .add_extension(alt_names, False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    files = TlsFiles(
        directory / "simulator-ca.pem",
        directory / "simulator-cert.pem",
        directory / "simulator-key.pem",
    )
    files.ca_certificate.write_bytes(_pem(ca))
    files.certificate.write_bytes(_pem(server) + _pem(ca))
    files.key.touch(mode=0o600)
    files.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return files


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "amzpay simulator"),
        ]
    )


def _builder(
    subject: x509.Name, issuer: x509.Name, key: rsa.RSAPrivateKey, now: datetime
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=397))
    )


def _usage(cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=False,
        key_encipherment=not cert_sign,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def _general_name(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)
