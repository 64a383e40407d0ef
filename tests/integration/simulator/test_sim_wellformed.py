"""Every answer of the simulator is well-formed XML, whatever a caller sends: an error that
repeats a value with a control character in it, a success that shows a note holding one, an
IPN carrying it, a request body that is not even UTF-8. Checked with a real XML parser."""

from __future__ import annotations

import json
from urllib.parse import urlencode
from xml.etree.ElementTree import fromstring

import httpx
from hypothesis import HealthCheck, given, settings, strategies as st
from simkit import HOST, NS, SANDBOX, SELLER, Amazon, Inbox, Shop, sign_v2, text

from amzpay.simulator import Simulator

# Anything a UTF-8 form field can carry: every code point but the lone surrogates.
VALUES = st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=40)
FIXTURES_KEPT = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _parsed(answer: httpx.Response) -> str:
    """The answer's root element name; raises ParseError if it is not well-formed."""
    return fromstring(answer.content).tag.split("}")[1]


@FIXTURES_KEPT
@given(value=VALUES)
def test_errors_that_repeat_a_value_are_well_formed(amazon: Amazon, value: str) -> None:
    answers = [
        amazon.post("GetOrderReferenceDetails", AmazonOrderReferenceId=value),
        amazon.post("GetAuthorizationDetails", AmazonAuthorizationId=value),
        amazon.post(value),  # the Action itself
        amazon.post(
            "Refund",
            AmazonCaptureId="S01-0000000-0000000-C000000",
            RefundReferenceId=value,
            **{"RefundAmount.Amount": value, "RefundAmount.CurrencyCode": value},
        ),
    ]

    assert [_parsed(answer) for answer in answers] == ["ErrorResponse"] * 4


@FIXTURES_KEPT
@given(value=VALUES)
def test_a_reference_id_with_a_control_character_is_refused_readably(
    amazon: Amazon, shop: Shop, value: str
) -> None:
    auth_id = shop.authorize(shop.open_order("10.00"), "10.00")

    answer = amazon.post(
        "Capture",
        AmazonAuthorizationId=auth_id,
        CaptureReferenceId=f"cap\x01{value}",
        **{"CaptureAmount.Amount": "10.00", "CaptureAmount.CurrencyCode": "EUR"},
    )

    message = fromstring(answer.content).findtext("a:Error/a:Message", None, NS)
    assert answer.status_code == 400
    assert message is not None
    assert "cap\\x01" in message


@FIXTURES_KEPT
@given(note=VALUES)
def test_a_note_shown_in_answers_and_ipns_is_well_formed(
    amazon: Amazon, shop: Shop, sim: Simulator, inbox: Inbox, note: str
) -> None:
    auth_id = shop.authorize(shop.open_order("10.00"), "10.00")
    capture_id = shop.capture(auth_id, "10.00", SellerCaptureNote=note[:255])
    sim.advance(1)

    shown = amazon.ok("GetCaptureDetails", AmazonCaptureId=capture_id)[0]
    message = json.loads(json.loads(inbox.of("PaymentCapture")[-1].body)["Message"])

    assert text(shown, "AmazonCaptureId") == capture_id
    assert fromstring(message["NotificationData"]).tag.endswith("CaptureNotification")


def test_a_body_that_is_not_utf8_is_answered_with_well_formed_xml(
    amazon: Amazon, http: httpx.Client
) -> None:
    # The simulator reads a byte that is not UTF-8 as U+FFFD; signed that way, the call
    # gets as far as naming its unknown Action (with a control character) in the answer.
    action = "Get\ufffd\x01"
    params = amazon.envelope(action)
    params["Signature"] = sign_v2(SELLER.secret_key, HOST, SANDBOX, params)
    body = urlencode(params).replace("%EF%BF%BD", "%FF").encode()

    answer = http.post(
        SANDBOX, content=body, headers={"content-type": "application/x-www-form-urlencoded"}
    )

    assert _parsed(answer) == "ErrorResponse"
    assert fromstring(answer.content).findtext("a:Error/a:Code", None, NS) == "InvalidAction"
