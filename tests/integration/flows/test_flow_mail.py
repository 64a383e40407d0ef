from __future__ import annotations

from datetime import timedelta

from amzpay.amazonpay.gateway import PaymentState
from shop import STAFF, make_shop, order_spec

MINUTE = timedelta(minutes=1)


def refund_settled(shop, state: PaymentState, reason: str | None = None) -> str:
    order = shop.closed_order()
    shop.app.refunds.request(order, ["L1-1"], actor="staff")
    shop.work()
    shop.amazon.settle(shop.refunds(order)[0].amazon_id, state, reason)
    shop.later(MINUTE)
    return order


def outbox(shop, order):
    with shop.app.database.transaction() as tx:
        return [(m.kind, m.audience, m.status, m.attempts) for m in tx.outbox(order)]


def test_the_buyer_is_told_in_their_language_when_a_refund_is_completed(shop, sink):
    refund_settled(shop, PaymentState.COMPLETED)

    [mail] = sink.messages
    assert mail["To"] == "buyer@example.com"
    assert "19,99" in mail.get_body(("plain",)).get_content()  # de_DE: a decimal comma


def test_the_buyers_mail_names_the_refunded_items_and_no_others(shop, sink):
    refund_settled(shop, PaymentState.COMPLETED)

    [mail] = sink.messages
    text = mail.get_body(("plain",)).get_content()
    assert "Mug" in text  # L1-1, the refunded item
    assert "Pot" not in text  # the bundle's items were not refunded
    assert "Cup" not in text


def test_staff_hear_of_a_declined_refund_with_amazons_reason(shop, sink):
    refund_settled(shop, PaymentState.DECLINED, "AmazonRejected")

    [mail] = sink.messages
    assert mail["To"] == STAFF
    assert "AmazonRejected" in mail.get_body(("plain",)).get_content()
    # the buyer reads German (de_DE); staff read the back office's language, English by default
    assert mail["Subject"].startswith("Refund declined by Amazon Pay")


def test_a_buyer_whose_payment_method_is_declined_is_asked_to_choose_another(shop, sink):
    shop.amazon.answer("authorize", PaymentState.DECLINED, "InvalidPaymentMethod")

    order = shop.place(order_spec())

    assert outbox(shop, order) == [("authorization_suspended", "buyer", "sent", 1)]
    assert [m["To"] for m in sink.messages] == ["buyer@example.com"]


def test_a_mail_server_that_is_unwell_delays_the_mail_but_not_the_refund(shop, sink):
    sink.fail_next(2)

    order = refund_settled(shop, PaymentState.COMPLETED)

    assert shop.item_states(order)["L1-1"] == "refund completed"
    assert outbox(shop, order) == [("refund_completed", "buyer", "due", 1)]
    shop.later(MINUTE)
    shop.later(5 * MINUTE)
    assert outbox(shop, order) == [("refund_completed", "buyer", "sent", 3)]
    assert len(sink.messages) == 1


def test_a_mail_refused_for_good_is_marked_failed_and_not_tried_again(shop, sink):
    sink.fail_next(1, "550 5.1.1 No such mailbox")

    order = refund_settled(shop, PaymentState.COMPLETED)
    shop.later(timedelta(hours=3))

    assert outbox(shop, order) == [("refund_completed", "buyer", "failed", 1)]
    assert shop.item_states(order)["L1-1"] == "refund completed"


def test_mails_wait_in_the_outbox_while_no_mail_server_is_configured(database_url, sink):
    shop = make_shop(database_url, sink, {"AMZPAY_SMTP__HOST": ""})
    try:
        order = refund_settled(shop, PaymentState.COMPLETED)

        assert outbox(shop, order) == [("refund_completed", "buyer", "due", 0)]
        assert sink.messages == []
    finally:
        shop.app.close()
