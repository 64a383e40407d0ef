"""What the worker and the IPN endpoint cost the database: a round with nothing to do commits
nothing, an IPN applied at receipt (``AMZPAY_AMAZON__IPN_APPLY=at-receipt``) is stored and
applied in one commit, a command's calls are logged with its outcome. End to end with the
real gateway in front of the simulator, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, func, select

from amzpay.amazonpay.gateway import Observation
from amzpay.domain.payment import PaymentKind
from amzpay.mail.sink import SmtpSink
from amzpay.oms.runner import run_next_job
from amzpay.ports.errors import DuplicateOrder
from amzpay.services import inbox as inbox_module
from amzpay.store.tables import api_calls
from shop import Shop, order_spec, shop_on

REFUND_SETTLES = 60
AT_RECEIPT = {"AMZPAY_AMAZON__IPN_APPLY": "at-receipt"}


@pytest.fixture
def at_receipt(database_url: str, sink: SmtpSink) -> Iterator[Shop]:
    """The ``e2e`` shop with each IPN applied in the transaction that stores it."""
    with shop_on(database_url, sink, AT_RECEIPT) as made:
        yield made


class Commits:
    """Counts the commits made on an engine while it is attached."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, _connection: Any) -> None:
        self.count += 1


@contextmanager
def counting_commits(shop: Shop) -> Iterator[Commits]:
    commits, engine = Commits(), shop.app.database.engine
    event.listen(engine, "commit", commits)
    try:
        yield commits
    finally:
        event.remove(engine, "commit", commits)


def refund_asked(shop: Shop, items: list[str]) -> str:
    """A closed order with a refund of ``items`` sent to Amazon and not yet settled."""
    order = shop.closed_order()
    shop.app.refunds.request(order, items, actor="staff")
    shop.work()
    assert shop.app.refunds.refunds(order)[-1].state == "pending"
    return order


def test_a_worker_round_with_nothing_to_do_commits_nothing(e2e: Shop):
    order = refund_asked(e2e, ["L1-1"])
    e2e.later(REFUND_SETTLES)
    assert e2e.app.refunds.refunds(order)[-1].state == "completed"

    with counting_commits(e2e) as commits:
        done = e2e.app.worker("idle").run_once()

    assert not done.busy
    assert commits.count == 0


def test_a_refund_ipn_is_applied_in_the_commit_that_stores_it(at_receipt: Shop):
    order = refund_asked(at_receipt, ["L1-1"])
    before = len(at_receipt.amazon.answers)

    with counting_commits(at_receipt) as commits:
        at_receipt.amazon.advance(REFUND_SETTLES)  # the IPN arrives; the worker does not run

    delivered = at_receipt.amazon.answers[before:]
    assert [(ipn.notification_type, status) for ipn, status in delivered] == [
        ("PaymentRefund", 200)
    ]
    assert commits.count == 1
    assert at_receipt.app.refunds.refunds(order)[-1].state == "completed"
    assert "refund completed" in at_receipt.states(order)
    with at_receipt.app.database.read() as tx:
        assert tx.unprocessed_ipns(10) == []


def test_an_ipn_that_cannot_be_applied_at_receipt_is_kept_and_applied_by_the_worker(
    at_receipt: Shop, monkeypatch: pytest.MonkeyPatch
):
    order = refund_asked(at_receipt, ["L1-1"])
    real, failures = inbox_module.apply_observation, []

    def failing_once(tx: Any, seen: Observation, *rest: Any) -> Any:
        if not failures:
            failures.append(seen)
            raise RuntimeError("the order's application failed this time")
        return real(tx, seen, *rest)

    monkeypatch.setattr(inbox_module, "apply_observation", failing_once)
    at_receipt.amazon.advance(REFUND_SETTLES)

    assert failures, "the IPN was never applied"
    # Acknowledged: it is stored.
    assert {status for _, status in at_receipt.amazon.answers} == {200}
    assert at_receipt.app.refunds.refunds(order)[-1].state == "pending"  # nothing half-applied
    with at_receipt.app.database.read() as tx:
        assert len(tx.unprocessed_ipns(10)) == 1

    at_receipt.work()

    assert at_receipt.app.refunds.refunds(order)[-1].state == "completed"
    with at_receipt.app.database.read() as tx:
        assert tx.unprocessed_ipns(10) == []


def test_a_commands_call_is_logged_in_the_commit_that_records_its_outcome(e2e: Shop):
    order = e2e.closed_order()
    e2e.app.refunds.request(order, ["L1-1"], actor="staff")

    app = e2e.app

    with counting_commits(e2e) as commits:
        job = run_next_job(app.engine, app.database.transaction, "w", app.database.read)

    assert job is not None
    assert job.command == "refund"
    assert commits.count == 2  # the job claimed; then the answer, the call log and the job done
    refund = e2e.payments(order, PaymentKind.REFUND)[-1]
    with e2e.app.database.read() as tx:
        logged = [call for call in tx.api_calls(order) if call.operation == "Refund"]
    assert [call.reference_id for call in logged] == [refund.reference_id]


def test_an_order_import_logs_its_confirming_calls_with_the_order_in_one_commit(e2e: Shop):
    buyer = e2e.amazon.sim.create_order_reference(payment_method="visa")
    spec = order_spec(amazon_order_reference_id=buyer)

    with counting_commits(e2e) as commits:
        order = e2e.app.orders.import_order(spec, confirm=True)

    assert commits.count == 1
    with e2e.app.database.read() as tx:
        operations = [call.operation for call in tx.api_calls(order)]
    assert operations == ["SetOrderReferenceDetails", "ConfirmOrderReference"]


def test_confirming_calls_are_logged_even_when_the_order_is_not_stored(e2e: Shop):
    buyer = e2e.amazon.sim.create_order_reference(payment_method="visa")
    spec = order_spec(amazon_order_reference_id=buyer)
    e2e.app.orders.import_order(spec, confirm=True)
    again = order_spec(amazon_order_reference_id=buyer, reference=spec["reference"])

    with pytest.raises(DuplicateOrder):
        e2e.app.orders.import_order(again, confirm=False)
    with e2e.app.database.read() as tx:
        logged = tx.conn.execute(select(func.count()).select_from(api_calls)).scalar_one()
    assert logged == 2
