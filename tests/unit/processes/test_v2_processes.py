"""The API v2 processes: each process runs one API's orders; a v2 state carries the flags of
the legacy state it stands for (so the conditions and the refund's reasons read both alike);
a v2 order runs through its process in v2's words, on the fake Amazon."""

from __future__ import annotations

import pytest

from amzpay.amazonpay.gateway import PaymentState
from amzpay.domain.order import AmazonApi
from amzpay.domain.payment import PaymentKind
from amzpay.processes.catalog import (
    ASYNC,
    DEFAULT_PROCESSES,
    SYNC,
    V2,
    V2_SYNC,
    api_of,
    load_processes,
    processes_of,
)
from fakes.orders import make_order
from fakes.world import World

PROCESSES = load_processes()

# The v2 state each legacy state stands for, process by process (docs/processes.md).
ASYNC_IN_V2 = {
    "new": "new",
    "authorization requested": "charge requested",
    "auth pending": "authorization initiated",
    "auth open": "authorized",
    "auth declined": "charge declined",
    "auth closed": "charge canceled",
    "auth failed": "charge failed",
    "cancelled": "cancelled",
    "capture requested": "capture requested",
    "capture pending": "capture initiated",
    "capture completed": "captured",
    "capture declined": "capture declined",
    "released": "released",
    "fully captured": "fully captured",
    "closed": "closed",
    "refund requested": "refund requested",
    "refund pending": "refund initiated",
    "refund completed": "refunded",
    "refund declined": "refund declined",
    "refund failed": "refund failed",
}
SYNC_IN_V2 = {
    **{old: new for old, new in ASYNC_IN_V2.items() if old in PROCESSES[SYNC].states},
    "payment requested": "charge requested",
    "payment declined": "charge declined",
    "payment failed": "charge failed",
}
PAIRS = [
    pytest.param(legacy, v2, old, new, id=f"{v2}: {new}")
    for legacy, v2, names in ((ASYNC, V2, ASYNC_IN_V2), (SYNC, V2_SYNC, SYNC_IN_V2))
    for old, new in names.items()
]


@pytest.fixture
def world(database):
    return World(database)


def test_each_process_runs_the_orders_of_one_api_and_each_api_has_a_default():
    assert processes_of(AmazonApi.LEGACY) == (ASYNC, SYNC)
    assert processes_of(AmazonApi.V2) == (V2, V2_SYNC)
    assert {api: api_of(name) for api, name in DEFAULT_PROCESSES.items()} == {
        AmazonApi.LEGACY: AmazonApi.LEGACY,
        AmazonApi.V2: AmazonApi.V2,
    }
    assert api_of("no-such-process") is None


@pytest.mark.parametrize(("legacy", "v2", "old", "new"), PAIRS)
def test_a_v2_state_carries_the_flags_and_closing_of_the_legacy_state_it_stands_for(
    legacy, v2, old, new
):
    was, now = PROCESSES[legacy].states[old], PROCESSES[v2].states[new]

    assert (now.flags, now.closes_order) == (was.flags, was.closes_order)


@pytest.mark.parametrize(
    ("legacy", "v2", "names"), [(ASYNC, V2, ASYNC_IN_V2), (SYNC, V2_SYNC, SYNC_IN_V2)]
)
def test_every_v2_state_stands_for_a_legacy_state(legacy, v2, names):
    assert set(names) == set(PROCESSES[legacy].states)
    assert set(names.values()) == set(PROCESSES[v2].states)


def test_a_v2_order_is_charged_captured_closed_and_refunded_in_v2s_words(world):
    order = world.place(make_order(), V2)
    charged = set(world.states(order).values())

    world.fire(order, "capture")
    closed = set(world.states(order).values())
    world.fire(order, "refund", ["L1-1"])
    initiated = world.states(order)
    world.amazon.settle(world.amazon_id(order, PaymentKind.REFUND), PaymentState.COMPLETED)
    world.notify(order)

    assert (charged, closed) == ({"authorized"}, {"closed"})
    assert initiated == {"L1-1": "refund initiated", "L1-2": "closed"}
    assert world.states(order) == {"L1-1": "refunded", "L1-2": "closed"}


def test_a_v2_charge_pending_authorization_is_polled_until_authorized(world):
    world.amazon.answer("authorize", PaymentState.PENDING)
    order = world.place(make_order(), V2)
    pending = set(world.states(order).values())

    world.amazon.settle(world.amazon_id(order, PaymentKind.AUTHORIZATION), PaymentState.OPEN)
    world.notify(order)

    assert pending == {"authorization initiated"}
    assert set(world.states(order).values()) == {"authorized"}


def test_a_declined_v2_capture_asks_for_a_new_charge_not_another_capture(world):
    order = world.place(make_order(), V2)
    world.amazon.answer("capture", PaymentState.DECLINED, "AmazonRejected")
    world.fire(order, "capture")
    declined = set(world.states(order).values())

    world.fire(order, "reauthorize")

    assert declined == {"capture declined"}
    assert set(world.states(order).values()) == {"authorized"}
    with world.database.transaction() as tx:
        assert len(tx.payments(order, PaymentKind.AUTHORIZATION)) == 2


def test_a_v2_order_charged_with_capture_now_is_closed_at_once(world):
    order = world.place(make_order(), V2_SYNC)

    assert set(world.states(order).values()) == {"closed"}
    with world.database.transaction() as tx:
        [capture] = tx.payments(order, PaymentKind.CAPTURE)
    assert capture.state == "completed"
