"""Amazon Pay API v2 misbehaving, end to end on SQLite and PostgreSQL: a Create Refund that
Amazon performed but whose answer never arrived is sent again with the same idempotency key
and makes exactly one refund at Amazon, whether the client's own retry or the worker's later
one sends it again, and the refund's IPN, should it come first, waits for that answer instead
of being taken for a refund made in Seller Central; a batch of 60 refunds (ten of each of six
orders) meeting Amazon's throttling (HTTP 429) ends with every refund completed and no
throttling error in any refund's state."""

from __future__ import annotations

from collections import Counter

import pytest
from v2shop import REFUND_SETTLES, V2Amazon, V2Shop, v2_shop

from amzpay.mail.sink import SmtpSink
from shop import assert_books_equal_amazons

BATCH = 60
ORDERS, MUGS = 6, 10  # the shop allows 10 refunds of a capture, the legacy API's limit


@pytest.mark.parametrize(
    ("lost", "sent"),
    [(1, 2), (4, 5)],
    ids=["the client sends it again", "the worker sends it again later"],
)
def test_a_v2_refund_whose_answer_was_lost_is_sent_again_with_its_key_and_made_once(
    v2: V2Shop, lost: int, sent: int
):
    order, charge = v2.captured_order()
    v2.amazon.sim.faults.update({"lose_responses": lost})  # done at Amazon, answer lost

    reference = v2.refund(order, ["L1-1"])
    v2.settle()
    for _ in range(4):
        v2.later(REFUND_SETTLES)

    calls = v2.amazon.calls("CreateRefund")
    [refund] = v2.refunds(order)
    [at_amazon] = v2.amazon.refunds_of(charge)
    assert calls == [(201, None, reference)] * sent  # the saved answer to every repeat
    assert (refund.state, refund.amazon_id) == ("completed", at_amazon.id)
    assert at_amazon.status.state == "Refunded"
    assert v2.app.external_refunds.list_all() == []  # Amazon's IPN named our own refund
    assert v2.item_states(order)["L1-1"] == "refunded"
    assert_books_equal_amazons(v2, order)


def refund_ipns(v2: V2Shop) -> list[tuple[bool, str | None]]:
    """The shop's stored REFUND IPNs, oldest first: whether processed, and the note."""
    with v2.app.database.read() as tx:
        rows, _ = tx.ipn_page("REFUND", False, 100, 0)
    return [(row.processed_at is not None, row.error) for row in reversed(rows)]


def mugs() -> dict[str, object]:
    """An order of ``MUGS`` mugs at 1.99 (one line) and its delivery."""
    line = {
        "id": "L1",
        "sku": "mug",
        "name": "Mug",
        "quantity": MUGS,
        "unit_price": "1.99",
        "tax_rate": "19",
        "shipment": "S1",
    }
    return {"lines": [line], "bundles": []}


def test_a_throttled_batch_of_60_v2_refunds_all_completes_with_no_throttling_error(
    database_url: str, sink: SmtpSink, tmp_path
):
    with v2_shop(database_url, tmp_path, sink, V2Amazon(throttled=True)) as v2:
        orders = []
        for _ in range(ORDERS):
            orders.append(v2.captured_order(**mugs()))
            v2.amazon.advance(10)  # the checkouts' own calls stay within their quotas

        references = {
            v2.refund(order, [f"L1-{n}"]) for order, _ in orders for n in range(1, MUGS + 1)
        }
        v2.settle()
        refunds = [r for order, _ in orders for r in v2.refunds(order)]
        first_round = Counter(r.state for r in refunds)
        seen: set[tuple[str, str | None, str | None]] = set()
        for _ in range(120):  # ten minutes of Amazon's time, at most
            seen |= {(r.state, r.reason_code, r.error_code) for r in refunds}
            if {r.state for r in refunds} == {"completed"}:
                break
            v2.later(5)
            refunds = [r for order, _ in orders for r in v2.refunds(order)]

        statuses = Counter(status for status, _, _ in v2.amazon.calls("CreateRefund"))
        assert len(references) == BATCH
        assert statuses[429] > 0  # Amazon did throttle the batch
        assert statuses[201] == BATCH  # and each refund was made once
        assert first_round["requested"] > 0  # the throttled ones wait, as requested
        assert {(r.reference_id, r.state) for r in refunds} == {
            (reference, "completed") for reference in references
        }
        assert all(reason is None and error is None for _, reason, error in seen)
        assert {state for state, _, _ in seen} <= {"requested", "pending", "completed"}
        for order, charge in orders:
            assert len(v2.amazon.refunds_of(charge)) == MUGS
            assert set(v2.item_states(order).values()) == {"refunded"}
            v2.amazon.advance(10)  # the books' own reads stay within their quotas
            assert_books_equal_amazons(v2, order)


def test_a_v2_refund_ipn_that_comes_before_the_lost_answer_is_not_taken_for_an_outside_one(
    v2: V2Shop,
):
    order, charge = v2.captured_order()
    v2.amazon.sim.faults.update({"lose_responses": 4})  # the client's four attempts

    reference = v2.refund(order, ["L1-1"])
    v2.settle()
    v2.amazon.sim.faults.update({"fail_calls": 1000, "fail_status": 503})
    v2.later(30)  # the worker's retry finds Amazon away
    v2.amazon.sim.faults.update({"fail_calls": 0})
    v2.later(10)  # Refunded: its IPN names a refund whose id amzpay has not heard yet
    waiting = v2.refunds(order)[0].state
    [held] = refund_ipns(v2)
    for _ in range(4):
        v2.later(REFUND_SETTLES)

    [refund] = v2.refunds(order)
    [at_amazon] = v2.amazon.refunds_of(charge)
    assert waiting == "requested"
    assert (held[0], "may be ours" in str(held[1])) == (False, True)  # kept, saying why
    assert refund_ipns(v2) == [(True, None)]  # applied once the answer came
    assert v2.app.external_refunds.list_all() == []
    assert {key for _, _, key in v2.amazon.calls("CreateRefund")} == {reference}
    assert (refund.state, refund.amazon_id) == ("completed", at_amazon.id)
    assert_books_equal_amazons(v2, order)
