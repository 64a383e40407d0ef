"""Signing keys for the verifier: cached when good, remembered when bad, fetched rarely.

Anyone can post an IPN naming any certificate URL the URL rules allow, so a fetch is the last
resort, and a bounded one:

- a key fetched before comes from the cache (``CertificateCache``: bounded, least recently
  used dropped);
- a URL whose fetch failed is refused without a fetch for ``failure_ttl`` seconds
  (``retryable_failure_ttl`` when the host timed out or answered 5xx), at most
  ``remembered_failures`` URLs, the oldest forgotten first;
- messages naming the same URL while it is being fetched share that one fetch;
- at most ``in_flight`` fetches run at once, on a small executor of this object's own, never on
  the thread pool that serves web requests; and fetches of URLs not in the cache start at most
  ``burst`` at a time, then one every ``refill_seconds`` (a token bucket). Beyond either limit
  the message is refused with CertificateBusy, which is retryable: a genuine IPN is answered
  503 and Amazon delivers it again, by when its certificate is usually cached.

Genuine traffic needs about one fetch per SNS region and certificate rotation (years apart),
so the limits only ever bind forged messages.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from amzpay.amazonpay.ipn.certificates import CertificateCache, CertificateFetcher
from amzpay.amazonpay.ipn.errors import CertificateBusy, CertificateUnavailable

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """How many certificate fetches may run, how often new ones start, how long a failure
    is remembered (seconds)."""

    in_flight: int = 2
    burst: int = 4
    refill_seconds: float = 60.0
    failure_ttl: float = 600.0
    retryable_failure_ttl: float = 30.0
    remembered_failures: int = 1024

    def __post_init__(self) -> None:
        if min(self.in_flight, self.burst, self.remembered_failures) < 1:
            raise ValueError("in_flight, burst and remembered_failures must be at least 1")
        if min(self.refill_seconds, self.failure_ttl, self.retryable_failure_ttl) <= 0:
            raise ValueError("refill_seconds and the failure TTLs must be positive")


class CertificateKeys:
    """The key of each certificate URL, as a future: done at once when cached, else running
    on this object's executor. ``monotonic`` is the clock of the TTLs and the token bucket."""

    def __init__(
        self,
        fetch: CertificateFetcher,
        *,
        cache_size: int = 32,
        limits: FetchLimits | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._cache = CertificateCache(fetch, max_entries=cache_size)
        self._limits = limits or FetchLimits()
        self._monotonic = monotonic
        self._failures: OrderedDict[str, tuple[float, CertificateUnavailable]] = OrderedDict()
        self._in_flight: dict[str, Future[RSAPublicKey]] = {}
        self._tokens, self._refilled = float(self._limits.burst), monotonic()
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._fetches: Counter[str] = Counter()

    def __len__(self) -> int:
        return len(self._cache)

    @property
    def fetches(self) -> dict[str, int]:
        """Fetches started by this object, by outcome: ``ok`` and ``failed``."""
        with self._lock:
            return dict(self._fetches)

    def refuse_remembered(self, url: str) -> None:
        """Raise the remembered CertificateUnavailable if fetching ``url`` failed lately."""
        with self._lock:
            self._raise_remembered(url)

    def key(self, url: str) -> Future[RSAPublicKey]:
        """The key of ``url`` (a URL the policy allows): cached, being fetched, or fetched now.

        Raises CertificateUnavailable (a remembered failure) or CertificateBusy; a failed
        fetch is the future's exception."""
        cached = self._cache.get(url)
        if cached is not None:
            return _done(cached)
        with self._lock:
            self._raise_remembered(url)
            running = self._in_flight.get(url)
            if running is not None:
                return running
            cached = self._cache.get(url)  # loaded since the look above
            if cached is not None:
                return _done(cached)
            if len(self._in_flight) >= self._limits.in_flight:
                raise CertificateBusy(url, f"{len(self._in_flight)} fetches in flight")
            if not self._take_token():
                raise CertificateBusy(url, "the budget of certificate fetches is spent for now")
            future: Future[RSAPublicKey] = Future()
            future.set_running_or_notify_cancel()  # shared by every waiter: never cancelled
            self._in_flight[url] = future
            self._pool().submit(self._load, url, future)
        return future

    def close(self) -> None:
        """Stop the executor; a fetch under way finishes on its own."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False)

    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None:  # made on first use: nothing runs until a fetch is needed
            self._executor = ThreadPoolExecutor(
                max_workers=self._limits.in_flight, thread_name_prefix="ipn-certificates"
            )
        return self._executor

    def _load(self, url: str, future: Future[RSAPublicKey]) -> None:
        try:
            key = self._cache.load(url)
        except Exception as error:  # a fetcher is to raise CertificateUnavailable only
            failure = _as_unavailable(url, error)
            with self._lock:
                self._remember(url, failure)
                del self._in_flight[url]
                self._fetches["failed"] += 1
            log.warning("IPN certificate fetch failed: %s", failure.reason)
            future.set_exception(failure)
        else:
            with self._lock:
                del self._in_flight[url]
                self._fetches["ok"] += 1
            future.set_result(key)

    def _take_token(self) -> bool:
        now = self._monotonic()
        limits = self._limits
        refilled = (now - self._refilled) / limits.refill_seconds
        self._tokens, self._refilled = min(float(limits.burst), self._tokens + refilled), now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True

    def _raise_remembered(self, url: str) -> None:
        remembered = self._failures.get(url)
        if remembered is None:
            return
        until, failure = remembered
        if self._monotonic() >= until:
            del self._failures[url]
            return
        raise CertificateUnavailable(
            url, failure.reason, retryable=failure.retryable, remembered=True
        )

    def _remember(self, url: str, failure: CertificateUnavailable) -> None:
        limits = self._limits
        ttl = limits.retryable_failure_ttl if failure.retryable else limits.failure_ttl
        self._failures[url] = (self._monotonic() + ttl, failure)
        self._failures.move_to_end(url)
        while len(self._failures) > limits.remembered_failures:
            self._failures.popitem(last=False)


def _done(key: RSAPublicKey) -> Future[RSAPublicKey]:
    done: Future[RSAPublicKey] = Future()
    done.set_result(key)
    return done


def _as_unavailable(url: str, error: Exception) -> CertificateUnavailable:
    if isinstance(error, CertificateUnavailable):
        return error
    return CertificateUnavailable(url, type(error).__name__, retryable=True)
