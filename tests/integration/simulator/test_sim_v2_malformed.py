"""Whatever a caller sends to v2, the answer is one of Amazon's 4xx error bodies naming what
was wrong, never a 5xx: malformed authorization headers, bodies that are not JSON objects,
fields of the wrong kind."""

from __future__ import annotations

import httpx
import pytest
from v2kit import Pay

AUTHORIZATIONS = [
    "",
    "AMZN-PAY-RSASSA-PSS-V2 PublicKeyId=SANDBOX-AHV2SHOPKEY0001, SignedHeaders=a;;b, Signature=AAAA",
    "AMZN-PAY-RSASSA-PSS-V2 PublicKeyId=SANDBOX-AHV2SHOPKEY0001, SignedHeaders=x-amz-pay-date, Signature="
    + "A" * 400,
    "AMZN-PAY-RSASSA-PSS-V2 PublicKeyId=, SignedHeaders=, Signature=",
]
PATHS = ["/v2/refunds", "/sandbox/v2/x/y/z", "/live/v2/", "/v2/charges/%00/capture"]
BODIES = [
    b"\xff\xfe",
    b"null",
    b"[]",
    b'{"chargeId": 5}',
    b'{"chargeId": "x", "refundAmount": "5"}',
    b'{"chargeId": "x", "refundAmount": {"amount": 5, "currencyCode": "EUR"}}',
    b'{"chargeId": "x", "refundAmount": {"amount": "1e5", "currencyCode": "EUR"}}',
    b'{"webCheckoutDetails": [], "storeId": "s"}',
    b'{"paymentDetails": {"chargeAmount": null}}',
    b'{"webCheckoutDetails": {"checkoutReviewReturnUrl": "u"}, "storeId": "s", "paymentDetails": {"canHandlePendingAuthorization": "yes"}}',
    b'{"merchantMetadata": {"merchantReferenceId": 7}}',
    b'{"closureReason": ["a"]}',
    b'{"captureAmount": {"amount": "1"}}',
]
OPERATIONS = [
    ("POST", "/v2/refunds"),
    ("POST", "/v2/checkoutSessions"),
    ("POST", "/v2/charges"),
    ("DELETE", "/v2/chargePermissions/S01-1/close"),
    ("PATCH", "/v2/checkoutSessions/abc"),
    ("POST", "/v2/charges/S01-1-C1/capture"),
]


def _is_amazons_4xx(answer: httpx.Response) -> bool:
    body = answer.json()
    return 400 <= answer.status_code < 500 and bool(body["reasonCode"]) and bool(body["message"])


@pytest.mark.parametrize("authorization", AUTHORIZATIONS)
@pytest.mark.parametrize("path", PATHS)
def test_a_malformed_signature_is_a_4xx(
    v2_http: httpx.Client, authorization: str, path: str
) -> None:
    headers = {"authorization": authorization, "x-amz-pay-date": "junk"}
    assert _is_amazons_4xx(v2_http.post(path, headers=headers, content=b"\xff\xfe"))


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_a_malformed_body_signed_correctly_is_a_4xx(pay: Pay, method: str, path: str) -> None:
    for number, body in enumerate(BODIES):
        answer = pay.send(method, path, None, key=f"malformed-{number}", content=body)
        assert _is_amazons_4xx(answer), (body, answer.text)
