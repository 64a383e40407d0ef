"""Request signing for Amazon Pay API v2: RSASSA-PSS with SHA-256 over a canonical request.

Research C.3 (the official SDKs' ``createSignature``, ``SignatureHelper``, ``clientHelper``):

    canonical request = METHOD \\n canonical URI \\n canonical query \\n
                        name:value \\n for each signed header, sorted lowercase names \\n
                        signed header names joined by ";" \\n hex(sha256(payload))
    string to sign    = algorithm \\n hex(sha256(canonical request))
    signature         = base64(RSASSA-PSS(SHA-256, MGF1-SHA-256, salt, string to sign))
    authorization     = algorithm PublicKeyId=…, SignedHeaders=…, Signature=…

The salt is 32 bytes for ``AMZN-PAY-RSASSA-PSS-V2`` and 20 for ``AMZN-PAY-RSASSA-PSS``.
PSS is randomised: two signatures of one string differ, both verify.

Imports cryptography and the standard library only.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from enum import Enum
from typing import Final
from urllib.parse import quote

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

_UNRESERVED: Final = "-_.~"


class Algorithm(Enum):
    """The two signing algorithms Amazon accepts, with their PSS salt lengths."""

    PSS_V2 = ("AMZN-PAY-RSASSA-PSS-V2", 32)
    PSS = ("AMZN-PAY-RSASSA-PSS", 20)

    def __init__(self, label: str, salt_length: int) -> None:
        self.label, self.salt_length = label, salt_length

    def padding(self) -> padding.PSS:
        return padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=self.salt_length)


def percent_encode(value: str, safe: str = _UNRESERVED) -> str:
    """RFC 3986 encoding of ``value``'s UTF-8 bytes, uppercase hex, space as %20."""
    return quote(value, safe=safe)


def canonical_uri(path: str) -> str:
    """The path, each segment encoded, ``/`` kept; an empty path is ``/``."""
    return percent_encode(path, safe=_UNRESERVED + "/") or "/"


def canonical_query(query: Mapping[str, Sequence[str]]) -> str:
    """``name=value`` pairs, encoded, sorted by name and then value, joined by ``&``."""
    pairs = sorted(
        (percent_encode(name), percent_encode(value))
        for name, values in query.items()
        for value in values
    )
    return "&".join(f"{name}={value}" for name, value in pairs)


def canonical_request(
    method: str,
    path: str,
    query: Mapping[str, Sequence[str]],
    headers: Mapping[str, str],
    payload: bytes,
) -> str:
    """The canonical request of research C.3; every header in ``headers`` is signed."""
    lowered = {name.lower(): value.strip() for name, value in headers.items()}
    names = sorted(lowered)
    header_block = "".join(f"{name}:{lowered[name]}\n" for name in names)
    return "\n".join(
        (
            method.upper(),
            canonical_uri(path),
            canonical_query(query),
            header_block,
            ";".join(names),
            hashlib.sha256(payload).hexdigest(),
        )
    )


def string_to_sign(algorithm: Algorithm, canonical: str) -> str:
    return f"{algorithm.label}\n{hashlib.sha256(canonical.encode()).hexdigest()}"


def timestamp(moment: datetime) -> str:
    """``x-amz-pay-date`` in the compact form the PHP and Java SDKs send: 20180524T223710Z."""
    if moment.tzinfo is None:
        raise ValueError("the request date must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


class Signer:
    """Signs with the merchant's private key for ``public_key_id``. Neither the key nor a
    signature appears in its repr."""

    def __init__(
        self,
        public_key_id: str,
        private_key: rsa.RSAPrivateKey,
        algorithm: Algorithm = Algorithm.PSS_V2,
    ) -> None:
        self.public_key_id, self.algorithm = public_key_id, algorithm
        self._key = private_key
        self._padding = algorithm.padding()

    def __repr__(self) -> str:
        return f"Signer(public_key_id={self.public_key_id!r}, algorithm={self.algorithm.label})"

    def signature(self, text: str) -> str:
        """base64 of the PSS signature of ``text``."""
        signed = self._key.sign(text.encode(), self._padding, hashes.SHA256())
        return base64.b64encode(signed).decode("ascii")

    def button_signature(self, payload_json: str) -> str:
        """The signature of checkout.js's button payload: ``<algorithm>\\n<hex SHA-256 of
        the payload>`` (research C.3, point 7), over the payload's exact text."""
        digest = hashlib.sha256(payload_json.encode()).hexdigest()
        return self.signature(f"{self.algorithm.label}\n{digest}")

    def authorization(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str],
        payload: bytes,
        query: Mapping[str, Sequence[str]] | None = None,
    ) -> str:
        """The ``authorization`` header of a request carrying exactly ``headers``."""
        canonical = canonical_request(method, path, query or {}, headers, payload)
        signature = self.signature(string_to_sign(self.algorithm, canonical))
        names = ";".join(sorted(name.lower() for name in headers))
        return (
            f"{self.algorithm.label} PublicKeyId={self.public_key_id}, "
            f"SignedHeaders={names}, Signature={signature}"
        )
