"""API v2 requests are signed RSASSA-PSS by the seller's registered key over the canonical
request (amazonpay-api.md §C.3): the simulator verifies every header in SignedHeaders, both
algorithms and both date forms, and which environment each key may call (§C.1)."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from v2kit import LIVE_SELLER, OTHER_KEY, PLAIN_SELLER, Pay, sign

from amzpay.simulator import (
    InProcessTransport,
    ManualClock,
    Seller,
    SimulatorConfig,
    create_simulator,
)

NEW_SESSION = {
    "webCheckoutDetails": {"checkoutReviewReturnUrl": "https://shop.example/review"},
    "storeId": "amzn1.application-oa2-client.simulator",
}


def _create(pay: Pay, **options: object) -> httpx.Response:
    return pay.post("/v2/checkoutSessions", NEW_SESSION, **options)


def test_a_request_signed_with_the_v2_algorithm_is_answered(pay: Pay) -> None:
    answer = _create(pay)
    assert answer.status_code == 201, answer.text
    assert answer.json()["statusDetails"]["state"] == "Open"
    assert answer.headers["x-amz-pay-request-id"]


def test_a_request_signed_with_the_older_algorithm_and_salt_20_is_answered(pay: Pay) -> None:
    pay.algorithm = "AMZN-PAY-RSASSA-PSS"
    assert _create(pay).status_code == 201


def test_the_node_sdks_iso_date_form_is_accepted(pay: Pay) -> None:
    pay.node_dates = True
    assert _create(pay).status_code == 201


def test_a_signature_by_another_key_is_invalid_request_signature(pay: Pay) -> None:
    pay.key = OTHER_KEY
    answer = _create(pay)
    assert answer.status_code == 401
    body = answer.json()
    assert body["reasonCode"] == "InvalidRequestSignature"
    assert body["message"].startswith(
        "Unable to verify signature, signing String [AMZN-PAY-RSASSA-PSS-V2\\n"
    )


def test_a_signature_labelled_with_the_other_algorithm_does_not_verify(pay: Pay) -> None:
    pay.algorithm = "AMZN-PAY-RSASSA-PSS-V2"
    answer = pay.send("POST", "/v2/checkoutSessions", NEW_SESSION, key="k1")
    assert answer.status_code == 201
    signed = dict(answer.request.headers)
    old = signed["authorization"].replace("AMZN-PAY-RSASSA-PSS-V2 ", "AMZN-PAY-RSASSA-PSS ")
    again = pay.http.post(
        "/v2/checkoutSessions",
        content=answer.request.content,
        headers={**signed, "authorization": old},
    )
    assert again.json()["reasonCode"] == "InvalidRequestSignature"


def test_a_request_without_authorization_is_invalid_request_signature(pay: Pay) -> None:
    answer = pay.http.post("/v2/checkoutSessions", json=NEW_SESSION, headers=pay.headers())
    assert (answer.status_code, answer.json()["reasonCode"]) == (401, "InvalidRequestSignature")


def test_a_signed_header_changed_on_the_way_is_invalid_request_signature(pay: Pay) -> None:
    answer = _create(pay, unsigned={"x-amz-pay-region": "NA"})
    assert answer.json()["reasonCode"] == "InvalidRequestSignature"


def test_a_body_changed_on_the_way_is_invalid_request_signature(pay: Pay) -> None:
    signed = _create(pay).request
    other = json.dumps({**NEW_SESSION, "storeId": "another"}).encode()
    headers = {**dict(signed.headers), "x-amz-pay-idempotency-key": "other1"}
    answer = pay.http.post("/v2/checkoutSessions", content=other, headers=headers)
    assert answer.json()["reasonCode"] == "InvalidRequestSignature"


def test_every_header_listed_as_signed_is_checked_not_a_fixed_set(pay: Pay) -> None:
    signed = _create(pay, headers={"user-agent": "amazon-pay-api-sdk-nodejs/2.3"}).request
    assert "user-agent" in signed.headers["authorization"]
    headers = {
        **dict(signed.headers),
        "user-agent": "something-else",
        "x-amz-pay-idempotency-key": "k9",
    }
    answer = pay.http.post("/v2/checkoutSessions", content=signed.content, headers=headers)
    assert answer.json()["reasonCode"] == "InvalidRequestSignature"


def test_headers_sent_but_not_signed_do_not_count(pay: Pay) -> None:
    answer = _create(pay, unsigned={"x-forwarded-for": "10.0.0.1"})
    assert answer.status_code == 201


def test_a_signed_header_missing_from_the_request_is_invalid_request_signature(pay: Pay) -> None:
    signed = _create(pay).request
    headers = {k: v for k, v in signed.headers.items() if k != "x-amz-pay-region"}
    answer = pay.http.post("/v2/checkoutSessions", content=signed.content, headers=headers)
    body = answer.json()
    assert body["reasonCode"] == "InvalidRequestSignature"
    assert "x-amz-pay-region" in body["message"]


def test_the_date_header_must_be_signed(pay: Pay, clock: ManualClock) -> None:
    headers = {k: v for k, v in pay.headers().items() if k != "x-amz-pay-date"}
    body = json.dumps(NEW_SESSION).encode()
    signature = sign(pay.key, pay.algorithm, "POST", "/v2/checkoutSessions", headers, body)
    authorization = f"{pay.algorithm} PublicKeyId={pay.seller.public_key_id}, SignedHeaders={';'.join(sorted(headers))}, Signature={signature}"
    sent = {**headers, "authorization": authorization, "x-amz-pay-date": "20260302T100000Z"}
    answer = pay.http.post("/v2/checkoutSessions", content=body, headers=sent)
    assert answer.json()["reasonCode"] == "InvalidRequestSignature"
    del sent["x-amz-pay-date"]
    answer = pay.http.post("/v2/checkoutSessions", content=body, headers=sent)
    assert answer.json()["reasonCode"] == "MissingHeader"


def test_a_date_more_than_15_minutes_off_is_refused(pay: Pay, clock: ManualClock) -> None:
    late = Pay(pay.http, ManualClock(clock.now() - timedelta(minutes=16)))
    assert late.error("POST", "/v2/checkoutSessions", NEW_SESSION) == (400, "InvalidHeaderValue")
    nearly = Pay(pay.http, ManualClock(clock.now() - timedelta(minutes=14)))
    assert _create(nearly).status_code == 201


def test_an_unregistered_public_key_id_is_unauthorized(pay: Pay) -> None:
    stranger = Pay(pay.http, pay.clock, Seller(public_key_id="SANDBOX-NOBODY"))
    assert stranger.error("POST", "/v2/checkoutSessions", NEW_SESSION) == (
        401,
        "UnauthorizedAccess",
    )


def test_the_signed_path_includes_the_environment_prefix(pay: Pay) -> None:
    pay.seller = PLAIN_SELLER
    pay.prefix = "/sandbox"
    assert _create(pay).status_code == 201
    signed = _create(pay).request
    wrong = sign(
        pay.key,
        pay.algorithm,
        "POST",
        "/v2/checkoutSessions",
        {
            k: v
            for k, v in signed.headers.items()
            if k
            in (
                "accept",
                "content-type",
                "x-amz-pay-date",
                "x-amz-pay-host",
                "x-amz-pay-region",
                "x-amz-pay-idempotency-key",
            )
        },
        signed.content,
    )
    headers = {**dict(signed.headers), "x-amz-pay-idempotency-key": "fresh"}
    headers["authorization"] = (
        headers["authorization"].rsplit("Signature=", 1)[0] + f"Signature={wrong}"
    )
    answer = pay.http.post("/sandbox/v2/checkoutSessions", content=signed.content, headers=headers)
    assert answer.json()["reasonCode"] == "InvalidRequestSignature"


@pytest.mark.parametrize(
    ("seller", "prefix", "environment"),
    [
        ("sandbox", "", "Sandbox"),
        ("sandbox", "/sandbox", "Sandbox"),
        ("live", "", "Live"),
        ("live", "/live", "Live"),
        ("plain", "/sandbox", "Sandbox"),
        ("plain", "/live", "Live"),
    ],
)
def test_each_key_calls_its_environment(
    pay: Pay, seller: str, prefix: str, environment: str
) -> None:
    pay.seller = {"sandbox": pay.seller, "live": LIVE_SELLER, "plain": PLAIN_SELLER}[seller]
    pay.prefix = prefix
    answer = _create(pay)
    assert answer.status_code == 201, answer.text
    assert answer.json()["releaseEnvironment"] == environment


@pytest.mark.parametrize(
    ("seller", "prefix"), [("sandbox", "/live"), ("live", "/sandbox"), ("plain", "")]
)
def test_a_key_outside_its_environment_is_unauthorized(pay: Pay, seller: str, prefix: str) -> None:
    pay.seller = {"sandbox": pay.seller, "live": LIVE_SELLER, "plain": PLAIN_SELLER}[seller]
    pay.prefix = prefix
    assert pay.error("POST", "/v2/checkoutSessions", NEW_SESSION) == (401, "UnauthorizedAccess")


def test_an_object_of_one_environment_is_not_found_in_the_other(pay: Pay) -> None:
    pay.seller, pay.prefix = PLAIN_SELLER, "/sandbox"
    session_id = _create(pay).json()["checkoutSessionId"]
    assert pay.ok("GET", f"/v2/checkoutSessions/{session_id}")["checkoutSessionId"] == session_id
    pay.prefix = "/live"
    assert pay.error("GET", f"/v2/checkoutSessions/{session_id}") == (404, "ResourceNotFound")


def test_paths_ending_in_a_slash_as_the_dotnet_sdk_builds_them_are_answered(pay: Pay) -> None:
    session_id = pay.post("/v2/checkoutSessions/", NEW_SESSION).json()["checkoutSessionId"]
    assert pay.ok("GET", f"/v2/checkoutSessions/{session_id}/")["checkoutSessionId"] == session_id


def test_mounted_under_a_prefix_the_full_signed_path_is_verified(
    v2_app: Starlette, clock: ManualClock
) -> None:
    outer = Starlette(routes=[Mount("/simulator", app=v2_app)])
    with httpx.Client(transport=InProcessTransport(outer), base_url="https://shop.example") as http:
        mounted = Pay(http, clock, PLAIN_SELLER, prefix="/simulator/sandbox")
        created = mounted.post("/v2/checkoutSessions", NEW_SESSION)
        assert created.status_code == 201, created.text
        assert created.json()["releaseEnvironment"] == "Sandbox"
        mounted.prefix = "/simulator/live"
        assert (
            mounted.post("/v2/checkoutSessions", NEW_SESSION).json()["releaseEnvironment"] == "Live"
        )


def test_a_seller_registered_with_an_unreadable_public_key_is_refused_not_failed(
    clock: ManualClock,
) -> None:
    broken = Seller(
        public_key_id="SANDBOX-BROKEN", public_key_pem="-----BEGIN PUBLIC KEY-----\nnope"
    )
    app = create_simulator(SimulatorConfig(sellers=(broken,)), clock=clock)
    with httpx.Client(
        transport=InProcessTransport(app), base_url="https://pay-api.amazon.eu"
    ) as http:
        answer = Pay(http, clock, broken).post("/v2/checkoutSessions", NEW_SESSION)
    assert (answer.status_code, answer.json()["reasonCode"]) == (401, "UnauthorizedAccess")
