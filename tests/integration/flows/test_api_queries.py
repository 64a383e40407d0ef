"""The read side (services/queries.py) over real flows: amzpay with the real gateway against
the simulator, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from amzpay.domain.money import Money
from amzpay.mail.sink import SmtpSink
from amzpay.ports.errors import OrderNotFound
from amzpay.services.queries import InvalidPaging, OrderFilter, RefundFilter
from shop import DECLINE, REFUND_SETTLES, Shop, shop_on

ORDER_TOTAL = Money(2 * 1999 + 4900 + 490, "EUR")


@pytest.fixture
def shop(database_url: str, sink: SmtpSink) -> Iterator[Shop]:
    with shop_on(database_url, sink) as made:
        yield made


def test_a_page_of_orders_shows_each_total_item_count_and_items_per_state(shop):
    placed = shop.place(customer={"email": "Ada@Example.com", "locale": "en_GB"})
    closed = shop.closed_order()

    page = shop.app.queries.orders()

    assert page.total == 2
    by_reference = {summary.reference: summary for summary in page.rows}
    assert [summary.reference for summary in page.rows] == [closed, placed]  # newest first
    assert by_reference[closed].total == ORDER_TOTAL
    assert by_reference[closed].item_count == 4
    assert by_reference[closed].states == (("closed", 4),)
    assert by_reference[closed].closed
    assert by_reference[placed].states == (("auth open", 4),)
    assert not by_reference[placed].closed


def test_orders_are_found_by_part_of_their_reference_amazon_id_or_buyer_email(shop):
    ada = shop.place(customer={"email": "Ada@Example.com", "locale": "en_GB"})
    other = shop.place()
    amazon_id = shop.app.queries.orders(OrderFilter(search=ada)).rows[0].amazon_order_reference_id
    assert amazon_id is not None

    def found(search: str) -> list[str]:
        return [o.reference for o in shop.app.queries.orders(OrderFilter(search=search)).rows]

    assert found("ada@example") == [ada]
    assert found(amazon_id[-7:]) == [ada]
    assert found(other.lower()) == [other]
    assert found("100%_") == []  # wildcards are searched for as text


def test_orders_are_filtered_by_item_state_and_placing_time(shop):
    first = shop.place()
    shop.later(3600)
    second = shop.closed_order()
    second_placed = shop.app.queries.orders(OrderFilter(search=second)).rows[0].placed_at

    def found(where: OrderFilter) -> list[str]:
        return [o.reference for o in shop.app.queries.orders(where).rows]

    assert found(OrderFilter(state="closed")) == [second]
    assert found(OrderFilter(state="auth open")) == [first]
    assert found(OrderFilter(placed_from=second_placed)) == [second]
    assert found(OrderFilter(placed_to=second_placed)) == [first]


def test_pages_of_orders_are_cut_by_limit_and_offset_with_the_total_count(shop):
    orders = [shop.place() for _ in range(3)]

    page = shop.app.queries.orders(limit=2, offset=2)

    assert page.total == 3
    assert [o.reference for o in page.rows] == [orders[0]]
    with pytest.raises(InvalidPaging) as refused:
        shop.app.queries.orders(limit=0)
    assert refused.value.field == "limit"


def test_an_orders_history_merges_moves_payments_calls_ipns_and_mails_in_time_order(shop):
    order = shop.closed_order()
    shop.app.refunds.request(order, ["L1-1"], actor="staff", note=DECLINE)
    shop.work()
    shop.later(REFUND_SETTLES)

    history = shop.app.queries.history(order)

    assert [entry.at for entry in history] == sorted(entry.at for entry in history)
    kinds = {entry.kind for entry in history}
    assert kinds == {"state", "payment", "api_call", "ipn", "mail"}
    summaries = [entry.summary for entry in history]
    assert any(
        s.startswith("refund ") and s.endswith("declined (AmazonRejected)") for s in summaries
    )
    assert "IPN PaymentRefund: declined" in summaries
    assert any(s.startswith("Refund (attempt 1): ok") for s in summaries)
    assert "e-mail refund_declined to staff: sent" in summaries
    mail_details = [dict(e.details) for e in history if e.kind == "mail"]
    assert all("@" not in value for details in mail_details for value in details.values())


def test_the_history_of_an_unknown_order_is_refused(shop):
    with pytest.raises(OrderNotFound):
        shop.app.queries.history("NOPE")


def test_refunds_are_listed_by_state_order_and_age(shop):
    first = shop.closed_order()
    second = shop.closed_order()
    shop.app.refunds.request(first, ["L1-1"], actor="staff")
    shop.work()
    shop.later(REFUND_SETTLES)  # completed
    shop.app.refunds.request(second, ["L1-1"], actor="staff")
    shop.work()
    shop.amazon.advance(10)  # pending at Amazon for a while, no IPN yet

    everything = shop.app.queries.refunds()
    pending = shop.app.queries.refunds(RefundFilter(state="pending"))
    of_first = shop.app.queries.refunds(RefundFilter(order=first))
    old = shop.app.queries.refunds(RefundFilter(older_than=timedelta(seconds=30)))

    assert everything.total == 2
    assert [r.refund.order for r in everything.rows] == [first, second]  # oldest first
    assert [(r.refund.order, r.refund.state) for r in pending.rows] == [(second, "pending")]
    assert [r.refund.state for r in of_first.rows] == ["completed"]
    assert [r.refund.order for r in old.rows] == [first]
    assert pending.rows[0].age == timedelta(seconds=10)
    assert pending.rows[0].refund.amount == Money(1999, "EUR")


def test_the_ipn_log_names_each_messages_order_and_what_it_reports(shop):
    order = shop.closed_order()
    shop.app.refunds.request(order, ["L1-1"], actor="staff")
    shop.work()
    shop.later(REFUND_SETTLES)

    page = shop.app.queries.ipns()
    refunds = shop.app.queries.ipns(notification_type="PaymentRefund")

    assert page.total == len(page.rows) >= 3  # authorization, capture, refund
    assert [e.received_at for e in page.rows] == sorted(
        (e.received_at for e in page.rows), reverse=True
    )
    assert {e.order for e in page.rows} == {order}
    assert all(e.processed_at is not None for e in page.rows)
    [refund] = refunds.rows
    assert refund.state == "completed"
    assert refund.amazon_id == shop.app.refunds.refunds(order)[0].amazon_id
    noted = shop.app.queries.ipns(errors_only=True)
    assert [e.message_id for e in noted.rows] == [e.message_id for e in page.rows if e.error]
