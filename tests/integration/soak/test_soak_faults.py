"""The soak's fault machinery against the simulator: a worker killed before or after its
call reached Amazon, and the tally of faults that hit as the simulator saw them."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import suppress

import httpx
import pytest

from amzpay.amazonpay.mws.errors import RetryableError
from amzpay.cli.local_amazon import LocalAmazon
from amzpay.cli.soak.faults import CrashSwitch, Fault, FaultMix, WorkerKilled
from amzpay.domain.money import Money
from amzpay.simulator import InProcessTransport, Seller

SELLER = Seller(seller_id="A1FAULTSHOP", access_key_id="AKIAFAULTS", secret_key="s3")
TOTAL = Money(2500, "EUR")


@pytest.fixture
def amazon() -> Iterator[LocalAmazon]:
    local = LocalAmazon(SELLER, "sim.test")
    yield local
    local.close()


def confirmed(amazon: LocalAmazon) -> str:
    """A buyer's order reference, given its total and confirmed."""
    order = amazon.sim.create_order_reference(payment_method="visa")
    client = amazon.mws_client()
    client.set_order_reference_details(order, TOTAL)
    client.confirm_order_reference(order)
    return order


def authorizations(amazon: LocalAmazon) -> list[str]:
    """The AuthorizationReferenceId of every authorization Amazon holds."""
    return [a.reference_id for a in amazon.sim.ledger.authorizations.values()]


def test_a_worker_killed_before_its_call_leaves_amazon_untouched(amazon):
    order = confirmed(amazon)
    switch = CrashSwitch(InProcessTransport(amazon.app))
    client = amazon.mws_client(http=httpx.Client(transport=switch))
    switch.armed = Fault.KILLED_BEFORE_CALL

    with switch.live(), pytest.raises(WorkerKilled) as death:
        client.authorize(order, "A-before", TOTAL)

    assert death.value.fault is Fault.KILLED_BEFORE_CALL
    assert authorizations(amazon) == []
    assert switch.armed is None


def test_a_worker_killed_after_its_call_leaves_what_amazon_did(amazon):
    order = confirmed(amazon)
    switch = CrashSwitch(InProcessTransport(amazon.app))
    client = amazon.mws_client(http=httpx.Client(transport=switch))
    switch.armed = Fault.KILLED_AFTER_CALL

    with switch.live(), pytest.raises(WorkerKilled):
        client.authorize(order, "A-after", TOTAL)

    assert authorizations(amazon) == ["A-after"]


def test_a_kill_waits_for_a_write_call_made_during_a_worker_round(amazon):
    order = confirmed(amazon)
    switch = CrashSwitch(InProcessTransport(amazon.app))
    client = amazon.mws_client(http=httpx.Client(transport=switch))
    switch.armed = Fault.KILLED_BEFORE_CALL

    client.authorize(order, "A-outside", TOTAL)  # not in a worker's round
    with switch.live():
        client.get_order_reference_details(order)  # a read

    assert authorizations(amazon) == ["A-outside"]
    assert switch.armed is Fault.KILLED_BEFORE_CALL


def test_the_tally_counts_the_ipns_the_simulator_dropped(amazon):
    mix = FaultMix(amazon.sim, random.Random(3))
    mix.arm("drop_ipns")
    armed = amazon.sim.faults.drop_ipns
    client = amazon.mws_client()

    for n in range(armed + 2):  # each synchronous authorization is announced by an IPN
        client.authorize(confirmed(amazon), f"A-{n}", TOTAL, transaction_timeout=0)
    amazon.advance(5)

    dropped = [d for d in amazon.sim.outbox.log if d.final == "dropped"]
    assert armed > 0
    assert mix.tally()[Fault.DROPPED_IPN] == len(dropped) == armed


def test_the_tally_counts_failed_calls_from_the_simulators_log(amazon):
    mix = FaultMix(amazon.sim, random.Random(3))
    mix.arm("fail_calls")
    armed = amazon.sim.faults.fail_calls
    client = amazon.mws_client()

    for _ in range(3):  # each call tries up to 4 times
        order = amazon.sim.create_order_reference(payment_method="visa")
        with suppress(RetryableError):  # more failures in a row than the client's retries
            client.set_order_reference_details(order, TOTAL)

    tally = mix.tally()
    assert tally[Fault.ERROR_500] + tally[Fault.ERROR_503] == armed
    assert amazon.sim.faults.fail_calls == 0


def test_calming_clears_the_faults_still_pending(amazon):
    mix = FaultMix(amazon.sim, random.Random(3))
    for counter in ("lose_responses", "duplicate_ipns", "fail_calls"):
        mix.arm(counter)

    mix.calm()

    pending = amazon.sim.faults.as_dict()
    assert (pending["lose_responses"], pending["duplicate_ipns"], pending["fail_calls"]) == (
        0,
        0,
        0,
    )
    assert sum(mix.tally().values()) == 0
