"""GetOrderReferenceDetails and the buyer's address consent token: a Draft shows its buyer and
full address only to a caller holding a valid token of that buyer, as Amazon does
(amazonpay-api.md §A.4, §A.9)."""

from __future__ import annotations

import httpx
import pytest
from simkit import NS, Amazon, names, text
from widgetkit import ERIKA, JOHN

from amzpay.simulator import ManualClock, Simulator


def test_a_valid_consent_token_shows_the_buyer_and_the_full_destination(
    amazon: Amazon, sim: Simulator
):
    order_id = sim.create_order_reference()

    details = amazon.ok(
        "GetOrderReferenceDetails",
        AmazonOrderReferenceId=order_id,
        AddressConsentToken=sim.sign_in(ERIKA),
    )[0]

    assert text(details, "Buyer/Name") == "Erika Mustermann"
    assert text(details, "Buyer/Email") == ERIKA
    assert names(details.find("a:Destination/a:PhysicalDestination", NS)) == [
        "Name",
        "AddressLine1",
        "City",
        "PostalCode",
        "CountryCode",
        "Phone",
    ]
    assert text(details, "Destination/PhysicalDestination/AddressLine1") == "Heidestrasse 17"


def test_without_a_token_a_draft_shows_no_buyer_and_no_street(amazon: Amazon, sim: Simulator):
    order_id = sim.create_order_reference()

    details = amazon.ok("GetOrderReferenceDetails", AmazonOrderReferenceId=order_id)[0]

    assert details.find("a:Buyer", NS) is None
    assert details.find("a:Destination/a:PhysicalDestination/a:AddressLine1", NS) is None
    assert text(details, "Destination/PhysicalDestination/City") == "Koeln"


def test_an_unknown_token_is_refused(amazon: Amazon, sim: Simulator):
    order_id = sim.create_order_reference()

    refused = amazon.error(
        "GetOrderReferenceDetails", AmazonOrderReferenceId=order_id, AddressConsentToken="Atza|x"
    )

    assert refused == (404, "InvalidAddressConsentToken")


def test_an_expired_token_is_refused(amazon: Amazon, sim: Simulator, clock: ManualClock):
    order_id = sim.create_order_reference()
    token = sim.sign_in(ERIKA)
    clock.advance(3600)

    refused = amazon.error(
        "GetOrderReferenceDetails", AmazonOrderReferenceId=order_id, AddressConsentToken=token
    )

    assert refused == (404, "InvalidAddressConsentToken")


def test_another_buyers_token_is_refused(amazon: Amazon, sim: Simulator):
    order_id = sim.create_order_reference()

    refused = amazon.error(
        "GetOrderReferenceDetails",
        AmazonOrderReferenceId=order_id,
        AddressConsentToken=sim.sign_in(JOHN),
    )

    assert refused == (404, "InvalidAddressConsentToken")


def test_both_kinds_of_token_at_once_are_refused(amazon: Amazon, sim: Simulator):
    order_id = sim.create_order_reference()
    token = sim.sign_in(ERIKA)

    refused = amazon.error(
        "GetOrderReferenceDetails",
        AmazonOrderReferenceId=order_id,
        AddressConsentToken=token,
        AccessToken=token,
    )

    assert refused == (400, "InvalidParameterValue")


def test_the_control_api_signs_a_buyer_in_without_a_browser(http: httpx.Client, amazon: Amazon):
    order_id = http.post("/_sim/order-references", json={}).json()["AmazonOrderReferenceId"]

    signed = http.post("/_sim/sign-in", json={"email": ERIKA})
    details = amazon.ok(
        "GetOrderReferenceDetails",
        AmazonOrderReferenceId=order_id,
        AddressConsentToken=signed.json()["access_token"],
    )[0]

    assert signed.status_code == 200
    assert signed.json()["expires_in"] == 3600
    assert text(details, "Buyer/Email") == ERIKA


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"email": ERIKA, "password": "wrong"}, 401),
        ({"email": "nobody@example.com"}, 401),
        ({"email": ERIKA, "seller_id": "A0UNKNOWN"}, 404),
        ([ERIKA], 400),
    ],
)
def test_the_control_api_refuses_a_sign_in_it_cannot_make(http: httpx.Client, body, status):
    answer = http.post("/_sim/sign-in", json=body)

    assert answer.status_code == status
    assert answer.json()["error"]
