"""plan_refund: the shop-side amount of a refund, rule by rule."""

from __future__ import annotations

import pytest

from amzpay.domain.errors import (
    CaptureExhausted,
    CurrencyMismatch,
    EmptyRefund,
    ItemNotRefundable,
    OverRefundNotAllowed,
    RefundTooLarge,
    TooManyRefunds,
    UnknownItem,
)
from amzpay.domain.money import Money
from amzpay.domain.order import CaptureId, Refunded, RefundStatus
from amzpay.domain.refund import NOT_CAPTURED_YET, ExpensePolicy, plan_refund, refusal

from builders import balance, captures_of, make_item, make_order, make_shipping, money


def plan(order, selection, **kwargs):
    kwargs.setdefault("captures", captures_of(order))
    return plan_refund(order, selection, **kwargs)


def amounts(lines):
    return {line.line_id: line.amount.to_wire() for line in lines}


# -- what an item is worth ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "refunded", "amount"),
    [
        (make_item("A", "10.00"), None, "10.00"),
        (make_item("A", "10.00", discount="1.50"), None, "8.50"),
        (make_item("A", "10.00", options=[("WRAP", "2.00")]), None, "12.00"),
        (make_item("A", "10.00", discount="1.00", options=[("WRAP", "2.00")]), None, "11.00"),
        (make_item("A", "10.00"), Refunded(RefundStatus.OPEN, money("4.00"), money("0")), "6.00"),
    ],
)
def test_an_item_is_refunded_at_its_price_to_pay_less_what_was_booked_before(
    item, refunded, amount
):
    order = make_order([item, make_item("OTHER")], refunds={"A": refunded} if refunded else None)

    refund = plan(order, ["A"])

    assert amounts(refund.items) == {"A": amount}
    assert refund.total.to_wire() == amount


@pytest.mark.parametrize(
    ("item", "held", "reason"),
    [
        (make_item("A", capture=None), None, "never captured"),
        (make_item("A"), Refunded(RefundStatus.PENDING, money("0"), money("10.00")), "refund pending"),
        (make_item("A"), Refunded(RefundStatus.REFUNDED, money("10.00"), money("0")), "already refunded"),
        (make_item("A"), Refunded(RefundStatus.OPEN, money("10.00"), money("0")), "already refunded"),
        (make_item("A", "0"), Refunded(RefundStatus.REFUNDED, money("0"), money("0")), "already refunded"),
    ],
)  # fmt: skip
def test_an_item_that_is_not_captured_pending_or_refunded_cannot_be_chosen(item, held, reason):
    order = make_order([item, make_item("B")], refunds={"A": held} if held else None)

    with pytest.raises(ItemNotRefundable, match=reason) as refused:
        plan(order, ["A", "B"])

    assert refused.value.line_id == "A"


def test_a_free_item_can_be_refunded_once_for_nothing():
    order = make_order([make_item("GIFT", "0"), make_item("B")])

    assert amounts(plan(order, ["GIFT"]).items) == {"GIFT": "0.00"}


def test_nothing_chosen_is_refused():
    with pytest.raises(EmptyRefund):
        plan(make_order([make_item("A")]), [])


def test_an_unknown_item_is_refused_by_name():
    with pytest.raises(UnknownItem, match="'NOPE'"):
        plan(make_order([make_item("A")]), ["A", "NOPE"])


def test_an_item_chosen_twice_is_refunded_once():
    order = make_order([make_item("A"), make_item("B")])

    assert plan(order, ["A", "A"]).total == money("10.00")


# -- shipping ----------------------------------------------------------------------------------

SHIPPED = {"expenses": [make_shipping("SHIP", "4.90")]}


