"""IPN verification throughput against the raw RSA verification rate of the same key.

    .venv/bin/python bench/bench_ipn.py [--seconds 6]

Both rates are measured in the same run on the Amazon-signed fixture (RSA-2048,
SignatureVersion 1 = SHA1withRSA): "raw" is ``public_key.verify`` alone, on the already built
string to sign; "full" is ``IpnVerifier.verify`` on the body bytes (size cap, envelope JSON,
certificate URL policy / key cache, signature, inner Message JSON, NotificationData XML, the
seller and environment checks). The certificate is fetched and parsed once, before timing; the
fetcher counts its calls to prove it. Results go to docs/performance.md by hand.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import cryptography
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from amzpay.amazonpay.ipn import IpnSettings, IpnVerifier
from amzpay.amazonpay.ipn.envelope import read_envelope

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


if __name__ == "__main__":
    main()
