"""IPN verification throughput against the raw RSA verification rate of the same key.

    .venv/bin/python bench/bench_ipn.py [--seconds 6]

Both rates are measured in the same run on the Amazon-signed fixture (RSA-2048,
SignatureVersion 1 = SHA1withRSA): "raw" is ``public_key.verify`` alone, on the already built
string to sign; "full" is ``IpnVerifier.verify`` on the body bytes (size cap, envelope JSON,
certificate URL policy / key cache, signature, inner Message JSON, NotificationData XML, the
seller and environment checks). The certificate is fetched and parsed once, before timing; the
fetcher counts its calls to prove it. Then each step of "full" is timed alone (best of 5), with
defusedxml's parse of the same NotificationData for comparison (what the parser cost before
any DOCTYPE was refused up front and the C parser took over). Results go to
docs/performance.md by hand.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
import timeit
from collections.abc import Callable
from pathlib import Path

import cryptography
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from defusedxml.ElementTree import fromstring as defused_fromstring

from amzpay.amazonpay.ipn import IpnSettings, IpnVerifier
from amzpay.amazonpay.ipn.envelope import read_envelope, read_message_object
from amzpay.amazonpay.ipn.notification import read_message, read_notification_data
from amzpay.amazonpay.mws.elements import parse_xml

FIXTURE = Path(__file__).parent.parent / "tests" / "fixtures" / "amazon-pay-sdk-python-test-ipn"


def one_round(work: Callable[[], object], seconds: float) -> float:
    """Calls per second of ``work`` over about ``seconds``."""
    calls, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(50):
            work()
        calls += 50
    return calls / elapsed


def rates(raw: Callable[[], object], full: Callable[[], object], seconds: float) -> list[float]:
    """Median rates of ``raw`` and ``full``, measured in alternating rounds so that a change
    in the machine's load between them does not skew their ratio."""
    rounds = 9
    raw_rates, full_rates = [], []
    for _ in range(rounds):
        raw_rates.append(one_round(raw, seconds / rounds / 2))
        full_rates.append(one_round(full, seconds / rounds / 2))
    return [statistics.median(raw_rates), statistics.median(full_rates)]


def microseconds(work: Callable[[], object], calls: int = 2000) -> float:
    """Best of five: the cost of one call of ``work`` with the least interference."""
    return min(timeit.repeat(work, number=calls, repeat=5)) / calls * 1e6


def steps(verifier: IpnVerifier, body: bytes, raw: Callable[[], object]) -> dict[str, float]:
    """The cost of each step of ``IpnVerifier.verify``, measured alone."""
    envelope = read_envelope(body, 65536)
    message = read_message_object(envelope.message)
    kind, xml = str(message["NotificationType"]), str(message["NotificationData"])
    parse = microseconds(lambda: parse_xml(xml))
    data = microseconds(lambda: read_notification_data(kind, xml))
    return {
        "RSA verify (the raw rate's work)": microseconds(raw),
        "envelope: size cap, JSON, fields, string to sign, base64": microseconds(
            lambda: read_envelope(body, 65536)
        ),
        "key cache, signature, header checks (verify_envelope minus the above)": microseconds(
            lambda: verifier.verify_envelope(body)
        )
        - microseconds(lambda: read_envelope(body, 65536))
        - microseconds(raw),
        "inner Message JSON and its fields": microseconds(lambda: read_message(envelope.message))
        - data,
        "NotificationData: DOCTYPE check + C parser": parse,
        "NotificationData: read into typed values": data - parse,
        "(for comparison) defusedxml parse of the same XML": microseconds(
            lambda: defused_fromstring(xml, forbid_dtd=True)
        ),
        "full IpnVerifier.verify": microseconds(lambda: verifier.verify(body)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0, help="time for both rates")
    seconds = parser.parse_args().seconds

    body = (FIXTURE / "body_valid.json").read_bytes()
    pem = (FIXTURE / "test.pem").read_bytes()
    fetches: list[str] = []

    def fetch(url: str) -> bytes:
        fetches.append(url)
        return pem

    verifier = IpnVerifier(IpnSettings("AQR8184NJXADU", "Sandbox"), fetch)
    verifier.verify(body)  # warm the certificate cache
    envelope = read_envelope(body, 65536)
    key = x509.load_pem_x509_certificate(pem).public_key()
    assert isinstance(key, RSAPublicKey)

    def raw() -> None:
        key.verify(envelope.signature, envelope.signed_text, padding.PKCS1v15(), hashes.SHA1())

    raw_rate, full_rate = rates(raw, lambda: verifier.verify(body), seconds)
    print(f"python {platform.python_version()}, cryptography {cryptography.__version__}")
    print(f"raw RSA verify (SHA1withRSA, 2048 bit): {raw_rate:10,.0f} /s")
    print(f"IPN verified and parsed:               {full_rate:10,.0f} /s")
    print(
        f"ratio: {full_rate / raw_rate:.0%} (target >= 70 %); certificate fetches: {len(fetches)}"
    )
    print("per message, each step alone (best of 5 x 2,000):")
    for step, cost in steps(verifier, body, raw).items():
        print(f"  {cost:7.1f} us  {step}")


if __name__ == "__main__":
    main()
