"""A refund Amazon keeps throttling is tried again later and later, on a backoff its
operation's quota bounds, always with the same reference id; with the fake Amazon and clock,
on both databases."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

from sqlalchemy import select

from amzpay.amazonpay.gateway import Observation
from amzpay.amazonpay.throttle import SANDBOX_QUOTAS
from amzpay.domain.money import Money
from amzpay.mail.sink import SmtpSink
from amzpay.store import tables as t
from fakes.gateway import FakeGateway
from shop import FakeShop, make_shop

REFUND = SANDBOX_QUOTAS["Refund"]  # 2 at once, one more every 2 s: waits 4 s to 600 s
THROTTLED = 9


class TimedAmazon(FakeGateway):
    """The fake Amazon, noting when each Refund call came and with which reference id."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.refund_calls: list[tuple[datetime, str]] = []

    def refund(
        self, *, capture_id: str, reference_id: str, amount: Money, note: str | None = None
    ) -> Observation:
        self.refund_calls.append((self.clock(), reference_id))
        return super().refund(
            capture_id=capture_id, reference_id=reference_id, amount=amount, note=note
        )


def next_job_due(shop: FakeShop) -> datetime:
    with shop.app.database.engine.connect() as connection:
        due = connection.scalar(
            select(t.jobs.c.not_before)
            .where(t.jobs.c.status == "due")
            .order_by(t.jobs.c.not_before)
            .limit(1)
        )
    assert due is not None, "no job waits"
    return t.jobs.c.not_before.type.process_result_value(due, shop.app.database.engine.dialect)


def test_a_throttled_refund_waits_longer_each_time_within_its_quota_with_one_reference_id(
    database_url: str, sink: SmtpSink
):
    shop = make_shop(database_url, sink, amazon_type=TimedAmazon)
    try:
        amazon = shop.amazon
        assert isinstance(amazon, TimedAmazon)
        order = shop.closed_order()
        for _ in range(THROTTLED):
            amazon.throttle("refund", REFUND)

        made = shop.app.refunds.request(order, ["L1-1"], actor="staff")
        shop.work()
        for _ in range(THROTTLED):
            shop.clock.now = next_job_due(shop)
            shop.work()

        times = [at for at, _ in amazon.refund_calls]
        waits = [later - earlier for earlier, later in pairwise(times)]
        assert len(times) == THROTTLED + 1
        assert {reference for _, reference in amazon.refund_calls} == {made[0].reference_id}
        doubling, capped = waits[:7], waits[7:]  # 4 s * 2**7 is 512 s; 1,024 s is past 600
        assert doubling == sorted(doubling)  # each at least as long as the one before
        assert REFUND.first_backoff <= waits[0] <= 2 * REFUND.first_backoff
        assert waits[6] >= 64 * REFUND.first_backoff
        assert REFUND.longest_backoff == timedelta(minutes=10)
        assert all(REFUND.longest_backoff / 2 <= wait <= REFUND.longest_backoff for wait in capped)
        assert shop.item_states(order)["L1-1"] == "refund pending"
        assert len(shop.refunds(order)) == 1
    finally:
        shop.app.close()
