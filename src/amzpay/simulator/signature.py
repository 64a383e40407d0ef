"""AWS Signature Version 2, as Amazon's MWS endpoints check it (amazonpay-api.md §A.2).

The string to sign is ``POST\\n<host>\\n<path>\\n<canonical query>``: every parameter but
``Signature``, sorted by name in byte order, values percent-encoded per RFC 3986. The form
body is decoded and re-encoded here rather than hashed as sent, because SDKs encode spaces
differently on the wire (``+`` in Python's, ``%20`` in PHP's).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import quote

_DIGESTS = {"HmacSHA256": hashlib.sha256, "HmacSHA1": hashlib.sha1}


def supported_method(method: str) -> bool:
    """Whether ``method`` is a SignatureMethod MWS accepts."""
    return method in _DIGESTS


def string_to_sign(host: str, path: str, params: Mapping[str, str]) -> str:
    """The text the client signed."""
    pairs = sorted((k, v) for k, v in params.items() if k != "Signature")
    query = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in pairs)
    return f"POST\n{host.lower()}\n{path or '/'}\n{query}"


def signature(secret_key: str, text: str, method: str = "HmacSHA256") -> str:
    """Base64 of the HMAC of ``text`` under ``secret_key``."""
    mac = hmac.new(secret_key.encode(), text.encode(), _DIGESTS[method])
    return base64.b64encode(mac.digest()).decode()


def matches(secret_key: str, host: str, path: str, params: Mapping[str, str]) -> bool:
    """Whether the request's Signature is right for ``host`` as sent or without its port.

    Clients disagree on the port: the Python SDK signs the URL's netloc (port included), the
    others the bare host name, so both are accepted.
    """
    given = params.get("Signature", "")
    method = params.get("SignatureMethod", "HmacSHA256")
    hosts = {host, host.rsplit(":", 1)[0]}
    return any(
        hmac.compare_digest(signature(secret_key, string_to_sign(h, path, params), method), given)
        for h in hosts
    )


def _encode(value: str) -> str:
    return quote(value, safe="-_.~")
