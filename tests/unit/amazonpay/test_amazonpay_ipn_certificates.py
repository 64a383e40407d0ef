"""Which certificate URLs are fetched, how they are fetched, and how long keys are kept."""

from __future__ import annotations

import httpx
import pytest
from amazonpay_sns_signer import (
    CERT_URL,
    SELLER_ID,
    certificate_pem,
    message,
    notification_body,
    refund_notification_xml,
)

from amzpay.amazonpay.ipn import (
    CertificateUnavailable,
    CertificateUrlPolicy,
    HttpxCertificateFetcher,
    IpnSettings,
    IpnVerifier,
    UntrustedCertificateUrl,
    VerifiedNotification,
)

SIMULATOR = "127.0.0.1:8321"
FILE = "SimpleNotificationService-d6d679a1d18e95c2f9ffcf11f4f9e198.pem"


def sns_url(n: int, region: str = "eu-west-1") -> str:
    return f"https://sns.{region}.amazonaws.com/SimpleNotificationService-{n:032x}.pem"


@pytest.mark.parametrize(
    "url",
    [
        f"https://sns.us-east-1.amazonaws.com/{FILE}",
        f"https://sns.eu-west-1.amazonaws.com/{FILE}",
        f"https://sns.us-gov-west-1.amazonaws.com/{FILE}",
        f"https://sns.cn-north-1.amazonaws.com.cn/{FILE}",
        f"https://SNS.US-EAST-1.AMAZONAWS.COM/{FILE}",
    ],
)
def test_sns_certificate_urls_are_trusted(url):
    CertificateUrlPolicy().check(url)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (f"http://sns.us-east-1.amazonaws.com/{FILE}", "not https"),
        ("https://sns.us-east-1.amazonaws.com/cert.pem", "path"),
        ("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem", "path"),
        (f"https://sns.us-east-1.amazonaws.com/{FILE.upper()}", "path"),
        (f"https://sns.us-east-1.amazonaws.com/certs/{FILE}", "path"),
        (f"https://sns.us-east-1.amazonaws.com/{FILE[:-4]}.txt", "path"),
        (f"https://sns.us-east-1.amazonaws.com/{FILE}?x=1", "query"),
        (f"https://sns.us-east-1.amazonaws.com/{FILE}#x", "fragment"),
        (f"https://sns.us-east-1.amazonaws.com@evil.example/{FILE}", "user info"),
        (f"https://sns.us-east-1.amazonaws.com:8443/{FILE}", "not allowed"),
        (f"https://sns.us-east-1.amazonaws.com:443/{FILE}", "not allowed"),
        (f"https://sns.us-east-1.amazonaws.com.evil.example/{FILE}", "not allowed"),
        (f"https://evil.example/{FILE}", "not allowed"),
        (f"https://sqs.us-east-1.amazonaws.com/{FILE}", "not allowed"),
        (f"https://sns.x.amazonaws.com/{FILE}", "not allowed"),
        (f"https://sns.eu-west.amazonaws.com/{FILE}", "not allowed"),
        (f"https://sns.attacker-bucket-1.amazonaws.com/{FILE}", "not allowed"),
        (f"https://sns.cn-north-1.amazonaws.com/{FILE}", "not allowed"),
        (f"https://sns.eu-west-1.amazonaws.com.cn/{FILE}", "not allowed"),
        (f"https://127.0.0.1:8321/{FILE}", "not allowed"),
        ("file:///etc/ssl/cert.pem", "not https"),
        ("https://[::1/cert.pem", "not a URL"),
        ("https://sns.us-east-1.amazonaws.com/\x00.pem", "printable ASCII"),
        ("https://sns.us-east-1.amazonaws.com/a\nb.pem", "printable ASCII"),
        ("https://sns.us-east-1.amazonaws.com/a b.pem", "printable ASCII"),
        (f"https://sn\u0455.us-east-1.amazonaws.com/{FILE}", "printable ASCII"),  # Cyrillic s
    ],
)
def test_other_certificate_urls_are_refused(url, reason):
    with pytest.raises(UntrustedCertificateUrl, match=reason):
        CertificateUrlPolicy().check(url)


def test_the_certificate_host_must_be_the_sns_host_of_the_topics_region():
    policy = CertificateUrlPolicy()

    policy.check(sns_url(1, "eu-west-1"), "eu-west-1")
    with pytest.raises(UntrustedCertificateUrl, match="not the SNS host of eu-west-1"):
        policy.check(sns_url(1, "us-east-1"), "eu-west-1")


def test_the_simulator_host_is_trusted_only_in_sandbox_simulator_mode():
    url = f"http://{SIMULATOR}/_sim/sns/{FILE}"

    CertificateUrlPolicy(sandbox_simulator_mode=True, simulator_host=SIMULATOR).check(url)
    with pytest.raises(UntrustedCertificateUrl):
        CertificateUrlPolicy(sandbox_simulator_mode=False, simulator_host=SIMULATOR).check(url)
    with pytest.raises(UntrustedCertificateUrl):
        CertificateUrlPolicy(sandbox_simulator_mode=True, simulator_host=None).check(url)


def test_the_simulator_host_serves_only_sns_certificate_file_names():
    policy = CertificateUrlPolicy(sandbox_simulator_mode=True, simulator_host=SIMULATOR)

    with pytest.raises(UntrustedCertificateUrl, match="path"):
        policy.check(f"http://{SIMULATOR}/_sim/sns/cert.pem")


