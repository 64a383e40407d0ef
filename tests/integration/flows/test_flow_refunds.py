from __future__ import annotations

from datetime import timedelta

import pytest

from amzpay.amazonpay.gateway import ObjectKind, PaymentState
from amzpay.domain.errors import ItemNotRefundable
from amzpay.domain.money import Money
from amzpay.domain.payment import PaymentKind, RefundState
from amzpay.services.errors import NoteTooLong
from fakes.gateway import FakeGateway
from shop import make_shop, order_spec


def test_a_preview_prices_the_chosen_items_and_says_why_others_cannot_be_refunded(shop):
    order = shop.closed_order()
    shop.app.refunds.request(order, ["L1-1"], actor="staff")

    preview = shop.app.refunds.preview(order, ["B1"])

    assert preview.plan.total == Money(4900, "EUR")
    standing = {line.line_id: line.refused for line in preview.lines}
    assert standing == {
        "L1-1": "refund pending",
        "L1-2": None,
        "B1-pot": None,
        "B1-cup": None,
        "ship-1": None,
    }


def test_a_preview_of_the_last_items_takes_the_shipping_with_them(shop):
    order = shop.closed_order()

    preview = shop.app.refunds.preview(order, ["L1-1", "L1-2", "B1"])

    assert preview.plan.total == Money(2 * 1999 + 4900 + 490, "EUR")


def test_a_preview_refuses_an_item_already_held_by_a_refund(shop):
    order = shop.closed_order()
    shop.app.refunds.request(order, ["L1-1"], actor="staff")

    with pytest.raises(ItemNotRefundable):
        shop.app.refunds.preview(order, ["L1-1"])


def test_a_requested_refund_is_stored_with_its_reference_id_before_amazon_is_called(shop):
    order = shop.closed_order()

    made = shop.app.refunds.request(order, ["L1-1"], actor="staff")

    assert [(r.state, r.amount, r.lines) for r in made] == [
        ("requested", Money(1999, "EUR"), (("L1-1", Money(1999, "EUR")),))
    ]
    assert shop.amazon.calls["refund", made[0].reference_id] == 0
    shop.work()
    assert shop.app.refunds.refunds(order)[0].state == "pending"


def test_a_refund_call_that_failed_is_sent_again_with_the_same_reference_id(shop):
    order = shop.closed_order()
    shop.amazon.fail("refund")

    made = shop.app.refunds.request(order, ["L1-1"], actor="staff")
    shop.work()
    shop.later(timedelta(minutes=1))

    assert shop.amazon.calls["refund", made[0].reference_id] == 2
    assert len(shop.amazon.of_kind(ObjectKind.REFUND)) == 1
    assert shop.item_states(order)["L1-1"] == "refund pending"


def test_an_item_not_captured_cannot_be_refunded(shop):
    order = shop.place(order_spec())

    with pytest.raises(ItemNotRefundable, match="never captured"):
        shop.app.refunds.request(order, ["L1-1"], actor="staff")


def test_an_item_whose_capture_is_still_requested_is_not_refundable_anywhere(shop):
    order = shop.place(order_spec())
    shop.app.orders.fire(order, "capture", ["L1-1"], actor="staff")  # Amazon not asked yet

    standing = {line.line_id: line.refused for line in shop.app.refunds.standing(order)}
    with pytest.raises(ItemNotRefundable, match="its capture has not taken the money yet"):
        shop.app.refunds.preview(order, ["L1-1"])
    with pytest.raises(ItemNotRefundable, match="its capture has not taken the money yet"):
        shop.app.refunds.request(order, ["L1-1"], actor="staff")

    assert shop.item_states(order)["L1-1"] == "capture requested"
    assert standing["L1-1"] == "its capture has not taken the money yet"
    assert standing["L1-2"] == "never captured"
    assert shop.refunds(order) == []


