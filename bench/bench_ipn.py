"""IPN verification throughput against the raw RSA verification rate of the same key.

    .venv/bin/python bench/bench_ipn.py [--seconds 6] [--runs 3]

Both rates are measured in the same run on the Amazon-signed fixture (RSA-2048,
SignatureVersion 1 = SHA1withRSA): "raw" is ``public_key.verify`` alone, on the already built
string to sign; "full" is ``IpnVerifier.verify`` on the body bytes (size cap, envelope JSON,
certificate URL policy / key cache, signature, inner Message JSON, NotificationData XML read
into typed values, the seller and environment checks). The certificate is fetched and parsed
once, before timing; the fetcher counts its calls to prove it. Rates are calls per second of
the process's CPU time, so that time spent waiting for a core on a shared machine counts for
neither; the two alternate in batches of 20 calls, and the ratio reported is the median of
the runs. Then each step of
"full" is timed alone (best of 7, CPU time), with defusedxml's parse of the same
NotificationData for comparison. Results go to docs/performance.md by hand.
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


def rates(raw: Callable[[], object], full: Callable[[], object], seconds: float) -> list[float]:
    """Calls per CPU second of ``raw`` and ``full``, measured in alternating batches of a
    few calls each, so that both see the same load of the shared machine and a change in it
    does not skew their ratio."""
    batch, raw_time, full_time, batches = 20, 0.0, 0.0, 0
    while raw_time + full_time < seconds:
        start = time.process_time()
        for _ in range(batch):
            raw()
        middle = time.process_time()
        for _ in range(batch):
            full()
        raw_time, full_time = raw_time + middle - start, full_time + time.process_time() - middle
        batches += 1
    return [batches * batch / raw_time, batches * batch / full_time]


def microseconds(work: Callable[[], object], calls: int = 2000) -> float:
    """Best of seven, in CPU time: the cost of one call of ``work`` with the least
    interference."""
    best = min(timeit.repeat(work, number=calls, repeat=7, timer=time.process_time))
    return best / calls * 1e6


def steps(verifier: IpnVerifier, body: bytes, raw: Callable[[], object]) -> dict[str, float]:
    """The cost of each step of ``IpnVerifier.verify``, measured alone (a difference of two
    measurements where a step cannot be called alone)."""
    envelope = read_envelope(body, 65536)
    message = read_message_object(envelope.message)
    kind, xml = str(message["NotificationType"]), str(message["NotificationData"])
    rsa = microseconds(raw)
    read = microseconds(lambda: read_envelope(body, 65536))
    inner_json = microseconds(lambda: read_message_object(envelope.message))
    parse = microseconds(lambda: parse_xml(xml))
    data = microseconds(lambda: read_notification_data(kind, xml))
    return {
        "RSA verify (the raw rate's work)": rsa,
        "envelope: size cap, JSON, fields, string to sign, base64": read,
        "key cache, signature call, header checks (minus RSA and envelope)": microseconds(
            lambda: verifier.verify_envelope(body)
        )
        - read
        - rsa,
        "inner Message JSON": inner_json,
        "inner Message fields, SellerId/ReleaseEnvironment (minus JSON and XML)": microseconds(
            lambda: read_message(envelope.message)
        )
        - inner_json
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
    parser.add_argument("--seconds", type=float, default=6.0, help="CPU time for both rates")
    parser.add_argument("--runs", type=int, default=3, help="rate measurements to report")
    arguments = parser.parse_args()

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

    print(f"python {platform.python_version()}, cryptography {cryptography.__version__}")
    ratios = []
    for run in range(1, arguments.runs + 1):
        raw_rate, full_rate = rates(raw, lambda: verifier.verify(body), arguments.seconds)
        ratios.append(full_rate / raw_rate)
        print(
            f"run {run}: raw RSA verify (SHA1withRSA, 2048 bit) {raw_rate:8,.0f} /s,"
            f" IPN verified and parsed {full_rate:8,.0f} /s, ratio {full_rate / raw_rate:.1%}"
        )
    print(
        f"median ratio: {statistics.median(ratios):.1%} (target >= 70 %);"
        f" certificate fetches: {len(fetches)}"
    )
    print("per message, each step alone (best of 7 x 2,000, CPU time):")
    costs = steps(verifier, body, raw)
    for step, cost in costs.items():
        print(f"  {cost:7.1f} us  {step}")
    rsa = costs["RSA verify (the raw rate's work)"]
    print(f"  70 % of the raw rate leaves {rsa / 0.7 - rsa:.1f} us for everything but RSA")


if __name__ == "__main__":
    main()
