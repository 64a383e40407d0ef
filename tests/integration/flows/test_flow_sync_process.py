"""End to end, the synchronous process (amazon-pay-sync: Authorize with TransactionTimeout 0
and CaptureNow): the real gateway against the simulator on SQLite and PostgreSQL. Amazon
answers in the call itself, so the order is captured and closed with no time passing;
afterwards our books must equal Amazon's."""

from __future__ import annotations

from amzpay.domain.payment import PaymentKind
from shop import REFUND_SETTLES, Shop, assert_books_equal_amazons, order_spec

SYNC = "amazon-pay-sync"


def place_sync(shop: Shop, payment_method: str = "visa") -> str:
    buyer = shop.amazon.sim.create_order_reference(payment_method=payment_method)
    spec = order_spec(amazon_order_reference_id=buyer)
    order = shop.app.orders.import_order(spec, process=SYNC, confirm=True)
    shop.work()  # no time passes: the answer to Authorize settles it
    return order


def test_a_synchronous_authorization_captures_and_closes_at_once_then_a_refund_completes(e2e):
    order = place_sync(e2e)
    closed = e2e.states(order)
    first_item = sorted(item for item, _, _ in e2e.app.ledger.books(order).items)[0]
    e2e.app.refunds.request(order, [first_item], actor="staff")
    e2e.work()
    e2e.later(REFUND_SETTLES)

    assert closed == {"closed"}
    [capture] = e2e.payments(order, PaymentKind.CAPTURE)
    assert capture.state == "completed"
    [refund] = e2e.payments(order, PaymentKind.REFUND)
    assert (refund.state, refund.items) == ("completed", (first_item,))
    assert_books_equal_amazons(e2e, order)


def test_a_synchronous_hard_decline_is_known_at_once(e2e):
    order = place_sync(e2e, payment_method="*amazon-rejected")

    [authorization] = e2e.payments(order, PaymentKind.AUTHORIZATION)
    assert (authorization.state, authorization.reason_code) == ("declined", "AmazonRejected")
    assert e2e.states(order) == {"payment declined"}  # the sync process's name for it
    assert_books_equal_amazons(e2e, order)