@pytest.mark.parametrize(
    ("refunds", "chosen", "expenses"),
    [
        ({}, ["A"], {}),
        ({}, ["A", "B"], {"SHIP": "4.90"}),
        ({"A": Refunded(RefundStatus.REFUNDED, money("10.00"), money("0"))}, ["B"], {"SHIP": "4.90"}),
        ({"A": Refunded(RefundStatus.PENDING, money("0"), money("10.00"))}, ["B"], {"SHIP": "4.90"}),
        (
            {
                "A": Refunded(RefundStatus.OPEN, money("0"), money("0")),
                "SHIP": Refunded(RefundStatus.REFUNDED, money("4.90"), money("0")),
                "B": Refunded(RefundStatus.REFUNDED, money("10.00"), money("0")),
            },
            ["A"],
            {},
        ),
        (
            {
                "B": Refunded(RefundStatus.PENDING, money("0"), money("10.00")),
                "SHIP": Refunded(RefundStatus.PENDING, money("0"), money("4.90")),
            },
            ["A"],
            {},
        ),
    ],
    ids=[
        "not the last item",
        "all items at once",
        "the last item after a refunded one",
        "the last item while the other is pending",
        "after a decline, shipping already refunded",
        "shipping held by a pending refund",
    ],
)  # fmt: skip
def test_shipping_comes_once_with_the_last_refundable_items_of_the_order(refunds, chosen, expenses):
    order = make_order([make_item("A"), make_item("B")], refunds=refunds, **SHIPPED)

    assert amounts(plan(order, chosen).expenses) == expenses


def test_items_never_captured_do_not_keep_the_shipping_back():
    order = make_order([make_item("A"), make_item("CANCELLED", capture=None)], **SHIPPED)

    assert amounts(plan(order, ["A"]).expenses) == {"SHIP": "4.90"}


def test_per_shipment_shipping_comes_with_the_last_item_of_its_shipment():
    order = make_order(
        [make_item("A1", shipment="S1"), make_item("A2", shipment="S1"), make_item("B1", shipment="S2")],
        expenses=[make_shipping("SHIP1", "4.90", shipment="S1"), make_shipping("SHIP2", "6.90", shipment="S2")],
        shipments=["S1", "S2"],
    )  # fmt: skip
    policy = ExpensePolicy.WITH_LAST_ITEM_OF_SHIPMENT

    assert amounts(plan(order, ["B1"], expense_policy=policy).expenses) == {"SHIP2": "6.90"}
    assert amounts(plan(order, ["A1"], expense_policy=policy).expenses) == {}
    assert amounts(plan(order, ["A1", "A2"], expense_policy=policy).expenses) == {"SHIP1": "4.90"}
    assert amounts(plan(order, ["B1"]).expenses) == {}  # the order's rule keeps it back


def test_per_shipment_an_expense_outside_any_shipment_follows_the_order_rule():
    order = make_order(
        [make_item("A1", shipment="S1"), make_item("B1", shipment="S2")],
        expenses=[make_shipping("SHIP1", "4.90", shipment="S1"), make_shipping("FEE", "1.00")],
        shipments=["S1", "S2"],
    )
    policy = ExpensePolicy.WITH_LAST_ITEM_OF_SHIPMENT

    assert amounts(plan(order, ["A1"], expense_policy=policy).expenses) == {"SHIP1": "4.90"}
    assert amounts(plan(order, ["A1", "B1"], expense_policy=policy).expenses) == {
        "SHIP1": "4.90",
        "FEE": "1.00",
    }


def test_the_last_items_of_the_order_take_every_expense_left_whatever_the_policy():
    order = make_order(
        [make_item("A1", shipment="S1")],
        expenses=[make_shipping("SHIP1", "4.90", shipment="S1"), make_shipping("SHIP2", "6.90", shipment="S2")],
        shipments=["S1", "S2"],
    )  # fmt: skip

    refund = plan(order, ["A1"], expense_policy=ExpensePolicy.WITH_LAST_ITEM_OF_SHIPMENT)

    assert amounts(refund.expenses) == {"SHIP1": "4.90", "SHIP2": "6.90"}


