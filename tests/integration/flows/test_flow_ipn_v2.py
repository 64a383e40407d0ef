"""API v2 IPNs end to end: amzpay with V2Gateway in front of the simulator's API v2 (its
requests signed by amzpay's client and verified by the simulator), the simulator's signed v2
IPNs handed to amzpay's IPN receiver. A v2 IPN only names the object that changed: it is
stored at receipt, and the worker asks Amazon for the object and applies what Amazon says
through the one observation path. A refund amzpay never asked for becomes an external refund
for staff, on the order of its charge permission."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from amzpay.amazonpay.calllog import CallLog
from amzpay.amazonpay.v2.gateway import V2Gateway
from amzpay.bootstrap import build
from amzpay.cli.local_amazon import LocalAmazon
from amzpay.config import Settings
from amzpay.domain.money import Money
from amzpay.domain.order import AmazonApi
from amzpay.domain.payment import PaymentKind
from amzpay.simulator import InProcessTransport
from fakes.memory import MemoryStorage
from integration.simulator.v2kit import KEY, SANDBOX_SELLER, Checkout, Pay
from shop import BaseShop, order_spec

HOST = "sim.test"
START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
ORDER_TOTAL = "93.88"  # order_spec: two mugs at 19.99, a tea set at 49.00, delivery 4.90
REFUND_SETTLES = 40  # seconds: the simulator keeps a refund RefundInitiated for 31 s
# amzpay's first poll of a pending refund comes a minute after its call: REFUND_SETTLES is
# below it, so what settles a refund in these tests is the IPN.


class V2Shop(BaseShop):
    """amzpay on the in-memory store with V2Gateway in front of the simulator's API v2."""

    def __init__(self, amazon: LocalAmazon, ipn_apply: str = "at-receipt") -> None:
        self.amazon = amazon
        settings = Settings.load(
            {
                "AMZPAY_AMAZON__SELLER_ID": SANDBOX_SELLER.seller_id,
                "AMZPAY_AMAZON__SIMULATOR_HOST": HOST,
                "AMZPAY_AMAZON__IPN_APPLY": ipn_apply,
            }
        )
        app = build(
            settings,
            gateway_factory=lambda _, call_log: self.v2_gateway(call_log),
            clock=amazon.clock.now,
            certificates=amazon.certificates,
            database=MemoryStorage(),
        )
        super().__init__(app, order_spec)
        amazon.receiver = app.ipn
        buyer_http = httpx.Client(
            transport=InProcessTransport(amazon.app), base_url=f"http://{HOST}"
        )
        self.checkout = Checkout(Pay(buyer_http, amazon.clock))

    def v2_gateway(self, call_log: CallLog | None = None) -> V2Gateway:
        return self.amazon.v2_gateway(call_log)

    def later(self, seconds: float) -> None:
        self.amazon.advance(seconds)
        self.work()

    def captured_order(self) -> tuple[str, str]:
        """An order whose buyer completed checkout (a Chargeable charge permission),
        imported, authorized and captured in full; the order and its charge permission."""
        session = self.checkout.completed(amount=ORDER_TOTAL, paymentIntent="Confirm")
        permission = session["chargePermissionId"]
        spec = self.spec(amazon_order_reference_id=permission)
        order = self.app.orders.import_order(spec, api=AmazonApi.V2)
        self.work()
        self.app.orders.fire(order, "capture", None, actor="staff")
        self.work()
        return order, permission

    def unprocessed_ipns(self) -> int:
        with self.app.database.read() as tx:
            return len(tx.unprocessed_ipns(100, self.amazon.clock.now()))

    def inbox(self, notification_type: str) -> list[tuple[bool, str | None]]:
        """The stored IPNs of a type, oldest first: whether processed, and the note."""
        with self.app.database.read() as tx:
            rows, _ = tx.ipn_page(notification_type, False, 100, 0)
        return [(row.processed_at is not None, row.error) for row in reversed(rows)]


@pytest.fixture(params=["at-receipt"])
def shop(request: pytest.FixtureRequest) -> Iterator[V2Shop]:
    """The shop; a test parametrized indirectly with ``worker`` has its IPNs stored by the
    endpoint for the worker to apply."""
    amazon = LocalAmazon(SANDBOX_SELLER, HOST, start=START, seed=5, v2_key=KEY)
    made = V2Shop(amazon, request.param)
    try:
        yield made
    finally:
        made.close()
        amazon.close()


