"""API v2 request signing: the string to sign against the official Java SDK's test vectors
(research C.3, testdata.js), and signatures verified with ``cryptography`` directly."""

from __future__ import annotations

import base64
import re

import pytest
from amazonpay_v2_fakes import PUBLIC_KEY_ID, private_key
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from amzpay.amazonpay.v2.signing import (
    Algorithm,
    Signer,
    canonical_request,
    string_to_sign,
    timestamp,
)

VECTOR_HEADERS = {
    "accept": "application/json",
    "content-type": "application/json",
    "x-amz-pay-date": "20180524T223710Z",
    "x-amz-pay-host": "pay-api.amazon.eu",
    "x-amz-pay-region": "EU",
}

# (name, method, path, query, hex digest of the canonical request) from testdata.js
VECTORS = [
    (
        "get-vanilla",
        "GET",
        "/",
        {},
        "bb49552975c396f1e49d5510e1555b8b0627dc491bc61aaefdb561f202ad8020",
    ),
    (
        "get-empty",
        "GET",
        "",
        {},
        "bb49552975c396f1e49d5510e1555b8b0627dc491bc61aaefdb561f202ad8020",
    ),
    (
        "get-unreserved",
        "GET",
        "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
        {},
        "a0e5dd63e175587f29d51c6b08be5c746a568209ac66ab1f967e0ba515aa80bc",
    ),
    (
        "get-utf8",
        "GET",
        "/\u1234",
        {},
        "77f6544c8fb336d430895659da1e30415a1558b4b013f4d7926bb3a6275f701d",
    ),
    (
        "get-vanilla-utf8-query",
        "GET",
        "/",
        {"\u1234": ["bar"]},
        "ef1007307504f2ca9f0b6310b04056f5d3d6d18e7bf3d90663133f19ec132ecc",
    ),
    (
        "post-vanilla",
        "POST",
        "/",
        {},
        "54156f5badd6da7fa630b2c334c808ad376530001d334ae9960457215aa626d3",
    ),
    (
        "post-vanilla-query",
        "POST",
        "/",
        {"foo": ["bar"]},
        "cc82525870b2d03666c287fd8b2c0d2fc6fa1693d9f357d27f7cac8cbcc12832",
    ),
    (
        "get-vanilla-query-order-value",
        "GET",
        "/",
        {"foo": ["b", "a"]},
        "a33266ec31c7f0ca8a0738eb49fb8c81319f14374a0b86d52e6911a9748a6d42",
    ),
    (
        "get-vanilla-query-order-key",
        "GET",
        "/",
        {"a": ["foo"], "b": ["foo"]},
        "6615ba7ca3734e97b35013f77c74d111ce2fa63ab52be161ad41bcd4b010120f",
    ),
    (
        "get-vanilla-query-order-sort-by-key",
        "GET",
        "/",
        {"A.1": ["foo"], "A.2": ["foo"], "A.10": ["foo"]},
        "29d908d70c4bb50d62272976787245b52ed52e569fdae56ef3aa6d8979978ee7",
    ),
    (
        "get-vanilla-query-order-key-case",
        "GET",
        "/",
        {"foo": ["Zoo", "aha"]},
        "f379cbd2e2fc9d5d50667a07ec22996335f731b474bb8bd366647d05d958c9d5",
    ),
    (
        "get-vanilla-query-unreserved",
        "GET",
        "/",
        {
            "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz": [
                "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
            ]
        },
        "892abddd6e79db3feb5695b318af639c3e863494f6b4df32ec24fff4c1562a73",
    ),
    (
        "post-vanilla-query-nonunreserved",
        "POST",
        "/",
        {'@#$%^&+=/,?><`";:\\|][{} ': ['@#$%^&+=/,?><`";:\\|][{} ']},
        "66bbbf2b5d6d297a9393abbc0b4f9d62e30666bb0ec0dea8f1d4e45551440e4c",
    ),
    (
        "post-vanilla-query-space",
        "POST",
        "/",
        {"f oo": ["b ar"]},
        "99be3aeb19b5a1aebafc807d59f3740d3e604ae31cf928592fa70739ea64bb32",
    ),
]


