"""Reading SandboxSimulation notes (amazonpay-api.md §A.11)."""

from __future__ import annotations

import pytest

from amzpay.simulator.errors import ApiError
from amzpay.simulator.scenarios import Simulation, read

DOCUMENTED = [
    (
        "SetOrderReferenceDetails",
        '{"SandboxSimulation":{"Constraint":"PaymentMethodNotAllowed"}}',
        Simulation(constraint="PaymentMethodNotAllowed"),
    ),
    (
        "CloseOrderReference",
        '{"SandboxSimulation": {"State":"Closed","ReasonCode":"AmazonClosed"}}',
        Simulation("Closed", "AmazonClosed"),
    ),
    (
        "Authorize",
        (
            '{"SandboxSimulation": {"State":"Declined", "ReasonCode":"InvalidPaymentMethod", '
            '"PaymentMethodUpdateTimeInMins":5}}'
        ),
        Simulation("Declined", "InvalidPaymentMethod", payment_method_update_minutes=5),
    ),
    (
        "Authorize",
        (
            '{"SandboxSimulation": {"State":"Declined", "ReasonCode":"InvalidPaymentMethod", '
            '"PaymentMethodUpdateTimeInMins":1, "SoftDecline":"true"}}'
        ),
        Simulation(
            "Declined", "InvalidPaymentMethod", payment_method_update_minutes=1, soft_decline=True
        ),
    ),
    (
        "Authorize",
        '{"SandboxSimulation": {"State":"Declined", "ReasonCode":"AmazonRejected"}}',
        Simulation("Declined", "AmazonRejected"),
    ),
    (
        "Authorize",
        '{"SandboxSimulation": {"State":"Declined", "ReasonCode":"TransactionTimedOut"}}',
        Simulation("Declined", "TransactionTimedOut"),
    ),
    (
        "Authorize",
        (
            '{"SandboxSimulation": {"State":"Closed", "ReasonCode":"ExpiredUnused", '
            '"ExpirationTimeInMins":1}}'
        ),
        Simulation("Closed", "ExpiredUnused", expiration_minutes=1),
    ),
    (
        "Authorize",
        '{"SandboxSimulation": {"State":"Closed", "ReasonCode":"AmazonClosed"}}',
        Simulation("Closed", "AmazonClosed"),
    ),
    ("Capture", '{"SandboxSimulation": {"State":"Pending"}}', Simulation("Pending")),
    (
        "Capture",
        '{"SandboxSimulation": {"State":"Declined", "ReasonCode":"AmazonRejected"}}',
        Simulation("Declined", "AmazonRejected"),
    ),
    (
        "Capture",
        '{"SandboxSimulation": {"State":"Closed", "ReasonCode":"AmazonClosed"}}',
        Simulation("Closed", "AmazonClosed"),
    ),
    (
        "Refund",
        '{"SandboxSimulation": {"State":"Declined", "ReasonCode":"AmazonRejected"}}',
        Simulation("Declined", "AmazonRejected"),
    ),
]


@pytest.mark.parametrize(("operation", "note", "expected"), DOCUMENTED)
def test_every_documented_simulation_string_is_understood(
    operation: str, note: str, expected: Simulation
) -> None:
    assert read(operation, note) == expected


@pytest.mark.parametrize(("operation", "note", "expected"), DOCUMENTED)
def test_whitespace_inside_the_json_does_not_matter(
    operation: str, note: str, expected: Simulation
) -> None:
    assert read(operation, note.replace(" ", "").replace(":", ": ")) == expected


@pytest.mark.parametrize("note", [None, "", "Thanks for your order", '{"Gift": true}'])
def test_an_ordinary_note_asks_for_nothing(note: str | None) -> None:
    assert read("Refund", note) is None


@pytest.mark.parametrize(
    ("operation", "note"),
    [
        ("Refund", '{"SandboxSimulation": {"State":"Declined", "ReasonCode":"AmazonClosed"}}'),
        ("Capture", '{"SandboxSimulation": {"State":"Pending", "ReasonCode":"AmazonRejected"}}'),
        (
            "CloseOrderReference",
            '{"SandboxSimulation": {"State":"Closed","ReasonCode":"SellerClosed"}}',
        ),
        (
            "SetOrderReferenceDetails",
            '{"SandboxSimulation":{"Constraint":"ShippingAddressNotSet"}}',
        ),
        (
            "Authorize",
            (
                '{"SandboxSimulation": {"State":"Closed", "ReasonCode":"AmazonClosed", '
                '"ExpirationTimeInMins":1}}'
            ),
        ),
        (
            "Authorize",
            (
                '{"SandboxSimulation": {"State":"Declined", "ReasonCode":"InvalidPaymentMethod", '
                '"PaymentMethodUpdateTimeInMins":-1}}'
            ),
        ),
        (
            "Authorize",
            (
                '{"SandboxSimulation": {"State":"Declined", "ReasonCode":"InvalidPaymentMethod", '
                '"SoftDecline":"maybe"}}'
            ),
        ),
        (
            "GetRefundDetails",
            '{"SandboxSimulation": {"State":"Declined", "ReasonCode":"AmazonRejected"}}',
        ),
        ("Refund", "SandboxSimulation please"),
        ("Refund", '["SandboxSimulation"]'),
    ],
)
def test_an_undocumented_combination_is_refused(operation: str, note: str) -> None:
    with pytest.raises(ApiError) as refused:
        read(operation, note)

    assert refused.value.code == "InvalidSandboxSimulationSpecified"
    assert refused.value.http_status == 400
