"""AWS Signature Version 2 with HmacSHA256, as the legacy Amazon Pay API requires it.

Pure functions, no I/O (Amazon MWS developer guide, "Signature Version 2"; the Amazon Pay SDKs'
``calculateStringToSignV2``):

    string to sign = "POST" \\n host \\n path \\n canonical query
    canonical query = every parameter but Signature, sorted by name in byte order, each as
                      name=value with RFC 3986 percent-encoding (uppercase hex, space as %20,
                      "~" kept), joined by "&"
    Signature = base64(HMAC-SHA256(secret key, string to sign))

Imports nothing but the standard library.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Final
from urllib.parse import quote

SIGNATURE_METHOD: Final = "HmacSHA256"
SIGNATURE_VERSION: Final = "2"

# RFC 3986 unreserved characters; everything else is percent-encoded from its UTF-8 bytes.
_UNRESERVED: Final = "-_.~"


def percent_encode(value: str) -> str:
    """RFC 3986 encoding of ``value``: "a b*~" -> "a%20b%2A~"."""
    return quote(value, safe=_UNRESERVED)


def canonical_query(parameters: Mapping[str, str]) -> str:
    """The sorted, encoded ``name=value&...`` of every parameter except ``Signature``.

    Python orders str by code point, which is the byte order of their UTF-8 encoding.
    """
    return "&".join(
        f"{percent_encode(name)}={percent_encode(parameters[name])}"
        for name in sorted(parameters)
        if name != "Signature"
    )


def string_to_sign(host: str, path: str, parameters: Mapping[str, str]) -> str:
    """The text Signature Version 2 signs for a POST to ``host`` + ``path``."""
    return "\n".join(("POST", host.lower(), path or "/", canonical_query(parameters)))


def signature(secret_key: str, text: str) -> str:
    """base64(HMAC-SHA256(secret_key, text))."""
    digest = hmac.new(secret_key.encode(), text.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def sign(secret_key: str, host: str, path: str, parameters: Mapping[str, str]) -> dict[str, str]:
    """``parameters`` with ``Signature`` added (any given one is replaced)."""
    signed = {name: value for name, value in parameters.items() if name != "Signature"}
    signed["Signature"] = signature(secret_key, string_to_sign(host, path, signed))
    return signed


def timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC without fraction, as MWS expects it: ``2015-12-31T23:59:58Z``.

    Amazon refuses requests more than about 15 minutes off its own clock.
    """
    if moment.tzinfo is None:
        raise ValueError("the request timestamp must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
