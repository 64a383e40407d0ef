"""The request envelope: Signature Version 2, required parameters, keys, time, and Amazon's
error XML (amazonpay-api.md §A.2, §A.3)."""

from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from simkit import HOST, LIVE, NS, SANDBOX, Amazon, names, node, sign_v2, text

from amzpay.simulator import ManualClock, Simulator


def test_the_test_signer_reproduces_amazons_published_signature() -> None:
    # Java SDK vector (research §A.2): GetOrderReferenceDetails, TEST_* credentials.
    params = {
        "AWSAccessKeyId": "TEST_ACCESS_KEY",
        "Action": "GetOrderReferenceDetails",
        "AmazonOrderReferenceId": "AMAZON_ORDER_REFERENCE_ID",
        "SellerId": "TEST_MERCHANT_ID",
        "SignatureMethod": "HmacSHA256",
        "SignatureVersion": "2",
        "Timestamp": "2015-12-31T23:59:58Z",
        "Version": "2013-01-01",
    }

    signature = sign_v2("TEST_SECRET_KEY", "mws.amazonservices.com", SANDBOX, params)

    assert signature == "cpkDC72d5lMIbo5ET2dvERTw4F2cGQJL3eQPzUe2pAE="


def test_a_correctly_signed_call_is_answered(amazon: Amazon, sim: Simulator) -> None:
    order_id = sim.create_order_reference()

    result = amazon.ok("GetOrderReferenceDetails", AmazonOrderReferenceId=order_id)

    assert text(result, "OrderReferenceDetails/AmazonOrderReferenceId") == order_id


def test_a_wrong_secret_gives_signature_does_not_match_as_amazons_error_xml(
    amazon: Amazon, sim: Simulator
) -> None:
    order_id = sim.create_order_reference()

    answer = amazon.post(
        "GetOrderReferenceDetails", secret="not-the-secret", AmazonOrderReferenceId=order_id
    )

    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("text/xml")
    root = ElementTree.fromstring(answer.content)
    assert root.tag == f"{{{NS['a']}}}ErrorResponse"
    assert names(root) == ["Error", "RequestId"]
    assert names(node(root, "Error")) == ["Type", "Code", "Message"]
    assert text(root, "Error/Type") == "Sender"
    assert text(root, "Error/Code") == "SignatureDoesNotMatch"
    assert "signature we calculated does not match" in text(root, "Error/Message")
    assert len(text(root, "RequestId")) == 36


def test_a_tampered_parameter_breaks_the_signature(amazon: Amazon, sim: Simulator) -> None:
    order_id = sim.create_order_reference()
    params = amazon.envelope("GetOrderReferenceDetails") | {"AmazonOrderReferenceId": order_id}
    params["Signature"] = sign_v2("shop-secret", HOST, SANDBOX, params)
    params["AmazonOrderReferenceId"] = "S01-0000000-0000000"

    answer = amazon.http.post(SANDBOX, data=params)

    assert answer.status_code == 403
    assert b"SignatureDoesNotMatch" in answer.content


def test_a_signature_over_the_host_with_its_port_is_accepted(
    amazon: Amazon, sim: Simulator
) -> None:
    # The Python SDK signs the URL's netloc, port included (§A.2).
    order_id = sim.create_order_reference()
    params = amazon.envelope("GetOrderReferenceDetails") | {"AmazonOrderReferenceId": order_id}
    params["Signature"] = sign_v2("shop-secret", f"{HOST}:8443", SANDBOX, params)

    answer = amazon.http.post(f"https://{HOST}:8443{SANDBOX}", data=params)

    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize(
    "name",
    [
        "AWSAccessKeyId",
        "Action",
        "SellerId",
        "SignatureMethod",
        "SignatureVersion",
        "Timestamp",
        "Version",
        "Signature",
    ],
)
def test_a_call_without_a_required_envelope_parameter_is_refused(amazon: Amazon, name: str) -> None:
    params = amazon.envelope("GetServiceStatus")
    params["Signature"] = sign_v2("shop-secret", HOST, SANDBOX, params)
    del params[name]

    answer = amazon.http.post(SANDBOX, data=params)

    assert answer.status_code == 400
    assert text(ElementTree.fromstring(answer.content), "Error/Code") == "MissingParameter"


