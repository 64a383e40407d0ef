from __future__ import annotations

import json

from amzpay.domain.money import Money
from shop import SimulatedAmazon, order_spec


def test_order_reference_ipns_keep_the_order_references_state(sim_shop, simulated):
    amazon_order = simulated.sim.create_order_reference(payment_method="visa")
    order = sim_shop.place(order_spec(amazon_order_reference_id=amazon_order))

    simulated.client.set_order_reference_details(amazon_order, Money(9888, "EUR"))
    simulated.client.confirm_order_reference(amazon_order)
    simulated.client.close_order_reference(amazon_order)
    simulated.advance(5)
    sim_shop.work()

    with sim_shop.app.database.transaction() as tx:
        assert tx.order_reference_state(order) == "closed"


def stored_with_type(sim_shop, simulated: SimulatedAmazon, notification_type: str) -> str:
    """A delivered IPN stored again as if its type were ``notification_type``."""
    simulated.captured(Money(1000, "EUR"), "kinds")
    simulated.advance(5)
    envelope = dict(simulated.answers[-1][0].envelope)
    message = json.loads(envelope["Message"])
    message["NotificationType"] = notification_type
    envelope["Message"], envelope["MessageId"] = json.dumps(message), "made-up-1"
    with sim_shop.app.database.transaction() as tx:
        tx.receive_ipn("made-up-1", notification_type, json.dumps(envelope), sim_shop.clock())
    return "made-up-1"


def test_a_notification_type_we_do_not_read_is_recorded_and_acknowledged(sim_shop, simulated):
    message_id = stored_with_type(sim_shop, simulated, "ChargebackDetailed")

    sim_shop.work()

    with sim_shop.app.database.transaction() as tx:
        outcomes = {m: note for m, _, note in tx.ipn_outcomes()}
        assert tx.unprocessed_ipns(10) == []
    assert "not read; acknowledged" in outcomes[message_id]


def test_ipns_about_objects_we_never_made_are_noted_and_change_nothing(sim_shop, simulated):
    simulated.captured(Money(1000, "EUR"), "strangers")
    simulated.advance(5)

    sim_shop.work()

    with sim_shop.app.database.transaction() as tx:
        notes = [note for _, _, note in tx.ipn_outcomes()]
    assert notes
    assert all("ignored" in note for note in notes)
