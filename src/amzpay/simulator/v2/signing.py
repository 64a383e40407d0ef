"""API v2 request signatures: the canonical request, the string to sign and the RSASSA-PSS
check (amazonpay-api.md §C.3).

The canonical request is ``METHOD\\nURI\\nQUERY\\n`` then ``name:value\\n`` for every signed
header in sorted lowercase order, an empty line, the ``;``-joined header names and the hex
SHA-256 of the payload. The string to sign is ``<algorithm>\\n<hex SHA-256 of that>``. The
signature is RSASSA-PSS with SHA-256 and MGF1(SHA-256): salt 32 for
``AMZN-PAY-RSASSA-PSS-V2``, salt 20 for the older ``AMZN-PAY-RSASSA-PSS``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import quote, unquote

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

SALT_LENGTHS = {"AMZN-PAY-RSASSA-PSS-V2": 32, "AMZN-PAY-RSASSA-PSS": 20}
_AUTHORIZATION = re.compile(
    r"(?P<algorithm>\S+)\s+PublicKeyId=(?P<key>[^,\s]+),\s*"
    r"SignedHeaders=(?P<headers>[^,\s]+),\s*Signature=(?P<signature>\S+)"
)


@dataclass(frozen=True)
class Authorization:
    """What the ``authorization`` header says: who signed, which headers, the signature."""

    algorithm: str
    public_key_id: str
    signed_headers: tuple[str, ...]
    signature: bytes


def parse_authorization(header: str) -> Authorization | None:
    """The parts of an ``authorization`` header, None when it is not in Amazon's form."""
    match = _AUTHORIZATION.fullmatch(header.strip())
    if match is None or match["algorithm"] not in SALT_LENGTHS:
        return None
    try:
        signature = base64.b64decode(match["signature"], validate=True)
    except (binascii.Error, ValueError):
        return None
    names = tuple(match["headers"].split(";"))
    return Authorization(match["algorithm"], match["key"], names, signature)


def canonical_uri(path: str) -> str:
    """The path as signed: each segment percent-encoded per RFC 3986, ``/`` for none."""
    return quote(unquote(path), safe="/-_.~") or "/"


def canonical_query(pairs: Iterable[tuple[str, str]]) -> str:
    """Keys and values percent-encoded per RFC 3986, sorted by key then value."""
    encoded = sorted((_encode(k), _encode(v)) for k, v in pairs)
    return "&".join(f"{k}={v}" for k, v in encoded)


def canonical_request(
    method: str,
    path: str,
    query: Iterable[tuple[str, str]],
    headers: Mapping[str, str],
    signed_headers: Iterable[str],
    payload: bytes,
) -> str:
    """The canonical request over ``signed_headers`` (names in any case; ``headers`` keyed
    by lowercase name)."""
    names = sorted({name.lower() for name in signed_headers})
    block = "".join(f"{name}:{headers[name].strip()}\n" for name in names)
    return "\n".join(
        [
            method.upper(),
            canonical_uri(path),
            canonical_query(query),
            block,
            ";".join(names),
            hashlib.sha256(payload).hexdigest(),
        ]
    )


def string_to_sign(algorithm: str, canonical: str) -> str:
    return f"{algorithm}\n{hashlib.sha256(canonical.encode()).hexdigest()}"


def verifies(key: rsa.RSAPublicKey, algorithm: str, text: str, signature: bytes) -> bool:
    """Whether ``signature`` is ``key``'s RSASSA-PSS signature of ``text`` under
    ``algorithm``'s salt length."""
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=SALT_LENGTHS[algorithm])
    try:
        key.verify(signature, text.encode(), pss, hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def _encode(text: str) -> str:
    return quote(text, safe="-_.~")
