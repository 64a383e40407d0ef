"""What a forged IPN costs: the checks made before any certificate fetch, the failures
remembered, and the fetches bounded in number, in rate and in threads."""

from __future__ import annotations

import base64
import json
import threading

import pytest
from amazonpay_sns_signer import (
    CERT_URL,
    SELLER_ID,
    TOPIC_ARN,
    certificate_pem,
    message,
    notification_body,
    refund_notification_xml,
)

from amzpay.amazonpay.ipn import (
    CertificateBusy,
    CertificateUnavailable,
    FetchLimits,
    ForeignNotification,
    InvalidJson,
    InvalidSignature,
    IpnSettings,
    IpnVerifier,
    MissingField,
    UnexpectedTopic,
    UntrustedCertificateUrl,
    VerifiedNotification,
)

INNER = message("PaymentRefund", refund_notification_xml())


def cert_url(n: int, region: str = "eu-west-1") -> str:
    return f"https://sns.{region}.amazonaws.com/SimpleNotificationService-{n:032x}.pem"


def forged(url: str = CERT_URL, inner: str = INNER, **extra: str) -> bytes:
    """A body signed by our key, its signature then replaced: it never verifies."""
    envelope = json.loads(notification_body(inner, SigningCertURL=url, **extra))
    envelope["Signature"] = base64.b64encode(b"\x01" * 256).decode()
    return json.dumps(envelope).encode()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Fetcher:
    """Counts fetches; serves our certificate at ``CERT_URL`` and 404 elsewhere, or holds
    every fetch until ``release`` when made ``blocking``."""

    def __init__(self, *, blocking: bool = False) -> None:
        self.urls: list[str] = []
        self.threads: list[str] = []
        self.blocking, self.release = blocking, threading.Event()
        self.entered = threading.Semaphore(0)
        self._lock = threading.Lock()

    def __call__(self, url: str) -> bytes:
        with self._lock:
            self.urls.append(url)
            self.threads.append(threading.current_thread().name)
        if self.blocking:
            self.entered.release()
            self.release.wait(30)
        if url != CERT_URL:
            raise CertificateUnavailable(url, "HTTP 404")
        return certificate_pem()


def make_verifier(
    fetch: Fetcher,
    clock: Clock | None = None,
    *,
    limits: FetchLimits | None = None,
    topic_arn: str | None = None,
) -> IpnVerifier:
    settings = IpnSettings(SELLER_ID, "Sandbox", topic_arn=topic_arn)
    return IpnVerifier(settings, fetch, limits=limits, monotonic=clock or Clock())


# -- refused before any fetch ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (forged(TopicArn="arn:aws:sns:eu-west-1:291180941288:OTHER"), UnexpectedTopic),
        (forged(url=cert_url(1, "us-east-1")), UntrustedCertificateUrl),
        (forged(inner=message("PaymentRefund", "<x/>", seller_id="A9OTHER")), ForeignNotification),
        (forged(inner=message("PaymentRefund", "<x/>", environment="Live")), ForeignNotification),
        (forged(inner="not json"), InvalidJson),
        (forged(inner=json.dumps({"NotificationType": "PaymentRefund"})), MissingField),
    ],
    ids=[
        "other topic",
        "other region",
        "other seller",
        "other environment",
        "no JSON",
        "no seller",
    ],
)
def test_a_message_that_can_never_be_accepted_is_refused_without_a_fetch(body, error):
    fetch = Fetcher()
    verifier = make_verifier(fetch, topic_arn=TOPIC_ARN)

    with pytest.raises(error):
        verifier.screen(body)

    assert fetch.urls == []


@pytest.mark.parametrize(
    "topic",
    [
        "A1PA6795UKMFR9A2SELLER0TEST",
        "arn:aws:sqs:eu-west-1:291180941288:queue",
        "arn:aws:sns:eu-west-1:2911:topic",
        "arn:aws:sns:eu-west-1:291180941288:",
        "arn:aws:sns:eu-west-1:291180941288:a/b",
    ],
)
def test_a_topic_arn_that_is_no_sns_topic_is_refused_without_a_fetch(topic):
    fetch = Fetcher()

    with pytest.raises(UnexpectedTopic, match="not an SNS topic ARN"):
        make_verifier(fetch).screen(forged(TopicArn=topic))

    assert fetch.urls == []


def test_any_sns_topic_is_accepted_when_the_shop_names_none():
    fetch = Fetcher()
    body = notification_body(INNER, TopicArn="arn:aws:sns:eu-west-1:123456789012:AnyTopic")

    assert isinstance(make_verifier(fetch).verify(body), VerifiedNotification)


# -- good keys are cached, failures remembered ---------------------------------------------------


def test_forged_messages_naming_the_real_certificate_cost_one_fetch():
    fetch = Fetcher()
    verifier = make_verifier(fetch)

    for _ in range(50):
        with pytest.raises(InvalidSignature):
            verifier.verify(forged())

    assert fetch.urls == [CERT_URL]
    assert verifier.certificate_fetches == {"ok": 1}


