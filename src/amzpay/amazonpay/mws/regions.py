"""Where the legacy Amazon Pay API lives: one POST endpoint per region and environment.

Every operation of the OffAmazonPayments API (version 2013-01-01) is an HTTP POST of a form to
one URL (Amazon Pay API reference, "Amazon Pay API endpoints"; the SDKs' region tables):

    region  host                        live path                     sandbox path
    NA      mws.amazonservices.com      /OffAmazonPayments/2013-01-01 /OffAmazonPayments_Sandbox/…
    EU      mws-eu.amazonservices.com   (same)                        (same)
    UK      mws-eu.amazonservices.com   (same)                        (same)
    JP      mws.amazonservices.jp       (same)                        (same)

``Endpoint.at(url)`` builds any other endpoint (a local simulator); it is signed the same way.

Imports nothing but the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final
from urllib.parse import urlsplit

API_VERSION: Final = "2013-01-01"


class Region(StrEnum):
    """An Amazon Pay legacy API region."""

    NA = "na"
    EU = "eu"
    UK = "uk"
    JP = "jp"


class Environment(StrEnum):
    """Sandbox or live: the same host, a different path (and separate credentials' data)."""

    SANDBOX = "Sandbox"
    LIVE = "Live"


_HOSTS: Final = {
    Region.NA: "mws.amazonservices.com",
    Region.EU: "mws-eu.amazonservices.com",
    # The UK shares the EU host; the ledger currency (GBP) is what differs.
    Region.UK: "mws-eu.amazonservices.com",
    Region.JP: "mws.amazonservices.jp",
}

_PATHS: Final = {
    Environment.LIVE: f"/OffAmazonPayments/{API_VERSION}",
    Environment.SANDBOX: f"/OffAmazonPayments_Sandbox/{API_VERSION}",
}


@dataclass(frozen=True, slots=True)
class Endpoint:
    """The URL every operation is POSTed to; ``host`` and ``path`` are what gets signed."""

    scheme: str
    host: str
    path: str

    @classmethod
    def of(cls, region: Region, environment: Environment) -> Endpoint:
        """Amazon's endpoint for ``region`` in ``environment``."""
        return cls("https", _HOSTS[region], _PATHS[environment])

    @classmethod
    def at(cls, url: str) -> Endpoint:
        """Any other endpoint, e.g. ``http://127.0.0.1:8321/OffAmazonPayments_Sandbox/2013-01-01``.

        The host keeps its port: Signature Version 2 signs the host as the request sends it.
        """
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError(f"not an http(s) URL: {url!r}")
        return cls(parts.scheme, parts.netloc.lower(), parts.path or "/")

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}{self.path}"


# The widgets script a shop's page loads for the button and the address and wallet widgets
# (Amazon Pay integration guide, "Add the button and widgets": one script per region, the
# sandbox's under ``sandbox/``). Settings may name another (``amazon.widgets_url``).
_WIDGETS: Final = {
    Region.NA: "https://static-na.payments-amazon.com/OffAmazonPayments/us/{sandbox}js/Widgets.js",
    Region.EU: "https://static-eu.payments-amazon.com/OffAmazonPayments/eur/{sandbox}lpa/js/Widgets.js",
    Region.UK: "https://static-eu.payments-amazon.com/OffAmazonPayments/gbp/{sandbox}lpa/js/Widgets.js",
    Region.JP: "https://static-fe.payments-amazon.com/OffAmazonPayments/jp/{sandbox}lpa/js/Widgets.js",
}


def widgets_url(region: Region, environment: Environment) -> str:
    """Amazon's widgets script for ``region`` in ``environment``."""
    sandbox = "sandbox/" if environment is Environment.SANDBOX else ""
    return _WIDGETS[region].format(sandbox=sandbox)
