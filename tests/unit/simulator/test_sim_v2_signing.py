"""The v2 canonical request and string to sign against the test vectors published with
Amazon's Java SDK (amazonpay-api.md §C.3), and the RSASSA-PSS check with both salt lengths."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from amzpay.simulator.v2.signing import (
    canonical_request,
    parse_authorization,
    string_to_sign,
    verifies,
)

HEADERS = {
    "accept": "application/json",
    "content-type": "application/json",
    "x-amz-pay-date": "20180524T223710Z",
    "x-amz-pay-host": "pay-api.amazon.eu",
    "x-amz-pay-region": "EU",
}
HEADER_BLOCK = (
    "accept:application/json\ncontent-type:application/json\nx-amz-pay-date:20180524T223710Z\n"
    "x-amz-pay-host:pay-api.amazon.eu\nx-amz-pay-region:EU\n\n"
    "accept;content-type;x-amz-pay-date;x-amz-pay-host;x-amz-pay-region\n"
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)
UNRESERVED = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
ODD = '@#$%^&+=/,?><`";:\\|][{} '
ODD_ENCODED = "%40%23%24%25%5E%26%2B%3D%2F%2C%3F%3E%3C%60%22%3B%3A%5C%7C%5D%5B%7B%7D%20"

# (name, method, path, query pairs, canonical URI and query lines, string-to-sign hash)
VECTORS = [
    (
        "get-vanilla",
        "GET",
        "/",
        [],
        "/\n",
        "bb49552975c396f1e49d5510e1555b8b0627dc491bc61aaefdb561f202ad8020",
    ),
    (
        "get-empty",
        "GET",
        "",
        [],
        "/\n",
        "bb49552975c396f1e49d5510e1555b8b0627dc491bc61aaefdb561f202ad8020",
    ),
    (
        "get-unreserved",
        "GET",
        "/" + UNRESERVED,
        [],
        f"/{UNRESERVED}\n",
        "a0e5dd63e175587f29d51c6b08be5c746a568209ac66ab1f967e0ba515aa80bc",
    ),
    (
        "get-utf8",
        "GET",
        "/\u1234",
        [],
        "/%E1%88%B4\n",
        "77f6544c8fb336d430895659da1e30415a1558b4b013f4d7926bb3a6275f701d",
    ),
    (
        "get-vanilla-utf8-query",
        "GET",
        "/",
        [("\u1234", "bar")],
        "/\n%E1%88%B4=bar",
        "ef1007307504f2ca9f0b6310b04056f5d3d6d18e7bf3d90663133f19ec132ecc",
    ),
    (
        "post-vanilla",
        "POST",
        "/",
        [],
        "/\n",
        "54156f5badd6da7fa630b2c334c808ad376530001d334ae9960457215aa626d3",
    ),
    (
        "post-vanilla-query",
        "POST",
        "/",
        [("foo", "bar")],
        "/\nfoo=bar",
        "cc82525870b2d03666c287fd8b2c0d2fc6fa1693d9f357d27f7cac8cbcc12832",
    ),
    (
        "get-vanilla-empty-query-key",
        "GET",
        "/",
        [("foo", "bar")],
        "/\nfoo=bar",
        "6837f80baf1801c75db8119cffbadc26a89d20adb9cf3f3de4ce0fac31b4ae52",
    ),
    (
        "get-vanilla-query-order-value",
        "GET",
        "/",
        [("foo", "b"), ("foo", "a")],
        "/\nfoo=a&foo=b",
        "a33266ec31c7f0ca8a0738eb49fb8c81319f14374a0b86d52e6911a9748a6d42",
    ),
    (
        "get-vanilla-query-order-key",
        "GET",
        "/",
        [("b", "foo"), ("a", "foo")],
        "/\na=foo&b=foo",
        "6615ba7ca3734e97b35013f77c74d111ce2fa63ab52be161ad41bcd4b010120f",
    ),
    (
        "get-vanilla-query-order-sort-by-key",
        "GET",
        "/",
        [("A.1", "foo"), ("A.2", "foo"), ("A.10", "foo")],
        "/\nA.1=foo&A.10=foo&A.2=foo",
        "29d908d70c4bb50d62272976787245b52ed52e569fdae56ef3aa6d8979978ee7",
    ),
    (
        "get-vanilla-query-order-key-case",
        "GET",
        "/",
        [("foo", "aha"), ("foo", "Zoo")],
        "/\nfoo=Zoo&foo=aha",
        "f379cbd2e2fc9d5d50667a07ec22996335f731b474bb8bd366647d05d958c9d5",
    ),
    (
        "get-vanilla-query-unreserved",
        "GET",
        "/",
        [(UNRESERVED, UNRESERVED)],
        f"/\n{UNRESERVED}={UNRESERVED}",
        "892abddd6e79db3feb5695b318af639c3e863494f6b4df32ec24fff4c1562a73",
    ),
    (
        "post-vanilla-query-nonunreserved",
        "POST",
        "/",
        [(ODD, ODD)],
        f"/\n{ODD_ENCODED}={ODD_ENCODED}",
        "66bbbf2b5d6d297a9393abbc0b4f9d62e30666bb0ec0dea8f1d4e45551440e4c",
    ),
    (
        "post-vanilla-query-space",
        "POST",
        "/",
        [("f oo", "b ar")],
        "/\nf%20oo=b%20ar",
        "99be3aeb19b5a1aebafc807d59f3740d3e604ae31cf928592fa70739ea64bb32",
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "query", "middle", "digest"),
    [v[1:] for v in VECTORS],
    ids=[v[0] for v in VECTORS],
)
def test_the_canonical_request_and_string_to_sign_match_amazons_vectors(
    method: str, path: str, query: list[tuple[str, str]], middle: str, digest: str
) -> None:
    canonical = canonical_request(method, path, query, HEADERS, HEADERS, b"")
    assert canonical == f"{method}\n{middle}\n{HEADER_BLOCK}"
    assert string_to_sign("AMZN-PAY-RSASSA-PSS", canonical) == f"AMZN-PAY-RSASSA-PSS\n{digest}"


def test_signed_header_names_are_sorted_and_lowercased_whatever_order_they_are_listed_in() -> None:
    listed = ["X-Amz-Pay-Region", "Accept", "x-amz-pay-host", "CONTENT-TYPE", "x-amz-pay-date"]
    assert canonical_request("GET", "/", [], HEADERS, listed, b"") == f"GET\n/\n\n{HEADER_BLOCK}"


def test_the_payload_hash_is_of_the_body_as_sent() -> None:
    canonical = canonical_request("POST", "/v2/refunds", [], HEADERS, ["accept"], b'{"a":1}')
    assert canonical.endswith("\n015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862")


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _sign(key: rsa.RSAPrivateKey, text: str, salt: int) -> bytes:
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=salt)
    return key.sign(text.encode(), pss, hashes.SHA256())


@pytest.mark.parametrize(
    ("algorithm", "salt"), [("AMZN-PAY-RSASSA-PSS-V2", 32), ("AMZN-PAY-RSASSA-PSS", 20)]
)
def test_a_pss_signature_with_the_algorithms_salt_verifies(
    key: rsa.RSAPrivateKey, algorithm: str, salt: int
) -> None:
    text = f"{algorithm}\nabc"
    assert verifies(key.public_key(), algorithm, text, _sign(key, text, salt))


@pytest.mark.parametrize(
    ("algorithm", "salt"), [("AMZN-PAY-RSASSA-PSS-V2", 20), ("AMZN-PAY-RSASSA-PSS", 32)]
)
def test_a_pss_signature_with_the_other_algorithms_salt_does_not_verify(
    key: rsa.RSAPrivateKey, algorithm: str, salt: int
) -> None:
    text = f"{algorithm}\nabc"
    assert not verifies(key.public_key(), algorithm, text, _sign(key, text, salt))


def test_a_signature_of_another_text_does_not_verify(key: rsa.RSAPrivateKey) -> None:
    signature = _sign(key, "AMZN-PAY-RSASSA-PSS-V2\nabc", 32)
    assert not verifies(
        key.public_key(), "AMZN-PAY-RSASSA-PSS-V2", "AMZN-PAY-RSASSA-PSS-V2\nabd", signature
    )


def test_the_authorization_header_is_read_into_its_parts() -> None:
    signature = base64.b64encode(b"sig").decode()
    header = (
        f"AMZN-PAY-RSASSA-PSS-V2 PublicKeyId=SANDBOX-AX1, "
        f"SignedHeaders=accept;x-amz-pay-date, Signature={signature}"
    )
    parsed = parse_authorization(header)
    assert parsed is not None
    assert parsed.algorithm == "AMZN-PAY-RSASSA-PSS-V2"
    assert parsed.public_key_id == "SANDBOX-AX1"
    assert parsed.signed_headers == ("accept", "x-amz-pay-date")
    assert parsed.signature == b"sig"


@pytest.mark.parametrize(
    "header",
    [
        "AMZN-PAY-RSASSA-PKCS PublicKeyId=K, SignedHeaders=accept, Signature=c2ln",
        "AMZN-PAY-RSASSA-PSS-V2 PublicKeyId=K, Signature=c2ln",
        "AMZN-PAY-RSASSA-PSS-V2 PublicKeyId=K, SignedHeaders=accept, Signature=not*base64",
        "Bearer abc",
    ],
)
def test_an_authorization_header_not_in_amazons_form_is_not_read(header: str) -> None:
    assert parse_authorization(header) is None
