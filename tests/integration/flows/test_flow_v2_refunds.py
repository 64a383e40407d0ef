"""Refunds on Amazon Pay API v2, end to end on SQLite and PostgreSQL: amzpay configured for
API v2 (``V2Gateway`` over its v2 client, requests signed and verified by the simulator) in
front of the simulator, whose v2 IPNs only name the object that changed. A refund is
completed by its IPN once the worker has asked Amazon, declined with the sandbox simulation
code, completed by the shop's own poll when its IPN is lost, and a refund made in Seller
Central is flagged for staff. After each, our books equal Amazon's."""

from __future__ import annotations

import re
from datetime import timedelta

from v2shop import REFUND_SETTLES, V2Shop

from amzpay.domain.money import Money
from integration.backoffice.bo_shop import http_client, log_in
from shop import STAFF, assert_books_equal_amazons

MUG = Money(1999, "EUR")  # order_spec: two mugs at 19.99, a tea set at 49.00, delivery 4.90


def refund_ipns(v2: V2Shop) -> list[str]:
    """The ids of the refunds whose v2 IPNs reached the shop."""
    refunds = v2.amazon.sim.v2.books.refunds
    return [ipn.object_id for ipn, _ in v2.amazon.answers if ipn.object_id in refunds]


def test_a_v2_refund_is_completed_by_amazons_ipn_hint(v2: V2Shop):
    order, charge = v2.captured_order()

    v2.refund(order, ["L1-1"])
    v2.settle()
    [pending] = v2.refunds(order)
    at_amazon_before = [r.status.state for r in v2.amazon.refunds_of(charge)]
    v2.later(REFUND_SETTLES)  # Refunded: the IPN names the refund, the worker asks Amazon

    [refund] = v2.app.refunds.refunds(order)
    [at_amazon] = v2.amazon.refunds_of(charge)
    assert (pending.state, at_amazon_before) == ("pending", ["RefundInitiated"])
    assert (refund.state, refund.booked, refund.amount) == ("completed", True, MUG)
    assert (at_amazon.id, at_amazon.status.state) == (pending.amazon_id, "Refunded")
    assert refund_ipns(v2) == [at_amazon.id]
    assert v2.refunds(order)[0].polls == 0  # the IPN settled it, not the poll
    assert v2.item_states(order)["L1-1"] == "refunded"
    assert_books_equal_amazons(v2, order)


def test_a_v2_refund_amazon_declines_releases_its_items_and_staff_read_why(v2: V2Shop, sink):
    order, charge = v2.captured_order()
    v2.app.access.add_user("ada", "correct horse battery", display_name="Ada")

    v2.refund(order, ["B1"], decline=True)  # x-amz-pay-simulation-code: RefundDeclined
    v2.settle()
    v2.later(REFUND_SETTLES)

    [refund] = v2.app.refunds.refunds(order)
    [at_amazon] = v2.amazon.refunds_of(charge)
    assert (refund.state, refund.reason_code) == ("declined", "AmazonRejected")
    assert (at_amazon.status.state, at_amazon.status.reason_code) == ("Declined", "AmazonRejected")
    items = v2.item_states(order)
    assert {items["B1-pot"], items["B1-cup"]} == {"refund declined"}
    [mail] = [m for m in sink.messages if m["To"] == STAFF]
    text = mail.get_body(("plain",)).get_content()
    assert "AmazonRejected" in mail["Subject"]
    assert "usually because the seller account's balance cannot" in text
    with http_client(v2.web) as staff:
        log_in(staff, "ada", "correct horse battery")
        page = staff.get(f"/orders/{order}").text
    assert re.search(r"AmazonRejected</span><br><span[^>]*>Amazon rejected it", page)
    assert_books_equal_amazons(v2, order)

    v2.refund(order, ["B1"])  # refundable again: a new record, a new refund at Amazon
    v2.settle()
    v2.later(REFUND_SETTLES)
    declined, completed = v2.app.refunds.refunds(order)
    assert (declined.state, completed.state) == ("declined", "completed")
    assert [r.status.state for r in v2.amazon.refunds_of(charge)] == ["Declined", "Refunded"]
    assert_books_equal_amazons(v2, order)


def test_a_v2_refund_whose_ipn_is_lost_is_completed_by_the_shops_poll(v2: V2Shop):
    order, charge = v2.captured_order()
    v2.amazon.sim.faults.update({"drop_ipns": 1})  # the refund's one IPN (Refunded)

    v2.refund(order, ["L1-1"])
    v2.settle()
    v2.later(REFUND_SETTLES)
    still = v2.refunds(order)[0].state
    v2.later(timedelta(minutes=5).total_seconds())  # the poll falls due

    [refund] = v2.refunds(order)
    [at_amazon] = v2.amazon.refunds_of(charge)
    assert (still, at_amazon.status.state) == ("pending", "Refunded")
    assert refund_ipns(v2) == []  # no IPN ever reached the shop
    assert (refund.state, refund.amazon_id) == ("completed", at_amazon.id)
    assert refund.polls >= 1
    assert v2.item_states(order)["L1-1"] == "refunded"
    assert_books_equal_amazons(v2, order)


def test_a_v2_refund_made_in_seller_central_is_flagged_to_staff_as_an_external_refund(
    v2: V2Shop, sink
):
    order, charge = v2.captured_order()
    items_before = v2.item_states(order)

    made = v2.amazon.seller_central.refund(charge, "5.00")  # outside amzpay
    v2.later(REFUND_SETTLES)  # Refunded: its IPN names a refund amzpay never asked for

    assert made.status_code == 201
    refund_id = made.json()["refundId"]
    [external] = v2.app.external_refunds.list_all(unacknowledged_only=True)
    assert (external.amazon_refund_id, external.order) == (refund_id, order)
    assert (external.amount, external.state) == (Money(500, "EUR"), "completed")
    [mail] = [m for m in sink.messages if m["To"] == STAFF]
    assert mail["Subject"].startswith("Refund made outside amzpay")
    assert refund_id in mail.get_body(("plain",)).get_content()
    assert v2.refunds(order) == []  # nothing of ours: no items move
    assert v2.item_states(order) == items_before