def test_shipping_can_be_chosen_on_its_own():
    order = make_order([make_item("A")], **SHIPPED)

    refund = plan(order, ["SHIP"])

    assert (amounts(refund.items), amounts(refund.expenses)) == ({}, {"SHIP": "4.90"})


# -- bundles -----------------------------------------------------------------------------------

BUNDLED = {"bundles": [("SET", "30.00")]}


def bundle_order(refunds=None):
    return make_order(
        [make_item("S1", "20.00", bundle="SET"), make_item("S2", "10.00", bundle="SET"), make_item("X")],
        refunds=refunds,
        **BUNDLED,
    )  # fmt: skip


def test_choosing_a_bundle_chooses_all_its_items():
    assert amounts(plan(bundle_order(), ["SET"]).items) == {"S1": "20.00", "S2": "10.00"}


def test_a_bundles_item_can_be_refunded_alone():
    assert amounts(plan(bundle_order(), ["S2"]).items) == {"S2": "10.00"}


def test_choosing_a_bundle_after_one_of_its_items_was_refunded_takes_the_rest():
    order = bundle_order({"S1": Refunded(RefundStatus.REFUNDED, money("20.00"), money("0"))})

    assert amounts(plan(order, ["SET"]).items) == {"S2": "10.00"}


def test_a_bundle_with_nothing_left_to_refund_is_refused():
    done = Refunded(RefundStatus.REFUNDED, money("10.00"), money("0"))
    order = bundle_order(
        {"S1": Refunded(RefundStatus.REFUNDED, money("20.00"), money("0")), "S2": done}
    )

    with pytest.raises(ItemNotRefundable, match="no item of this bundle"):
        plan(order, ["SET"])


# -- captures ----------------------------------------------------------------------------------


def test_a_refund_is_split_per_capture_with_shipping_on_its_own_capture():
    order = make_order(
        [make_item("A", capture="C1"), make_item("B", "5.00", capture="C2")],
        expenses=[make_shipping("SHIP", "4.90", capture="C1")],
    )

    refund = plan(order, ["A", "B"])

    assert [(p.capture_id, p.amount.to_wire()) for p in refund.parts] == [
        ("C1", "14.90"),
        ("C2", "5.00"),
    ]
    assert refund.total == money("19.90")
    assert amounts(refund.parts[0].items) == {"A": "10.00"}
    assert amounts(refund.parts[0].expenses) == {"SHIP": "4.90"}


def test_an_item_whose_capture_has_not_taken_the_money_cannot_be_refunded():
    order = make_order([make_item("A", capture="C1")])

    with pytest.raises(ItemNotRefundable, match="its capture has not taken the money yet"):
        plan(order, ["A"], captures=[])
    assert refusal(order, order.items[0], captured=set()) == NOT_CAPTURED_YET
    assert refusal(order, order.items[0], captured={"C1"}) is None


def test_a_bundle_refunds_only_the_items_whose_capture_took_the_money():
    order = make_order(
        [
            make_item("P", capture="C1", bundle="SET"),
            make_item("Q", "5.00", capture="C2", bundle="SET"),
        ],
        bundles=[("SET", "15.00")],
    )
    only_first = [b for b in captures_of(order) if b.id == "C1"]

    refund = plan(order, ["SET"], captures=only_first)

    assert amounts(refund.items) == {"P": "10.00"}


def test_a_capture_in_another_currency_is_refused():
    order = make_order([make_item("A")])

    with pytest.raises(CurrencyMismatch):
        plan(order, ["A"], captures=[balance("C1", "10.00", currency="USD")])


