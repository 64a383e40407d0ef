"""Where Amazon Pay API v2 lives: one host per region, the environment in the path or the key.

Research C.1 (the SDKs' ``createServiceUrl`` and region tables):

    region  host                 x-amz-pay-region
    na      pay-api.amazon.com   na
    eu      pay-api.amazon.eu    eu     (the UK and Germany too)
    jp      pay-api.amazon.jp    jp

Paths are ``/{sandbox|live}/v2/…``, unless the public key id names its environment
(``SANDBOX-…`` or ``LIVE-…``): then they are ``/v2/…`` and the key decides.
``Endpoint.at(url)`` builds any other endpoint (a local simulator), signed the same way.

Imports nothing but the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final
from urllib.parse import urlsplit


class Region(StrEnum):
    NA = "na"
    EU = "eu"
    JP = "jp"


class Environment(StrEnum):
    SANDBOX = "sandbox"
    LIVE = "live"


_HOSTS: Final = {
    Region.NA: "pay-api.amazon.com",
    Region.EU: "pay-api.amazon.eu",
    Region.JP: "pay-api.amazon.jp",
}
# checkout.js, the buyer's button and pages (Amazon Pay checkout integration guide, "Add the
# Amazon Pay button"): one script per region, sandbox or live alike.
_CHECKOUT_SCRIPTS: Final = {
    Region.NA: "https://static-na.payments-amazon.com/checkout.js",
    Region.EU: "https://static-eu.payments-amazon.com/checkout.js",
    Region.JP: "https://static-fe.payments-amazon.com/checkout.js",
}
_KEY_PREFIXES: Final = {"SANDBOX-": Environment.SANDBOX, "LIVE-": Environment.LIVE}


def key_environment(public_key_id: str) -> Environment | None:
    """The environment an environment-specific public key id names; None for a key id of
    the older form, which works in both (the path names the environment then)."""
    for prefix, environment in _KEY_PREFIXES.items():
        if public_key_id.upper().startswith(prefix):
            return environment
    return None


def checkout_script_url(region: Region) -> str:
    """Amazon's checkout.js for ``region``, which a storefront's page loads."""
    return _CHECKOUT_SCRIPTS[region]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """The base every operation's path is appended to; ``host`` and the full path are what
    gets signed. ``region`` is sent (and signed) as ``x-amz-pay-region``."""

    scheme: str
    host: str
    prefix: str
    region: Region

    @classmethod
    def of(cls, region: Region, environment: Environment, public_key_id: str) -> Endpoint:
        """Amazon's endpoint for ``region`` in ``environment``, as ``public_key_id`` reaches it.

        Raises:
            ValueError: the key id names the other environment.
        """
        named = key_environment(public_key_id)
        if named is not None and named is not environment:
            raise ValueError(f"a {named} public key id cannot call the {environment} API")
        prefix = "" if named is not None else f"/{environment}"
        return cls("https", _HOSTS[region], prefix, region)

    @classmethod
    def at(cls, url: str, region: Region = Region.EU) -> Endpoint:
        """Any other endpoint, e.g. ``http://127.0.0.1:8321`` (a simulator serving ``/v2/…``
        at its root) or ``http://127.0.0.1:8321/sandbox``. The host keeps its port."""
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError(f"not an http(s) URL: {url!r}")
        return cls(parts.scheme, parts.netloc.lower(), parts.path.rstrip("/"), region)

    def path(self, operation_path: str) -> str:
        """The request path of ``operation_path`` (``/v2/refunds``) at this endpoint."""
        return self.prefix + operation_path

    def url(self, operation_path: str) -> str:
        return f"{self.scheme}://{self.host}{self.path(operation_path)}"