def test_an_item_whose_state_allows_no_refund_is_refused_whatever_the_books_say(shop):
    order = shop.closed_order()
    shop.app.refunds.request(order, ["L1-1"], actor="staff")  # Amazon not asked yet
    with shop.app.database.transaction() as tx:  # the books let go of the line, the item stays
        [refund] = tx.payments(order, PaymentKind.REFUND)
        tx.update_payment(refund, shop.app.clock(), state=RefundState.DECLINED)

    standing = {line.line_id: line.refused for line in shop.app.refunds.standing(order)}
    with pytest.raises(ItemNotRefundable, match="refund requested: no refund from this state"):
        shop.app.refunds.preview(order, ["L1-1"])

    assert standing["L1-1"] == "refund requested: no refund from this state"
    assert standing["L1-2"] is None


def test_an_expense_chosen_alone_is_refused_alike_by_preview_and_request(shop):
    order = shop.closed_order()

    with pytest.raises(ItemNotRefundable) as previewed:
        shop.app.refunds.preview(order, ["ship-1"])
    with pytest.raises(ItemNotRefundable) as requested:
        shop.app.refunds.request(order, ["ship-1"], actor="staff")

    assert (
        str(previewed.value)
        == str(requested.value)
        == (
            "'ship-1' cannot be refunded: an expense is not chosen: it comes with the last "
            "refundable items of the order"
        )
    )
    assert shop.refunds(order) == []
    whole = shop.app.refunds.preview(order, ["L1-1", "L1-2", "B1"])
    assert [line.line_id for line in whole.plan.expenses] == ["ship-1"]


def test_items_of_a_declined_refund_are_refunded_again_with_a_new_reference_id(shop):
    order = shop.closed_order()
    first = shop.app.refunds.request(order, ["L1-1"], actor="staff")[0]
    shop.work()
    amazon_id = shop.refunds(order)[0].amazon_id
    shop.amazon.settle(amazon_id, PaymentState.DECLINED, "AmazonRejected")
    shop.later(timedelta(minutes=1))

    again = shop.app.refunds.request(order, ["L1-1"], actor="staff")[0]

    assert shop.app.refunds.find(first.reference_id).state == "declined"
    assert again.reference_id != first.reference_id
    assert again.amount == first.amount


def test_staff_read_an_order_s_refunds_with_what_was_booked(shop):
    order = shop.closed_order()
    shop.app.refunds.request(order, ["L1-1"], actor="staff")
    shop.work()
    shop.amazon.settle(shop.refunds(order)[0].amazon_id, PaymentState.COMPLETED)
    shop.later(timedelta(minutes=1))

    [view] = shop.app.refunds.refunds(order)

    assert (view.state, view.booked, view.amount) == ("completed", True, Money(1999, "EUR"))


class NotedAmazon(FakeGateway):
    """The fake Amazon, keeping the SellerRefundNote of each Refund call."""

    notes: dict[str, str | None]

    def refund(self, *, capture_id, reference_id, amount, note=None):
        self.notes = {**getattr(self, "notes", {}), reference_id: note}
        return super().refund(
            capture_id=capture_id, reference_id=reference_id, amount=amount, note=note
        )


def test_a_refund_note_goes_to_amazon_with_the_refund(sqlite_url, sink):
    shop = make_shop(sqlite_url, sink, amazon_type=NotedAmazon)
    order = shop.closed_order()
    note = '{"SandboxSimulation": {"State": "Declined", "ReasonCode": "AmazonRejected"}}'

    [made] = shop.app.refunds.request(order, ["L1-1"], actor="staff", note=note)
    shop.work()
    shop.app.close()

    assert shop.amazon.notes == {made.reference_id: note}


def test_a_note_longer_than_amazon_takes_is_refused_before_anything_is_stored(shop):
    order = shop.closed_order()

    with pytest.raises(NoteTooLong):
        shop.app.refunds.request(order, ["L1-1"], actor="staff", note="x" * 256)

    assert shop.refunds(order) == []
