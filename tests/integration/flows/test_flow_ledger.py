from __future__ import annotations

from datetime import timedelta

from amzpay.amazonpay.gateway import PaymentState
from amzpay.domain.money import Money


def test_the_books_show_per_capture_what_was_captured_refunded_and_is_pending(shop):
    order = shop.closed_order()
    shop.app.refunds.request(order, ["L1-1"], actor="staff")
    shop.app.refunds.request(order, ["B1"], actor="staff")
    shop.work()
    first = shop.refunds(order)[0]
    shop.amazon.settle(first.amazon_id, PaymentState.COMPLETED)
    shop.later(timedelta(minutes=1))

    books = shop.app.ledger.books(order)

    [capture] = books.captures
    assert (capture.captured, capture.refunded, capture.pending, capture.refunds) == (
        Money(2 * 1999 + 4900 + 490, "EUR"),
        Money(1999, "EUR"),
        Money(4900, "EUR"),
        2,
    )
    assert books.booked == Money(1999, "EUR")
    assert {item: state for item, _, state in books.items} == {
        "L1-1": "refund completed",
        "L1-2": "closed",
        "B1-pot": "refund pending",
        "B1-cup": "refund pending",
    }


def test_the_timeline_tells_every_move_with_who_made_it(shop):
    order = shop.closed_order()

    moments = shop.app.ledger.timeline(order)

    assert [(m.target, m.actor) for m in moments if m.item == "L1-1"] == [
        ("new", "import"),
        ("authorization requested", "import"),
        ("auth open", "command authorize"),
        ("capture requested", "staff"),
        ("capture completed", "command capture"),
        ("fully captured", "command capture"),
        ("closed", "command capture"),
    ]