def test_a_failed_fetch_is_remembered_until_its_time_runs_out():
    fetch, clock = Fetcher(), Clock()
    verifier = make_verifier(fetch, clock, limits=FetchLimits(failure_ttl=600))
    url = cert_url(7)

    with pytest.raises(CertificateUnavailable) as first:
        verifier.verify(forged(url))
    for _ in range(20):
        with pytest.raises(CertificateUnavailable) as again:
            verifier.verify(forged(url))
    clock.now += 600
    with pytest.raises(CertificateUnavailable) as later:
        verifier.verify(forged(url))

    assert (first.value.remembered, again.value.remembered, later.value.remembered) == (
        False,
        True,
        False,
    )
    assert fetch.urls == [url, url]
    assert verifier.certificate_fetches == {"failed": 2}


def test_a_retryable_failure_is_remembered_for_a_shorter_time_and_stays_retryable():
    clock = Clock()

    def time_out(url: str) -> bytes:
        raise CertificateUnavailable(url, "ReadTimeout", retryable=True)

    verifier = IpnVerifier(
        IpnSettings(SELLER_ID, "Sandbox"),
        time_out,
        limits=FetchLimits(retryable_failure_ttl=30, failure_ttl=600),
        monotonic=clock,
    )
    url = cert_url(8)
    with pytest.raises(CertificateUnavailable):
        verifier.verify(forged(url))

    with pytest.raises(CertificateUnavailable) as remembered:
        verifier.screen(forged(url))
    clock.now += 30
    verifier.screen(forged(url)).key.exception()  # fetched again: no longer remembered

    assert remembered.value.remembered
    assert remembered.value.retryable
    assert verifier.certificate_fetches == {"failed": 2}


def test_the_remembered_failures_are_bounded_oldest_forgotten_first():
    fetch = Fetcher()
    verifier = make_verifier(fetch, limits=FetchLimits(burst=10, remembered_failures=2))
    urls = [cert_url(n) for n in range(3)]
    for url in urls:
        with pytest.raises(CertificateUnavailable):
            verifier.verify(forged(url))

    with pytest.raises(CertificateUnavailable) as newest:
        verifier.verify(forged(urls[2]))
    with pytest.raises(CertificateUnavailable) as oldest:
        verifier.verify(forged(urls[0]))

    assert newest.value.remembered
    assert not oldest.value.remembered
    assert fetch.urls == [*urls, urls[0]]


def test_a_fetcher_failing_otherwise_makes_the_certificate_unavailable_for_now():
    def broken(url: str) -> bytes:
        raise RuntimeError("a bug in the fetcher")

    verifier = IpnVerifier(IpnSettings(SELLER_ID, "Sandbox"), broken)

    with pytest.raises(CertificateUnavailable, match="RuntimeError") as refused:
        verifier.verify(forged(cert_url(3)))

    assert refused.value.retryable


# -- fetches are bounded -------------------------------------------------------------------------


def test_fetches_of_unknown_urls_start_at_most_a_burst_then_one_per_refill_interval():
    fetch, clock = Fetcher(), Clock()
    verifier = make_verifier(fetch, clock, limits=FetchLimits(burst=3, refill_seconds=60))
    refusals: list[type[Exception]] = []

    for n in range(100):
        try:
            verifier.verify(forged(cert_url(n)))
        except (CertificateUnavailable, CertificateBusy) as error:
            refusals.append(type(error))
    clock.now += 60
    with pytest.raises(CertificateUnavailable):
        verifier.verify(forged(cert_url(1000)))
    with pytest.raises(CertificateBusy) as busy:
        verifier.verify(forged(cert_url(1001)))

    assert len(fetch.urls) == 4
    assert refusals == [CertificateUnavailable] * 3 + [CertificateBusy] * 97
    assert busy.value.retryable


def test_fetches_in_flight_are_bounded_and_a_url_being_fetched_is_fetched_once():
    fetch = Fetcher(blocking=True)
    verifier = make_verifier(fetch, limits=FetchLimits(in_flight=2, burst=10))
    first = verifier.screen(forged(cert_url(1)))
    second = verifier.screen(forged(cert_url(2)))
    assert fetch.entered.acquire(timeout=30)
    assert fetch.entered.acquire(timeout=30)

    same = [verifier.screen(forged(cert_url(1))) for _ in range(10)]
    with pytest.raises(CertificateBusy, match="2 fetches in flight"):
        verifier.screen(forged(cert_url(3)))
    fetch.release.set()

    assert {s.key for s in same} == {first.key}
    assert isinstance(first.key.exception(timeout=30), CertificateUnavailable)
    assert isinstance(second.key.exception(timeout=30), CertificateUnavailable)
    assert sorted(fetch.urls) == [cert_url(1), cert_url(2)]


def test_certificates_are_fetched_on_the_verifiers_own_threads():
    fetch = Fetcher()
    verifier = make_verifier(fetch)

    verifier.verify(notification_body(INNER))

    assert fetch.threads[0].startswith("ipn-certificates")
    assert fetch.threads[0] != threading.current_thread().name
    verifier.close()


@pytest.mark.parametrize(
    "limits",
    [
        {"in_flight": 0},
        {"burst": 0},
        {"remembered_failures": 0},
        {"refill_seconds": 0},
        {"failure_ttl": -1},
    ],
)
def test_fetch_limits_that_would_stop_every_fetch_are_refused(limits):
    with pytest.raises(ValueError, match="must be"):
        FetchLimits(**limits)