def test_an_unknown_access_key_is_refused(amazon: Amazon) -> None:
    params = amazon.envelope("GetOrderReferenceDetails") | {"AWSAccessKeyId": "AKIAUNKNOWN"}
    params["Signature"] = sign_v2("shop-secret", HOST, SANDBOX, params)

    answer = amazon.http.post(SANDBOX, data=params)

    assert answer.status_code == 403
    assert text(ElementTree.fromstring(answer.content), "Error/Code") == "InvalidAccessKeyId"


def test_a_timestamp_more_than_fifteen_minutes_old_is_refused(
    amazon: Amazon, clock: ManualClock, sim: Simulator
) -> None:
    order_id = sim.create_order_reference()
    params = amazon.envelope("GetOrderReferenceDetails") | {"AmazonOrderReferenceId": order_id}
    params["Timestamp"] = (clock.now() - timedelta(minutes=16)).strftime("%Y-%m-%dT%H:%M:%SZ")
    params["Signature"] = sign_v2("shop-secret", HOST, SANDBOX, params)

    answer = amazon.http.post(SANDBOX, data=params)

    assert answer.status_code == 400
    assert text(ElementTree.fromstring(answer.content), "Error/Code") == "RequestExpired"


def test_a_timestamp_fourteen_minutes_off_is_still_accepted(
    amazon: Amazon, clock: ManualClock, sim: Simulator
) -> None:
    order_id = sim.create_order_reference()
    params = amazon.envelope("GetOrderReferenceDetails") | {"AmazonOrderReferenceId": order_id}
    params["Timestamp"] = (clock.now() + timedelta(minutes=14)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    params["Signature"] = sign_v2("shop-secret", HOST, SANDBOX, params)

    assert amazon.http.post(SANDBOX, data=params).status_code == 200


def test_a_seller_id_that_the_key_does_not_belong_to_is_refused(amazon: Amazon) -> None:
    params = amazon.envelope("GetOrderReferenceDetails") | {"SellerId": "AOTHERSELLER"}
    params["Signature"] = sign_v2("shop-secret", HOST, SANDBOX, params)

    answer = amazon.http.post(SANDBOX, data=params)

    assert answer.status_code == 401
    assert text(ElementTree.fromstring(answer.content), "Error/Code") == "UnauthorizedAccess"


def test_an_unknown_action_is_refused(amazon: Amazon) -> None:
    assert amazon.error("PayMeTwice") == (400, "InvalidAction")


def test_a_missing_operation_parameter_is_named_in_the_error(amazon: Amazon) -> None:
    answer = amazon.post("GetOrderReferenceDetails")

    assert answer.status_code == 400
    root = ElementTree.fromstring(answer.content)
    assert text(root, "Error/Code") == "MissingParameter"
    assert "AmazonOrderReferenceId" in text(root, "Error/Message")


def test_a_sandbox_order_is_unknown_on_the_live_endpoint(amazon: Amazon, sim: Simulator) -> None:
    order_id = sim.create_order_reference()
    amazon.path = LIVE

    assert amazon.error("GetOrderReferenceDetails", AmazonOrderReferenceId=order_id) == (
        404,
        "InvalidOrderReferenceId",
    )


def test_a_success_carries_response_metadata_with_a_request_id(
    amazon: Amazon, sim: Simulator
) -> None:
    order_id = sim.create_order_reference()

    answer = amazon.post("GetOrderReferenceDetails", AmazonOrderReferenceId=order_id)

    root = ElementTree.fromstring(answer.content)
    assert root.tag == f"{{{NS['a']}}}GetOrderReferenceDetailsResponse"
    assert names(root) == ["GetOrderReferenceDetailsResult", "ResponseMetadata"]
    assert len(text(root, "ResponseMetadata/RequestId")) == 36


def test_a_body_that_is_not_utf8_is_refused_rather_than_crashing(amazon: Amazon) -> None:
    form = {"content-type": "application/x-www-form-urlencoded"}

    answer = amazon.http.post(SANDBOX, content=b"Action=\xff\xfe", headers=form)

    assert answer.status_code == 400
    assert text(ElementTree.fromstring(answer.content), "Error/Code") == "MissingParameter"
