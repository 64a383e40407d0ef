"""The signing certificate: which URLs may be fetched, fetching them safely, and a bounded cache.

URL rules (AWS SNS developer guide, "Verifying the signatures of Amazon SNS messages"; the
Amazon Pay SDKs' IPN handlers, research B.2, B.3): printable ASCII, https, no user info, port,
query or fragment, the path exactly ``/SimpleNotificationService-<32 hex digits>.pem`` (the
form of every SNS certificate URL), and a host matching one of the allowed patterns, by
default exactly ``sns.<region>.amazonaws.com`` (``sns.cn-<…>.amazonaws.com.cn`` in China).
When the topic's region is known, the host must be that region's: SNS signs with the
certificate of the topic's region. Nothing else is ever fetched. The local simulator's host
(``http`` allowed, port included, any folder before the file name) is trusted only when
``sandbox_simulator_mode`` is set explicitly.

Trust comes from fetching over TLS from an SNS host, as every Amazon SDK does; the
certificate's validity dates, subject and chain are not checked (Amazon changed the subject in
2018 and broke the SDKs that did: research D). The public key is kept, so no certificate is
parsed twice while it stays in the cache.

Raises UntrustedCertificateUrl and CertificateUnavailable (``ipn.errors``).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

import httpx
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from amzpay.amazonpay.ipn.errors import CertificateUnavailable, UntrustedCertificateUrl

SNS_HOSTS: Final = (
    r"sns\.(?!cn-)[a-z]{2}(-[a-z]+)+-[0-9]\.amazonaws\.com",
    r"sns\.cn-[a-z]+-[0-9]\.amazonaws\.com\.cn",
)
_CERTIFICATE_FILE: Final = r"/SimpleNotificationService-[0-9a-f]{32}\.pem"
_SNS_PATH: Final = re.compile(_CERTIFICATE_FILE)
_SIMULATOR_PATH: Final = re.compile(rf"(/[A-Za-z0-9_.-]+)*{_CERTIFICATE_FILE}")

CertificateFetcher = Callable[[str], bytes]
"""Fetches a certificate URL's bytes; raises CertificateUnavailable on any failure."""


@dataclass(frozen=True, slots=True)
class CertificateUrlPolicy:
    """Which SigningCertURL values may be fetched."""

    allowed_hosts: tuple[str, ...] = SNS_HOSTS
    sandbox_simulator_mode: bool = False
    simulator_host: str | None = None

    def check(self, url: str, region: str | None = None) -> None:
        """Raise UntrustedCertificateUrl unless ``url`` may be fetched; ``region`` is the
        topic's (``eu-west-1``), when known."""
        if not (url.isascii() and url.isprintable()) or " " in url:
            raise UntrustedCertificateUrl(url, "only printable ASCII without spaces")
        try:
            parts = urlsplit(url)
            hostname = parts.hostname or ""
        except ValueError:
            raise UntrustedCertificateUrl(url, "not a URL") from None
        if parts.query or parts.fragment or "@" in parts.netloc:
            raise UntrustedCertificateUrl(url, "query, fragment or user info in the URL")
        if self._is_simulator(parts.scheme, parts.netloc):
            if not _SIMULATOR_PATH.fullmatch(parts.path):
                raise UntrustedCertificateUrl(url, "the path is not an SNS certificate's")
            return
        if parts.scheme != "https":
            raise UntrustedCertificateUrl(url, "not https")
        if not _SNS_PATH.fullmatch(parts.path):
            raise UntrustedCertificateUrl(url, "the path is not an SNS certificate's")
        if parts.netloc.lower() != hostname or not self._allowed(hostname):
            raise UntrustedCertificateUrl(url, f"host {parts.netloc!r} is not allowed")
        if region is not None and hostname.split(".")[1:2] != [region]:
            raise UntrustedCertificateUrl(url, f"the host is not the SNS host of {region}")

    def _is_simulator(self, scheme: str, netloc: str) -> bool:
        return (
            self.sandbox_simulator_mode
            and self.simulator_host is not None
            and scheme in {"http", "https"}
            and netloc.lower() == self.simulator_host.lower()
        )

    def _allowed(self, hostname: str) -> bool:
        return any(re.fullmatch(pattern, hostname) for pattern in self.allowed_hosts)


class HttpxCertificateFetcher:
    """Fetches certificates with the injected client: a timeout, no redirects, a size cap."""

    def __init__(self, http: httpx.Client, *, timeout: float = 5.0, max_bytes: int = 16384):
        self._http, self._timeout, self._max_bytes = http, timeout, max_bytes

    def __call__(self, url: str) -> bytes:
        try:
            with self._http.stream(
                "GET", url, timeout=self._timeout, follow_redirects=False
            ) as response:
                if response.status_code != 200:
                    status = response.status_code
                    # Amazon's hosts may be briefly unwell; a 4xx URL will never serve a key.
                    retryable = status == 429 or status >= 500
                    raise CertificateUnavailable(url, f"HTTP {status}", retryable=retryable)
                return self._read_capped(url, response)
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            retryable = isinstance(error, httpx.TimeoutException | httpx.NetworkError)
            raise CertificateUnavailable(url, type(error).__name__, retryable=retryable) from None

    def _read_capped(self, url: str, response: httpx.Response) -> bytes:
        received = bytearray()
        for chunk in response.iter_bytes():
            received += chunk
            if len(received) > self._max_bytes:
                raise CertificateUnavailable(url, f"larger than {self._max_bytes} bytes")
        return bytes(received)


class CertificateCache:
    """Public keys by certificate URL, least recently used dropped beyond ``max_entries``."""

    def __init__(self, fetch: CertificateFetcher, *, max_entries: int = 32) -> None:
        if max_entries < 1:
            raise ValueError("the certificate cache needs room for at least one entry")
        self._fetch, self._max_entries = fetch, max_entries
        self._keys: OrderedDict[str, RSAPublicKey] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._keys)

    def get(self, url: str) -> RSAPublicKey | None:
        """The cached key of ``url``, or None."""
        with self._lock:
            key = self._keys.get(url)
            if key is not None:
                self._keys.move_to_end(url)
            return key

    def load(self, url: str) -> RSAPublicKey:
        """Fetch and read the certificate at ``url`` (a URL already checked) and cache its key."""
        key = _rsa_key(url, self._fetch(url))
        with self._lock:
            self._keys[url] = key
            while len(self._keys) > self._max_entries:
                self._keys.popitem(last=False)
        return key


def _rsa_key(url: str, pem: bytes) -> RSAPublicKey:
    try:
        key = x509.load_pem_x509_certificate(pem).public_key()
    except ValueError:
        raise CertificateUnavailable(url, "not a PEM certificate") from None
    if not isinstance(key, RSAPublicKey):
        raise CertificateUnavailable(url, "the certificate's key is not RSA")
    return key
