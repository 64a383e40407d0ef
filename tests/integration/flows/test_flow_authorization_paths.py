"""End to end, the authorization's other paths: the real gateway against the simulator on
SQLite and PostgreSQL, Amazon's sandbox test wallet choosing the outcome (its starred
payment methods, amazonpay-api.md §A.11). After every scenario our records and books must
equal Amazon's."""

from __future__ import annotations

from datetime import timedelta

from amzpay.domain.money import Money
from amzpay.domain.payment import PaymentKind
from amzpay.mail.sink import SmtpSink
from shop import AUTHORIZATION_OPENS, Shop, assert_books_equal_amazons

AUTHORIZATION_VALID = timedelta(days=30).total_seconds()  # then Closed/ExpiredUnused (§A.7)


def order_reference(shop: Shop, order: str) -> str | None:
    with shop.app.database.transaction() as tx:
        return tx.order_reference_state(order)


def authorizations(shop: Shop, order: str) -> list[tuple[str, str | None]]:
    return [(a.state, a.reason_code) for a in shop.payments(order, PaymentKind.AUTHORIZATION)]


def body(message) -> str:
    return message.get_body(("plain",)).get_content()


def captured_and_closed(shop: Shop, order: str) -> None:
    shop.app.orders.fire(order, "capture", None, actor="staff")
    shop.work()
    shop.later(1)


def test_a_soft_decline_suspends_the_order_until_the_buyer_chooses_another_payment_method(
    e2e: Shop, sink: SmtpSink
) -> None:
    order = e2e.place(payment_method="*invalid-payment-method")
    declined = (e2e.states(order), order_reference(e2e, order), len(sink.messages))
    [suspended_mail] = sink.messages

    e2e.amazon.sim.change_payment_method(_amazon_order(e2e, order), "visa")
    e2e.later(1)  # the order reference's Open IPN: the declined items are authorized again
    e2e.later(AUTHORIZATION_OPENS)
    captured_and_closed(e2e, order)

    assert declined == ({"auth declined"}, "suspended", 1)
    assert suspended_mail["To"] == "buyer@example.com"
    assert "eine andere Zahlungsart" in body(suspended_mail)  # de_DE: choose another payment method
    assert authorizations(e2e, order) == [
        ("declined", "InvalidPaymentMethod"),
        ("closed", "MaxCapturesProcessed"),
    ]
    assert e2e.states(order) == {"closed"}
    assert_books_equal_amazons(e2e, order)


def test_a_hard_decline_by_amazon_closes_the_order_and_asks_the_buyer_to_contact_the_shop(
    e2e: Shop, sink: SmtpSink
) -> None:
    order = e2e.place(payment_method="*amazon-rejected")

    assert e2e.states(order) == {"auth declined"}
    assert authorizations(e2e, order) == [("declined", "AmazonRejected")]
    assert order_reference(e2e, order) == "closed"
    [mail] = sink.messages
    assert mail["To"] == "buyer@example.com"
    assert "Bitte schreiben Sie uns" in body(mail)  # de_DE: contact us
    assert_books_equal_amazons(e2e, order)


def test_an_authorization_that_expired_unused_is_authorized_again_and_captured(
    e2e: Shop,
) -> None:
    order = e2e.place()

    e2e.later(AUTHORIZATION_VALID)
    expired = (e2e.states(order), authorizations(e2e, order))
    e2e.app.orders.fire(order, "reauthorize", None, actor="staff")
    e2e.work()
    e2e.later(AUTHORIZATION_OPENS)
    captured_and_closed(e2e, order)

    assert expired == ({"auth closed"}, [("closed", "ExpiredUnused")])
    assert authorizations(e2e, order) == [
        ("closed", "ExpiredUnused"),
        ("closed", "MaxCapturesProcessed"),
    ]
    assert e2e.states(order) == {"closed"}
    assert_books_equal_amazons(e2e, order)


def test_a_partial_capture_takes_the_chosen_items_and_the_shipping_and_close_releases_the_rest(
    e2e: Shop,
) -> None:
    order = e2e.place()

    e2e.app.orders.fire(order, "capture", ["L1-1", "L1-2"], actor="staff")
    e2e.work()
    e2e.later(1)
    e2e.app.orders.fire(order, "close", None, actor="staff")
    e2e.work()
    e2e.later(1)

    [capture] = e2e.app.ledger.books(order).captures
    assert capture.captured == Money(2 * 1999 + 490, "EUR")
    with e2e.app.database.transaction() as tx:
        states = tx.item_states(order)
    assert {states["L1-1"], states["L1-2"]} == {"closed"}
    assert {s for item, s in states.items() if item.startswith("B1")} == {"released"}
    assert_books_equal_amazons(e2e, order)


def test_a_cancelled_order_is_canceled_at_amazon_with_its_authorization(e2e: Shop) -> None:
    order = e2e.place()

    e2e.app.orders.fire(order, "cancel", None, actor="staff")
    e2e.work()
    e2e.later(1)

    assert e2e.states(order) == {"cancelled"}
    assert order_reference(e2e, order) == "canceled"
    at_amazon = e2e.app.gateway.order_reference_details(_amazon_order(e2e, order))
    assert at_amazon.state.value == "canceled"
    assert authorizations(e2e, order) == [("closed", "OrderReferenceCanceled")]
    assert_books_equal_amazons(e2e, order)


def _amazon_order(shop: Shop, order: str) -> str:
    with shop.app.database.transaction() as tx:
        found = tx.order(order).amazon_order_reference_id
    assert found is not None
    return found


def test_an_authorization_that_timed_out_is_authorized_again_once_the_buyer_paid_otherwise(
    e2e: Shop, sink: SmtpSink
) -> None:
    order = e2e.place(payment_method="*transaction-timed-out")
    timed_out = (e2e.states(order), order_reference(e2e, order), authorizations(e2e, order))

    e2e.amazon.sim.change_payment_method(_amazon_order(e2e, order), "visa")
    e2e.app.orders.fire(order, "reauthorize", None, actor="staff")
    e2e.work()
    e2e.later(AUTHORIZATION_OPENS)
    captured_and_closed(e2e, order)

    assert timed_out == ({"auth declined"}, "open", [("declined", "TransactionTimedOut")])
    assert "Bitte schreiben Sie uns" in body(sink.messages[0])  # a hard decline: contact us
    assert e2e.states(order) == {"closed"}
    assert_books_equal_amazons(e2e, order)


def test_an_order_amazon_rejected_is_cancelled_by_staff_though_amazon_closed_it_already(
    e2e: Shop,
) -> None:
    order = e2e.place(payment_method="*amazon-rejected")

    e2e.app.orders.fire(order, "cancel", None, actor="staff")
    e2e.work()
    e2e.later(1)

    at_amazon = e2e.app.gateway.order_reference_details(_amazon_order(e2e, order))
    assert e2e.states(order) == {"cancelled"}
    assert (order_reference(e2e, order), at_amazon.state.value) == ("closed", "closed")
    assert_books_equal_amazons(e2e, order)
