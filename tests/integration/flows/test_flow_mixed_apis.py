"""One shop, both of Amazon's APIs: a legacy order and an API v2 order live side by side on
SQLite and PostgreSQL, each order's calls (authorize, capture, close, refund, the IPNs' look
at Amazon) going to the adapter of the API the order is stored with, each order's items in
its API's process (in that API's words), both refunded to the end by Amazon's IPNs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from amzpay.domain.order import AmazonApi
from amzpay.domain.payment import PaymentKind
from amzpay.processes.catalog import ASYNC, SYNC, V2, V2_SYNC
from mixed import MixedShop, mixed_shop_on
from shop import REFUND_SETTLES

LEGACY_CALLS = {"Authorize", "Capture", "Refund"}
V2_CALLS = {"CreateCharge", "CaptureCharge", "CreateRefund"}


@pytest.fixture
def shop(database_url: str) -> Iterator[MixedShop]:
    with mixed_shop_on(database_url) as made:
        yield made


def operations(shop: MixedShop, order: str) -> set[str]:
    with shop.app.database.read() as tx:
        return {call.operation for call in tx.api_calls(order)}


def test_a_legacy_and_a_v2_order_in_one_shop_are_both_refunded_to_the_end(shop: MixedShop):
    legacy = shop.closed_order()
    v2 = shop.closed_v2_order()

    for order in (legacy, v2):
        shop.app.refunds.request(order, ["L1-1"], actor="staff")
    shop.work()
    shop.later(REFUND_SETTLES)  # both APIs' IPNs arrive; the v2 one is looked up at Amazon

    with shop.app.database.read() as tx:
        heads = {order: tx.order_head(order) for order in (legacy, v2)}
    assert {order: (head.api, head.process) for order, head in heads.items()} == {
        legacy: (AmazonApi.LEGACY, ASYNC),
        v2: (AmazonApi.V2, V2),
    }
    for order in (legacy, v2):
        [refund] = shop.refunds(order)
        assert refund.state == "completed"
        assert shop.payments(order, PaymentKind.CAPTURE)[0].state == "completed"
    assert shop.item_states(legacy)["L1-1"] == "refund completed"
    assert shop.item_states(v2)["L1-1"] == "refunded"
    assert shop.item_states(v2)["L1-2"] == "closed"
    assert operations(shop, legacy) >= LEGACY_CALLS
    assert not operations(shop, legacy) & V2_CALLS
    assert operations(shop, v2) >= V2_CALLS
    assert not operations(shop, v2) & LEGACY_CALLS


def test_a_v2_refund_ipn_is_looked_up_with_api_v2_while_legacy_orders_stay_on_theirs(
    shop: MixedShop,
):
    legacy = shop.closed_order()
    v2 = shop.closed_v2_order()
    shop.app.refunds.request(v2, ["B1-pot"], actor="staff")
    shop.work()

    shop.later(REFUND_SETTLES)

    with shop.app.database.read() as tx:
        rows, _ = tx.ipn_page("REFUND", False, 10, 0)
    # Applied with no note: the gateway looked the refund up with API v2 (the legacy API
    # refuses a v2 refund id, which would leave the message noted and waiting).
    assert [(row.processed_at is not None, row.error) for row in rows] == [(True, None)]
    assert shop.refunds(v2)[0].state == "completed"
    assert shop.refunds(legacy) == []


def test_a_v2_charge_captured_at_once_closes_its_order_as_a_legacy_capture_now_does(
    shop: MixedShop,
):
    buyer = shop.amazon.sim.create_order_reference(payment_method="visa")
    spec = shop.spec(amazon_order_reference_id=buyer)
    legacy = shop.app.orders.import_order(spec, process=SYNC, confirm=True)
    v2 = shop.place_v2(process=V2_SYNC)
    shop.later(1)

    for order in (legacy, v2):
        [capture] = shop.payments(order, PaymentKind.CAPTURE)
        assert capture.state == "completed"
        assert shop.states(order) == {"closed"}
    assert "CreateCharge" in operations(shop, v2)
