"""Drive an order along a path of a process, making Amazon answer as each step needs.

For a transition, ``path_to`` finds the shortest path from the initial state through it;
``drive`` walks it: staff events are fired, timers are made due and the worker run, and for
each signal (and condition) the fake Amazon is made to say what sends it (makes it true): the
next answer of the call the step's command makes is scripted, or, when the command is a poll
or no command runs, Amazon moves the existing object on (as its processing would) and the
IPN arrives.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from enum import Enum

from amzpay.amazonpay.gateway import PaymentState
from amzpay.domain.payment import PaymentKind
from amzpay.oms.model import Process, Transition, Trigger
from fakes.orders import make_order
from fakes.world import World


class Strategy(Enum):
    ALL_ITEMS = "all items"  # staff fire every event on every item in the source state
    FIRST_ITEM = "first item"  # ... on the first of them only (partial capture, refund)


@dataclass(frozen=True)
class Amazon:
    """What Amazon says for a signal to be sent (a condition to hold): ``operation``
    answers (or is refused), or an existing ``kind`` object moves to ``state``."""

    operation: str
    kind: PaymentKind
    state: PaymentState | None  # None: the call is refused
    reason_code: str | None = None


_AUTH, _CAPTURE, _REFUND = PaymentKind.AUTHORIZATION, PaymentKind.CAPTURE, PaymentKind.REFUND
S = PaymentState
SAYS: dict[str, Amazon | None] = {
    "authorization is pending": Amazon("authorize", _AUTH, S.PENDING),
    "authorization is open": Amazon("authorize", _AUTH, S.OPEN),
    "authorization is declined": Amazon("authorize", _AUTH, S.DECLINED, "InvalidPaymentMethod"),
    "authorization is closed": Amazon("authorize", _AUTH, S.CLOSED, "ExpiredUnused"),
    "authorization failed": Amazon("authorize", _AUTH, None),
    "capture is pending": Amazon("capture", _CAPTURE, S.PENDING),
    "capture is completed": Amazon("capture", _CAPTURE, S.COMPLETED),
    "capture is declined": Amazon("capture", _CAPTURE, S.DECLINED, "AmazonRejected"),
    "capture failed": Amazon("capture", _CAPTURE, None),
    "refund is pending": Amazon("refund", _REFUND, S.PENDING),
    "refund is completed": Amazon("refund", _REFUND, S.COMPLETED),
    "refund is declined": Amazon("refund", _REFUND, S.DECLINED, "AmazonRejected"),
    "refund failed": Amazon("refund", _REFUND, None),
    # These follow from the order's own states and records: nothing to arrange.
    "order is fully captured": None,
    "nothing is captured": None,
}
CALLS = {
    "authorize": {"authorize"},
    "authorize and capture": {"authorize", "capture"},
    "capture": {"capture"},
    "refund": {"refund"},
}
POLLS = {
    "refresh authorization": _AUTH,
    "refresh capture": _CAPTURE,
    "refresh refund": _REFUND,
}


def path_to(process: Process, transition: Transition) -> list[Transition]:
    """The shortest path from the initial state that ends with ``transition``."""
    paths: dict[str, list[Transition]] = {process.initial: []}
    queue = deque([process.initial])
    while queue:
        state = queue.popleft()
        for step in process.leaving(state):
            if step.target not in paths:
                paths[step.target] = [*paths[state], step]
                queue.append(step.target)
    return [*paths[transition.source], transition]


def drive(world: World, process: Process, path: list[Transition], strategy: Strategy) -> str:
    """Walk ``path`` with a new two-item order; return the order's reference."""
    order = world.place(make_order(quantity=2), process.name, run=False)
    for number, step in enumerate(path):
        later = path[number + 1] if number + 1 < len(path) else None
        if (news := _news(process, step)) is not None:
            _amazon_moves(world, order, news)
        command = process.events[step.event].command if step.event else None
        if command is not None and later is not None and (after := _news(process, later)):
            _prepare(world, order, command, after)
        _perform(world, process, order, step, strategy)
    return order


def _news(process: Process, step: Transition) -> str | None:
    """What the step waits for from Amazon: its signal, else its condition."""
    if step.event is not None and process.events[step.event].trigger is Trigger.SIGNAL:
        return step.event
    return step.condition


def _prepare(world: World, order: str, command: str, condition: str) -> None:
    """Before ``command`` runs, make its call answer so that ``condition`` holds next."""
    says = SAYS[condition]
    if says is None:
        return
    if says.operation in CALLS.get(command, set()):
        if says.state is None:
            world.amazon.refuse(says.operation)
        else:
            world.amazon.answer(says.operation, says.state, says.reason_code)
    elif POLLS.get(command) is says.kind:
        _amazon_moves(world, order, condition)


def _amazon_moves(world: World, order: str, condition: str) -> None:
    """Amazon moves the order's newest object of the condition's kind on (if there is one)."""
    says = SAYS[condition]
    if says is None or says.state is None:
        return
    with world.database.transaction() as tx:
        records = [r for r in tx.payments(order, says.kind) if r.amazon_id]
    if records and records[-1].amazon_id in world.amazon.objects:
        world.amazon.settle(records[-1].amazon_id, says.state, says.reason_code)


def _perform(
    world: World, process: Process, order: str, step: Transition, strategy: Strategy
) -> None:
    if step.event is None or process.events[step.event].trigger is Trigger.SIGNAL:
        world.run_jobs()
        world.notify(order)
        return
    event = process.events[step.event]
    if event.trigger is Trigger.MANUAL:
        waiting = [item for item, state in world.states(order).items() if state == step.source]
        chosen = waiting[:1] if strategy is Strategy.FIRST_ITEM else waiting
        world.fire(order, step.event, chosen, run=False)
    elif event.trigger is Trigger.TIMEOUT:
        assert event.timeout is not None
        world.clock.advance(event.timeout)
        world.worker.run_once()
    world.run_jobs()