def test_allowed_hosts_are_configuration():
    policy = CertificateUrlPolicy(allowed_hosts=(r"sns\.eu-west-1\.amazonaws\.com",))

    policy.check(sns_url(1, "eu-west-1"))
    with pytest.raises(UntrustedCertificateUrl):
        policy.check(sns_url(1, "us-east-1"))


def test_an_untrusted_url_is_never_fetched():
    fetched: list[str] = []
    verifier = IpnVerifier(IpnSettings(SELLER_ID, "Sandbox"), fetched.append)
    body = notification_body(
        message("PaymentRefund", refund_notification_xml()),
        SigningCertURL=f"https://evil.example/{FILE}",
    )

    with pytest.raises(UntrustedCertificateUrl):
        verifier.verify(body)

    assert fetched == []


# -- fetching ----------------------------------------------------------------------------------


def fetcher(handler, **options) -> HttpxCertificateFetcher:
    return HttpxCertificateFetcher(httpx.Client(transport=httpx.MockTransport(handler)), **options)


def test_the_fetcher_returns_the_certificate_bytes():
    fetch = fetcher(lambda request: httpx.Response(200, content=certificate_pem()))

    assert fetch(CERT_URL) == certificate_pem()


def test_a_certificate_above_the_size_cap_is_unavailable():
    fetch = fetcher(lambda request: httpx.Response(200, content=b"x" * 5000), max_bytes=4096)

    with pytest.raises(CertificateUnavailable, match="larger than 4096") as refused:
        fetch(CERT_URL)

    assert not refused.value.retryable


def test_a_timeout_makes_the_certificate_unavailable_for_now():
    def time_out(request: httpx.Request) -> httpx.Response:
        assert request.extensions["timeout"]["read"] == 1.5
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(CertificateUnavailable, match="ReadTimeout") as refused:
        fetcher(time_out, timeout=1.5)(CERT_URL)

    assert refused.value.retryable


def test_a_url_httpx_cannot_send_makes_the_certificate_unavailable():
    fetch = fetcher(lambda request: httpx.Response(200, content=certificate_pem()))
    url = "https://sns.eu-west-1.amazonaws.com/\x00.pem"

    with pytest.raises(CertificateUnavailable, match="InvalidURL") as refused:
        fetch(url)

    assert not refused.value.retryable


@pytest.mark.parametrize(
    ("status", "retryable"), [(301, False), (403, False), (404, False), (429, True), (500, True)]
)
def test_redirects_and_errors_are_not_followed_and_only_busy_hosts_are_tried_again(
    status, retryable
):
    fetch = fetcher(
        lambda request: httpx.Response(status, headers={"location": "https://evil.example/x.pem"})
    )

    with pytest.raises(CertificateUnavailable, match=f"HTTP {status}") as refused:
        fetch(CERT_URL)

    assert refused.value.retryable is retryable


def test_bytes_that_are_not_a_certificate_are_unavailable():
    verifier = IpnVerifier(IpnSettings(SELLER_ID, "Sandbox"), lambda url: b"-----BEGIN nothing")

    with pytest.raises(CertificateUnavailable, match="not a PEM certificate"):
        verifier.verify(notification_body(message("PaymentRefund", refund_notification_xml())))


# -- caching -----------------------------------------------------------------------------------


class CountingFetcher:
    def __init__(self) -> None:
        self.urls: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.urls.append(url)
        return certificate_pem()


def test_the_certificate_is_fetched_once_for_many_messages():
    fetch = CountingFetcher()
    verifier = IpnVerifier(IpnSettings(SELLER_ID, "Sandbox"), fetch)
    body = notification_body(message("PaymentRefund", refund_notification_xml()))

    results = [verifier.verify(body) for _ in range(5)]

    assert all(isinstance(result, VerifiedNotification) for result in results)
    assert fetch.urls == [CERT_URL]


def test_the_cache_is_bounded_and_drops_the_least_recently_used_certificate():
    fetch = CountingFetcher()
    verifier = IpnVerifier(IpnSettings(SELLER_ID, "Sandbox"), fetch, cache_size=2)
    urls = [sns_url(n) for n in range(3)]
    inner = message("PaymentRefund", refund_notification_xml())

    for url in [*urls, urls[2], urls[0]]:
        verifier.verify(notification_body(inner, SigningCertURL=url))

    assert verifier.cached_certificates == 2
    assert fetch.urls == [urls[0], urls[1], urls[2], urls[0]]


def test_a_notification_signed_by_the_simulator_verifies_only_in_sandbox_simulator_mode():
    url = f"http://{SIMULATOR}/_sim/sns/{FILE}"
    body = notification_body(
        message("PaymentRefund", refund_notification_xml()), SigningCertURL=url
    )
    simulator_mode = CertificateUrlPolicy(sandbox_simulator_mode=True, simulator_host=SIMULATOR)
    trusting = IpnVerifier(
        IpnSettings(SELLER_ID, "Sandbox", url_policy=simulator_mode), CountingFetcher()
    )
    strict = IpnVerifier(IpnSettings(SELLER_ID, "Sandbox"), CountingFetcher())

    assert isinstance(trusting.verify(body), VerifiedNotification)
    with pytest.raises(UntrustedCertificateUrl):
        strict.verify(body)
