"""Each order's Amazon API: stored with the order, read back with it, with its head (what the
gateway routes by), and in its summary; the IPN inbox read one API's message types at a
time."""

from __future__ import annotations

from dataclasses import replace

from amzpay.domain.order import AmazonApi
from amzpay.domain.payment import PaymentKind
from amzpay.ports.payments import NewPayment
from amzpay.ports.queries import OrderFilter
from fakes.orders import make_order
from integration.store.contract.kit import NOW, eur, stored


def test_an_order_is_a_legacy_order_unless_stored_with_api_v2(storage):
    legacy = stored(storage)
    v2 = stored(storage, replace(make_order(), api=AmazonApi.V2))

    with storage.read() as tx:
        orders = {o.reference: tx.order(o.reference).api for o in (legacy, v2)}
        heads = {o.reference: tx.order_head(o.reference).api for o in (legacy, v2)}
    with storage.transaction() as tx:
        locked = tx.try_lock_order(v2.reference)
    with storage.transaction() as tx:
        head = tx.lock_order(v2.reference)

    assert orders == heads == {legacy.reference: AmazonApi.LEGACY, v2.reference: AmazonApi.V2}
    assert locked is not None
    assert locked.api is AmazonApi.V2
    assert head.api is AmazonApi.V2


def test_a_v2_order_comes_back_as_it_was_stored(storage):
    order = stored(storage, replace(make_order(quantity=2), api=AmazonApi.V2))

    with storage.read() as tx:
        assert tx.order(order.reference) == order


def test_an_order_summary_says_the_orders_api(storage):
    legacy = stored(storage)
    v2 = stored(storage, replace(make_order(), api=AmazonApi.V2))

    with storage.read() as tx:
        page, _ = tx.order_page(OrderFilter(), 10, 0)

    assert {(s.reference, s.api) for s in page} == {
        (legacy.reference, AmazonApi.LEGACY),
        (v2.reference, AmazonApi.V2),
    }


def test_a_payment_objects_order_and_its_api_are_found_by_its_amazon_id(storage):
    order = stored(storage, replace(make_order(), api=AmazonApi.V2))
    with storage.transaction() as tx:
        auth = tx.add_payment(
            order.reference,
            NewPayment(PaymentKind.AUTHORIZATION, "au-1", eur(100), ("L1-1",)),
            NOW,
        )
        tx.update_payment(auth, NOW, amazon_id="S02-0000009-0000009-C000001")

    with storage.read() as tx:
        found = tx.order_of_payment(
            PaymentKind.AUTHORIZATION, None, "S02-0000009-0000009-C000001", None
        )
        api = tx.order_head(found).api if found else None

    assert (found, api) == (order.reference, AmazonApi.V2)


def test_the_ipn_inbox_is_read_among_some_notification_types(storage):
    with storage.transaction() as tx:
        for number, kind in enumerate(("PaymentRefund", "REFUND", "CHARGE", "PaymentCapture")):
            tx.receive_ipn(f"m-{number}", kind, "{}", NOW)

    with storage.read() as tx:
        rows, total = tx.ipn_page(None, False, 10, 0, among=("REFUND", "CHARGE"))
        one, one_total = tx.ipn_page("REFUND", False, 10, 0, among=("REFUND", "CHARGE"))
        none, _ = tx.ipn_page("PaymentRefund", False, 10, 0, among=("REFUND",))

    assert ([r.notification_type for r in rows], total) == (["CHARGE", "REFUND"], 2)
    assert ([r.notification_type for r in one], one_total) == (["REFUND"], 1)
    assert none == []
