"""The worker applies stored IPNs ten to a transaction: each message claimed, applied and
marked in a savepoint of its own, so that one that fails is put off alone and the others are
kept by one commit; a batch whose transaction fails is applied again one message at a time,
each still exactly once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from test_flow_ipn import bookings, mirror_at_amazon, pending_refund
from test_flow_ipn_by_worker import unprocessed, worker_shop  # noqa: F401 - the fixture

from amzpay.domain.money import Money
from amzpay.ports.errors import StorageFailed
from amzpay.ports.unit import Storage
from amzpay.services.inbox import BATCH


class Watched:
    """A storage that counts its write transactions; with ``fail_first``, the first one fails
    when its block is done (as a commit refused by the database would), leaving nothing."""

    def __init__(self, storage: Storage, fail_first: bool = False) -> None:
        self.storage, self.fail_first, self.transactions = storage, fail_first, 0

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        self.transactions += 1
        failing = self.fail_first and self.transactions == 1
        with self.storage.transaction() as tx:
            yield tx
            if failing:
                raise StorageFailed("OperationalError")

    def read(self) -> Any:
        return self.storage.read()


def refunds_completed_at_amazon(shop, simulated, count: int) -> list[tuple[str, Any]]:
    """``count`` orders, each with a refund Amazon completed; their IPNs stored, unapplied."""
    pending = [pending_refund(shop, ["L1-1"]) for _ in range(count)]
    for _, refund in pending:
        mirror_at_amazon(simulated, refund)
    return pending


def inbox_of(shop, reference_id: str) -> tuple[int, str | None, bool]:
    """(attempts, error, processed) of the PaymentRefund message about our refund."""
    with shop.app.database.read() as tx:
        rows, _ = tx.ipn_page("PaymentRefund", False, 100, 0)
        [row] = [r for r in rows if reference_id in r.body]
        attempts = {m.message_id: m.attempts for m in tx.unprocessed_ipns(100)}
    return attempts.get(row.message_id, 0), row.error, row.processed_at is not None


def test_stored_ipns_are_applied_in_one_transaction_and_one_that_fails_is_put_off_alone(
    worker_shop,  # noqa: F811 - the fixture imported above
    simulated,
    monkeypatch,
):
    pending = refunds_completed_at_amazon(worker_shop, simulated, 3)
    waiting = len(unprocessed(worker_shop))
    inbox = worker_shop.app.inbox
    failing = pending[1][1].reference_id
    apply = inbox._apply_notice

    def apply_failing_one(tx, notice, *rest):
        if notice.seen is not None and notice.seen.reference_id == failing:
            raise RuntimeError("boom")
        return apply(tx, notice, *rest)

    monkeypatch.setattr(inbox, "_apply_notice", apply_failing_one)
    watched = Watched(inbox.database)
    monkeypatch.setattr(inbox, "database", watched)

    handled = inbox.apply_due()

    assert handled == waiting >= 3
    assert watched.transactions == -(-waiting // BATCH)  # the failed one put off in its batch
    assert unprocessed(worker_shop) == ["PaymentRefund"]
    states = [worker_shop.item_states(order)["L1-1"] for order, _ in pending]
    assert states == ["refund completed", "refund pending", "refund completed"]
    attempts, error, processed = inbox_of(worker_shop, failing)
    assert (attempts, processed) == (1, False)
    assert error is not None
    assert error.startswith("attempt 1 failed: RuntimeError('boom')")
    assert [bookings(worker_shop, order) for order, _ in pending] == [
        [Money(1999, "EUR")],
        [],
        [Money(1999, "EUR")],
    ]


def test_a_batch_whose_transaction_fails_is_applied_again_one_message_at_a_time(
    worker_shop,  # noqa: F811 - the fixture imported above
    simulated,
    monkeypatch,
):
    pending = refunds_completed_at_amazon(worker_shop, simulated, 2)
    waiting = len(unprocessed(worker_shop))
    inbox = worker_shop.app.inbox
    watched = Watched(inbox.database, fail_first=True)
    monkeypatch.setattr(inbox, "database", watched)

    handled = inbox.apply_due()

    assert handled == waiting >= 2
    assert watched.transactions == 1 + waiting  # the batch, then each message on its own
    assert unprocessed(worker_shop) == []
    for order, refund in pending:
        assert worker_shop.item_states(order)["L1-1"] == "refund completed"
        assert bookings(worker_shop, order) == [Money(1999, "EUR")]
        assert inbox_of(worker_shop, refund.reference_id) == (0, None, True)


def test_the_worker_may_pause_before_each_transaction_of_stored_ipns(
    worker_shop,  # noqa: F811 - the fixture imported above
    simulated,
    monkeypatch,
):
    refunds_completed_at_amazon(worker_shop, simulated, 3)
    waiting = len(unprocessed(worker_shop))
    inbox = worker_shop.app.inbox
    watched = Watched(inbox.database)
    monkeypatch.setattr(inbox, "database", watched)
    pauses: list[int] = []

    handled = inbox.apply_due(pause=lambda: pauses.append(watched.transactions))

    assert handled == waiting > BATCH
    assert pauses == list(range(watched.transactions))  # one before each transaction
    assert unprocessed(worker_shop) == []