@pytest.mark.parametrize(
    ("capture", "refused"),
    [
        (balance("C1", "10.00"), None),
        (balance("C1", "9.99"), CaptureExhausted),
        (balance("C1", "20.00", refunded="10.01"), CaptureExhausted),
        (balance("C1", "20.00", pending="10.01"), CaptureExhausted),
        (balance("C1", "20.00", refunded="5.00", pending="5.00"), None),
        (balance("C1", "100.00", count=9), None),
        (balance("C1", "100.00", count=10), TooManyRefunds),
    ],
)
def test_a_refund_never_takes_more_from_a_capture_than_is_left_nor_an_eleventh_time(
    capture, refused
):
    order = make_order([make_item("A", "10.00"), make_item("B")])

    if refused is None:
        assert plan(order, ["A"], captures=[capture]).total == money("10.00")
    else:
        with pytest.raises(refused, match="'C1'"):
            plan(order, ["A"], captures=[capture])


@pytest.mark.parametrize(
    ("currency", "price", "refused"),
    [
        ("EUR", "150000.00", False),
        ("EUR", "150000.01", True),
        ("USD", "150000.01", True),
        ("GBP", "150000.01", True),
        ("JPY", "10000000", False),
        ("JPY", "10000001", True),
        ("CHF", "150000.01", False),  # no documented maximum for this currency
    ],
)
def test_a_single_refund_stays_within_amazons_maximum(currency, price, refused):
    order = make_order([make_item("A", price, currency=currency)], currency=currency)

    if refused:
        with pytest.raises(RefundTooLarge, match="maximum"):
            plan(order, ["A"])
    else:
        assert plan(order, ["A"]).total.to_wire() == Money.parse(price, currency).to_wire()


# -- Amazon's over-refund allowance ------------------------------------------------------------


def over(amount, capture="C1", currency="EUR"):
    return {CaptureId(capture): Money.parse(amount, currency)}


def test_the_over_refund_allowance_is_not_used_unless_asked_for():
    order = make_order([make_item("A", "100.00")])

    refund = plan(order, ["A"])

    assert (refund.total, refund.parts[0].over_refund) == (money("100.00"), money("0"))


@pytest.mark.parametrize(
    ("price", "extra", "refused"),
    [
        ("100.00", "15.00", False),  # 15 % of 100
        ("100.00", "15.01", True),
        ("1000.00", "75.00", False),  # 15 % would be 150: 75 is the lesser
        ("1000.00", "75.01", True),
        ("9.99", "1.49", False),  # 15 % of 9.99 = 1.4985, rounded down
        ("9.99", "1.50", True),
    ],
)
def test_an_over_refund_asked_for_is_capped_at_the_lesser_of_15_percent_and_75(
    price, extra, refused
):
    order = make_order([make_item("A", price)])

    if refused:
        with pytest.raises(OverRefundNotAllowed, match="allowance"):
            plan(order, ["A"], over_refund=over(extra))
    else:
        refund = plan(order, ["A"], over_refund=over(extra))
        assert refund.total == money(price) + money(extra)
        assert refund.parts[0].over_refund == money(extra)


def test_the_over_refund_allowance_is_shared_by_the_refunds_of_a_capture():
    order = make_order(
        [make_item("A", "50.00"), make_item("B", "50.00")],
        refunds={"A": Refunded(RefundStatus.REFUNDED, money("50.00"), money("0"))},
    )
    # A was refunded with 10.00 over: the items of B keep their room, the allowance has 5.00 left
    capture = balance("C1", "100.00", refunded="60.00", over_refunded="10.00", count=1)

    refund = plan(order, ["B"], captures=[capture], over_refund=over("5.00"))
    assert refund.total == money("55.00")
    with pytest.raises(OverRefundNotAllowed, match=r"leaves 5\.00 EUR"):
        plan(order, ["B"], captures=[capture], over_refund=over("5.01"))


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        (over("1.00", currency="USD"), "not in the order's EUR"),
        (over("0.00"), "not a positive amount"),
        (over("1.00", capture="C2"), "no item of this capture"),
    ],
)
def test_an_over_refund_that_cannot_be_sent_is_refused(extra, reason):
    order = make_order([make_item("A", capture="C1"), make_item("B", capture="C2")])

    with pytest.raises(OverRefundNotAllowed, match=reason):
        plan(order, ["A"], over_refund=extra)