def test_a_v2_refund_is_completed_by_its_ipn_once_the_worker_has_asked_amazon(shop: V2Shop):
    order, _ = shop.captured_order()
    [capture] = shop.payments(order, PaymentKind.CAPTURE)

    shop.app.refunds.request(order, ["L1-1"], actor="staff")
    shop.work()
    [pending] = shop.refunds(order)
    shop.amazon.advance(REFUND_SETTLES)  # Refunded: the simulator sends its v2 IPN
    [(before, received)] = [(r.state, r.amazon_id) for r in shop.refunds(order)]
    stored = shop.inbox("REFUND")
    shop.work()
    [refund] = shop.refunds(order)

    assert capture.state == "completed"
    assert pending.state == "pending"
    assert stored == [(False, None)]  # kept at receipt, not applied: it names the refund only
    assert before == "pending"
    assert (refund.state, refund.amazon_id) == ("completed", received)
    assert shop.item_states(order)["L1-1"] == "refunded"
    assert shop.inbox("REFUND") == [(True, None)]
    assert shop.unprocessed_ipns() == 0


@pytest.mark.parametrize("shop", ["at-receipt", "worker"], indirect=True)
def test_a_v2_ipn_is_listed_with_its_order_and_the_object_it_names(shop: V2Shop):
    order, permission = shop.captured_order()
    shop.app.refunds.request(order, ["L1-1"], actor="staff")
    shop.work()
    shop.later(REFUND_SETTLES)
    [refund] = shop.refunds(order)
    [charge] = shop.payments(order, PaymentKind.CAPTURE)

    log = shop.app.queries.ipns().rows
    history = [entry for entry in shop.app.queries.history(order) if entry.kind == "ipn"]

    # the message names an object, not its state: the state is Amazon's answer to the worker
    about = {(entry.notification_type, entry.amazon_id, entry.state, entry.order) for entry in log}
    assert ("REFUND", refund.amazon_id, None, order) in about
    assert ("CHARGE", charge.amazon_id, None, order) in about
    assert ("CHARGE_PERMISSION", permission, None, order) in about
    assert {entry.order for entry in log} == {order}
    assert "IPN REFUND" in [entry.summary for entry in history]
    assert len(history) == len(log)


def test_the_worker_without_amazon_keeps_a_v2_ipn_to_try_again(shop: V2Shop):
    order, _ = shop.captured_order()
    shop.app.refunds.request(order, ["L1-1"], actor="staff")
    shop.work()
    shop.amazon.advance(REFUND_SETTLES)
    shop.amazon.sim.faults.update({"fail_calls": 1000, "fail_status": 503})

    shop.work()
    [waiting] = shop.inbox("REFUND")
    shop.amazon.sim.faults.update({"fail_calls": 0})
    shop.amazon.advance(120)  # the message's retry falls due; Amazon answers again
    shop.work()

    assert waiting[0] is False
    assert "GetRefund failed, to be retried" in str(waiting[1])
    assert shop.inbox("REFUND") == [(True, None)]
    assert shop.refunds(order)[0].state == "completed"


def test_a_v2_refund_made_at_amazon_becomes_an_external_refund_of_its_order(shop: V2Shop):
    order, _ = shop.captured_order()
    [capture] = shop.payments(order, PaymentKind.CAPTURE)
    assert capture.amazon_id is not None

    made = shop.v2_gateway().refund(
        capture_id=capture.amazon_id, reference_id="seller-central-1", amount=Money(500, "EUR")
    )
    shop.later(REFUND_SETTLES)

    [external] = shop.app.external_refunds.list_all()
    assert (external.amazon_refund_id, external.order) == (made.amazon_id, order)
    assert (external.amount, external.state) == (Money(500, "EUR"), "completed")
    assert shop.refunds(order) == []


def test_an_inbox_with_no_gateway_keeps_a_v2_ipn_saying_why(shop: V2Shop):
    order, _ = shop.captured_order()
    shop.app.refunds.request(order, ["L1-1"], actor="staff")
    shop.work()
    shop.app.inbox.gateway = None

    shop.amazon.advance(REFUND_SETTLES)
    shop.work()

    [(processed, note)] = shop.inbox("REFUND")
    assert not processed
    assert "needs a gateway" in str(note)
    assert shop.refunds(order)[0].state == "pending"


def test_a_buyers_checkout_leaves_a_chargeable_charge_permission_with_nothing_charged(
    shop: V2Shop,
):
    permission = shop.amazon.v2_checkout(Money(9388, "EUR"))

    seen = shop.v2_gateway().order_reference_details(permission)

    assert seen.amazon_id == permission
    assert seen.state == "open"
    assert seen.amount == Money(9388, "EUR")
