"""The simulator's SNS signing key and its self-signed certificate.

Amazon signs IPNs with an SNS key whose certificate (subject ``CN=sns.amazonaws.com``) it
serves at SigningCertURL (amazonpay-api.md §B.3). The simulator makes its own pair when it
starts and serves the certificate itself, so a shop can verify IPNs exactly as it verifies
Amazon's, only trusting a different certificate host.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class SigningKey:
    """An RSA key and the PEM certificate of its public half."""

    private_key: rsa.RSAPrivateKey
    certificate_pem: bytes

    @property
    def certificate_name(self) -> str:
        """The file name SNS gives its certificates: ``SimpleNotificationService-<hash>.pem``."""
        digest = hashlib.md5(self.certificate_pem, usedforsecurity=False).hexdigest()
        return f"SimpleNotificationService-{digest}.pem"

    def sign_sha1(self, text: str) -> bytes:
        """SHA1withRSA (PKCS#1 v1.5), SNS SignatureVersion 1."""
        return self.private_key.sign(text.encode(), padding.PKCS1v15(), hashes.SHA1())


def make_signing_key(now: datetime) -> SigningKey:
    """A fresh 2048-bit key with a one-year certificate for ``CN=sns.amazonaws.com``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return SigningKey(key, certificate.public_bytes(serialization.Encoding.PEM))