@pytest.mark.parametrize(
    ("name", "method", "path", "query", "digest"), VECTORS, ids=[v[0] for v in VECTORS]
)
def test_the_string_to_sign_matches_the_sdk_test_vector(name, method, path, query, digest):
    canonical = canonical_request(method, path, query, VECTOR_HEADERS, b"")

    assert string_to_sign(Algorithm.PSS, canonical) == f"AMZN-PAY-RSASSA-PSS\n{digest}"


def test_the_canonical_request_has_the_header_block_an_empty_line_and_the_payload_hash():
    canonical = canonical_request("GET", "/", {}, VECTOR_HEADERS, b"")

    assert canonical == (
        "GET\n/\n\naccept:application/json\ncontent-type:application/json\n"
        "x-amz-pay-date:20180524T223710Z\nx-amz-pay-host:pay-api.amazon.eu\nx-amz-pay-region:EU\n"
        "\naccept;content-type;x-amz-pay-date;x-amz-pay-host;x-amz-pay-region\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )


def test_header_names_are_lowercased_and_sorted_whatever_order_they_come_in():
    shuffled = {name.upper(): VECTOR_HEADERS[name] for name in reversed(list(VECTOR_HEADERS))}

    assert canonical_request("GET", "/", {}, shuffled, b"") == canonical_request(
        "GET", "/", {}, VECTOR_HEADERS, b""
    )


def test_the_v2_algorithm_names_itself_in_the_string_to_sign():
    canonical = canonical_request("GET", "/", {}, VECTOR_HEADERS, b"")

    assert string_to_sign(Algorithm.PSS_V2, canonical) == (
        "AMZN-PAY-RSASSA-PSS-V2\nbb49552975c396f1e49d5510e1555b8b0627dc491bc61aaefdb561f202ad8020"
    )


@pytest.mark.parametrize(
    ("algorithm", "salt", "other_salt"), [(Algorithm.PSS_V2, 32, 20), (Algorithm.PSS, 20, 32)]
)
def test_a_signature_verifies_with_cryptography_at_its_algorithms_salt_length_only(
    algorithm, salt, other_salt
):
    signer = Signer(PUBLIC_KEY_ID, private_key(), algorithm)
    text = string_to_sign(
        algorithm, canonical_request("POST", "/v2/refunds", {}, VECTOR_HEADERS, b"{}")
    )

    signature = base64.b64decode(signer.signature(text))

    public = private_key().public_key()
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=salt)
    public.verify(signature, text.encode(), pss, hashes.SHA256())
    wrong = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=other_salt)
    with pytest.raises(InvalidSignature):
        public.verify(signature, text.encode(), wrong, hashes.SHA256())


def test_pss_signatures_of_one_string_differ_and_both_verify():
    signer = Signer(PUBLIC_KEY_ID, private_key())

    first, second = signer.signature("text"), signer.signature("text")

    assert first != second
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
    for signature in (first, second):
        private_key().public_key().verify(
            base64.b64decode(signature), b"text", pss, hashes.SHA256()
        )


def test_the_authorization_header_names_algorithm_key_id_signed_headers_and_signature():
    header = Signer(PUBLIC_KEY_ID, private_key()).authorization("GET", "/", VECTOR_HEADERS, b"")

    assert re.fullmatch(
        r"AMZN-PAY-RSASSA-PSS-V2 PublicKeyId=SANDBOX-AHEXAMPLEKEYID0123456789, "
        r"SignedHeaders=accept;content-type;x-amz-pay-date;x-amz-pay-host;x-amz-pay-region, "
        r"Signature=[A-Za-z0-9+/]+=*",
        header,
    )


def test_the_signers_repr_shows_neither_key_nor_signature():
    shown = repr(Signer(PUBLIC_KEY_ID, private_key()))

    assert shown == f"Signer(public_key_id={PUBLIC_KEY_ID!r}, algorithm=AMZN-PAY-RSASSA-PSS-V2)"


def test_the_date_header_is_compact_utc():
    from datetime import UTC, datetime, timedelta, timezone

    moment = datetime(2018, 5, 25, 0, 37, 10, tzinfo=timezone(timedelta(hours=2)))

    assert timestamp(moment) == "20180524T223710Z"
    with pytest.raises(ValueError, match="timezone-aware"):
        timestamp(datetime(2018, 5, 24, 22, 37, 10))
    assert timestamp(datetime(2018, 5, 24, 22, 37, 10, tzinfo=UTC)) == "20180524T223710Z"
