"""The client's operations around the payments against the simulator: two sides written
apart (they share no wire code) agree on service and account status, SetOrderAttributes and
the order reference search with its pages."""

from __future__ import annotations

from amzpay.domain.money import Money
from integration.amazonpay.amazon_sides import SimulatorSide


def _order_with_seller_order_id(side: SimulatorSide, seller_order_id: str) -> str:
    order_id = side.buyer_order()
    side.client.set_order_reference_details(
        order_id, Money(2500, "EUR"), seller_order_id=seller_order_id
    )
    return order_id


def test_the_simulated_service_is_green_and_the_account_active(simulated: SimulatorSide):
    status = simulated.client.get_service_status().value
    account = simulated.client.get_merchant_account_status().value

    assert status.status == "GREEN"
    assert status.evaluated_at == simulated.clock.now()
    assert account == "ACTIVE"


def test_a_confirmed_order_takes_its_seller_order_id_later(simulated: SimulatorSide):
    order_id = simulated.buyer_order()
    simulated.client.set_order_reference_details(order_id, Money(2500, "EUR"))
    simulated.client.confirm_order_reference(order_id)

    reply = simulated.client.set_order_attributes(order_id, seller_order_id="late-7")

    assert reply.value.seller_order_id == "late-7"
    assert reply.value.status.state == "Open"


def test_order_references_are_found_by_seller_order_id_page_by_page(simulated: SimulatorSide):
    made = []
    for _ in range(3):
        made.append(_order_with_seller_order_id(simulated, "order-9"))
        simulated.advance(1)
    _order_with_seller_order_id(simulated, "order-10")

    first = simulated.client.list_order_references("order-9", "EUR", page_size=2).value
    assert first.next_page_token is not None
    rest = simulated.client.list_more_order_references(first.next_page_token).value

    found = [o.amazon_order_reference_id for o in first.order_references + rest.order_references]
    assert found == made[::-1]
    assert rest.next_page_token is None
    assert {o.order_total for o in first.order_references} == {Money(2500, "EUR")}
