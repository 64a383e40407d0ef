"""One order's life in the soak, played as the buyer and the shop's staff would: checkout,
capture once the authorization is open, then one to three refunds, each asked again when
Amazon declines it.

A shopper looks only at what staff see (``app.orders.items``: each item's state and the
events allowed on it; ``app.refunds.refunds``: the order's refund records) and acts through
the services, so it waits for whatever the worker, the IPNs and the polls have not done yet.
Every choice comes from its own random source, so a seed replays the same orders.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from amzpay.amazonpay.gateway import CallFailed, CallRefused
from amzpay.bootstrap import App
from amzpay.domain.payment import RefundState
from amzpay.services.orders import ItemView
from amzpay.simulator import Simulator

DECLINE = '{"SandboxSimulation": {"State": "Declined", "ReasonCode": "AmazonRejected"}}'
DECLINE_CHANCE = 0.25  # of a refund's first request carrying Amazon's decline simulation
ACTOR = "soak"
# How long Amazon's sandbox keeps an authorization and a refund Pending: no use looking sooner.
AUTHORIZATION_TAKES = timedelta(seconds=30)
REFUND_TAKES = timedelta(seconds=31)


class Stage(StrEnum):
    CHECKOUT = "checkout"
    PAYMENT = "authorization and capture"
    REFUNDS = "refunds"
    DONE = "done"


SETTLED = frozenset({RefundState.COMPLETED, RefundState.DECLINED, RefundState.FAILED})
"""The refund record states a shopper stops waiting at."""


@dataclass
class RefundGroup:
    """Items refunded together; asked again, without the decline note, until completed."""

    items: tuple[str, ...]
    decline_first: bool
    in_flight: tuple[str, ...] = ()  # the RefundReferenceIds of the request under way
    requests: int = 0
    declined: int = 0  # requests Amazon declined (or refused)
    completed: bool = False


@dataclass
class Shopper:
    reference: str
    rng: random.Random
    stage: Stage = Stage.CHECKOUT
    buyer: str | None = None  # the buyer's order reference at Amazon
    spec: dict[str, object] = field(default_factory=dict)
    groups: list[RefundGroup] = field(default_factory=list)
    checkout_retries: int = 0
    wake_at: datetime | None = None  # nothing to look at before then (Amazon's time)

    @property
    def done(self) -> bool:
        return self.stage is Stage.DONE

    @property
    def refunded_items(self) -> set[str]:
        """Every item this shopper had refunded (or is having refunded)."""
        return {item for group in self.groups for item in group.items}

    def step(self, app: App, simulator: Simulator) -> bool:
        """Do what is due now; return whether anything moved."""
        if self.wake_at is not None and app.clock() < self.wake_at:
            return False
        self.wake_at = None
        if self.stage is Stage.CHECKOUT:
            return self._checkout(app, simulator)
        if self.stage is Stage.DONE:
            return False
        items = app.orders.items(self.reference)
        if self.stage is Stage.PAYMENT:
            return self._pay(app, items)
        return self._refund(app, items)

    def _checkout(self, app: App, simulator: Simulator) -> bool:
        if self.buyer is None:
            self.buyer = simulator.create_order_reference(payment_method="visa")
        self.spec = self.spec or order_spec(self.reference, self.rng)
        try:
            app.orders.import_order(
                self.spec | {"amazon_order_reference_id": self.buyer}, confirm=True
            )
        except CallFailed:
            self.checkout_retries += 1  # the buyer presses "buy" again
            return False
        except CallRefused:
            # Confirmed at Amazon before its answer was lost: checkout starts again.
            self.checkout_retries += 1
            self.buyer = None
            return False
        self.stage = Stage.PAYMENT
        self._sleep(app, AUTHORIZATION_TAKES)
        return True

    def _pay(self, app: App, items: list[ItemView]) -> bool:
        for event in ("capture", "reauthorize"):
            if all(event in item.manual_events for item in items):
                app.orders.fire(self.reference, event, None, actor=ACTOR)
                return True
        if all("refund" in item.manual_events for item in items):
            self.groups = refund_groups([item.id for item in items], self.rng)
            self.stage = Stage.REFUNDS
            return True
        return False

    def _refund(self, app: App, items: list[ItemView]) -> bool:
        group = next((g for g in self.groups if not g.completed), None)
        if group is None:
            self.stage = Stage.DONE
            return True
        if group.in_flight:
            return self._settle(app, group)
        refundable = {item.id for item in items if "refund" in item.manual_events}
        if not refundable.issuperset(group.items):
            return False
        note = DECLINE if group.decline_first and group.requests == 0 else None
        made = app.refunds.request(self.reference, group.items, actor=ACTOR, note=note)
        group.in_flight = tuple(refund.reference_id for refund in made)
        group.requests += 1
        self._sleep(app, REFUND_TAKES)
        return True

    def _sleep(self, app: App, amazon_takes: timedelta) -> None:
        self.wake_at = app.clock() + amazon_takes

    def _settle(self, app: App, group: RefundGroup) -> bool:
        states = {r.reference_id: r.state for r in app.refunds.refunds(self.reference)}
        seen = {states.get(reference) for reference in group.in_flight}
        if not seen <= SETTLED:
            return False
        group.in_flight = ()
        group.completed = seen == {RefundState.COMPLETED}
        group.declined += not group.completed  # asked again once its items are refundable
        return True


def refund_groups(items: list[str], rng: random.Random) -> list[RefundGroup]:
    """Most orders refunded in full, the others in part; in one to three refunds."""
    chosen = list(items) if rng.random() < 0.6 else rng.sample(items, rng.randint(1, len(items)))
    rng.shuffle(chosen)
    count = rng.randint(1, min(3, len(chosen)))
    cuts = sorted(rng.sample(range(1, len(chosen)), count - 1))
    bounds = list(zip([0, *cuts], [*cuts, len(chosen)], strict=True))
    return [
        RefundGroup(tuple(chosen[start:end]), rng.random() < DECLINE_CHANCE)
        for start, end in bounds
    ]


def order_spec(reference: str, rng: random.Random) -> dict[str, object]:
    """An order of one to three lines (one to three units each), sometimes a bundle, and
    its shipping; prices drawn from ``rng`` as decimal strings. The buyer's order reference
    is added at checkout."""
    lines = [
        {
            "id": f"L{n}",
            "sku": f"article-{n}",
            "name": f"Article {n}",
            "quantity": rng.randint(1, 3),
            "unit_price": _price(rng.randint(100, 9_999)),
            "tax_rate": "19",
            "shipment": "S1",
        }
        for n in range(1, rng.randint(1, 3) + 1)
    ]
    bundles = [] if rng.random() < 0.7 else [_BUNDLE]
    return {
        "reference": reference,
        "currency": "EUR",
        "customer": {"email": f"{reference.lower()}@example.com", "locale": "de_DE"},
        "shipments": [{"id": "S1", "method": "standard"}],
        "lines": lines,
        "bundles": bundles,
        "expenses": [
            {"id": "shipping", "name": "Delivery", "price": "4.90", "tax_rate": "19",
             "shipment": "S1"},
        ],
    }  # fmt: skip


_BUNDLE = {
    "id": "B1", "sku": "tea-set", "name": "Tea set", "price": "49.00", "shipment": "S1",
    "items": [
        {"id": "pot", "sku": "pot", "name": "Teapot", "catalogue_price": "30.00"},
        {"id": "cup", "sku": "cup", "name": "Cup", "catalogue_price": "20.00"},
    ],
}  # fmt: skip


def _price(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"
