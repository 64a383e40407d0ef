"""The soak's campaign: shoppers run orders through the shop while Amazon misbehaves.

Amazon is ``LocalAmazon`` (the simulator in-process, throttling on, on a manual clock); the
shop is amzpay as ``bootstrap.build`` makes it, its gateway's transport behind a
``CrashSwitch``. Time moves in ticks of a few seconds: each tick may arm a fault, forge an
IPN, replace the worker or set it to die in its next write call; then the shoppers act, the
worker catches up, Amazon's clock moves on (IPNs arrive) and the worker catches up again.

Three phases: the storm (faults, until every shopper is done or the tick budget is spent),
the calm (faults off, the last shoppers finish) and the horizon (the clock runs past the
longest poll interval, so what lost its IPN is settled by a poll).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from enum import StrEnum

import httpx

from amzpay.bootstrap import App, build
from amzpay.cli.local_amazon import LocalAmazon
from amzpay.cli.soak.faults import CrashSwitch, Fault, FaultMix, WorkerKilled, forged
from amzpay.cli.soak.shoppers import Shopper
from amzpay.config import Settings
from amzpay.services.errors import IpnNotStored, IpnRejected
from amzpay.simulator import InProcessTransport, Seller, Throttling
from amzpay.simulator.config import PRODUCTION_QUOTAS
from amzpay.worker import Worker

SELLER = Seller(seller_id="A1SOAKSHOP", access_key_id="AKIASOAK", secret_key="soak-secret")
HOST = "simulator.soak"
AT_ONCE = 30  # shoppers under way together
STEP_SECONDS = (10, 60)  # how far Amazon's clock moves in one tick
HORIZON_STEP = timedelta(minutes=15)
MAX_ROUNDS = 50  # worker rounds in one catch-up; more means it never goes idle
# Per tick, during the storm:
FAULT_CHANCE = 0.4
FORGE_CHANCE = 0.1
RESTART_CHANCE = 0.05
KILL_CHANCE = 0.08


class Phase(StrEnum):
    STORM = "orders under faults"
    CALM = "faults off, last orders"
    HORIZON = "past the poll horizon"


@dataclass
class MailCount:
    """The shop's mailer: counts the e-mails the worker sends (none leaves the machine)."""

    sent: int = 0

    def send(self, message: EmailMessage) -> None:
        self.sent += 1


@dataclass
class Shop:
    """amzpay and its Amazon for one campaign."""

    app: App
    amazon: LocalAmazon
    switch: CrashSwitch
    mail: MailCount


@contextmanager
def open_shop(database_url: str, seed: int) -> Iterator[Shop]:
    """amzpay on ``database_url`` (migrated), with the real gateway in front of a fresh
    simulator seeded with ``seed``."""
    # Amazon's live quotas: a shop paces its calls to them (bootstrap's client-side throttle),
    # which the in-process gateway cannot do on a clock that moves only between ticks; with
    # the sandbox's two-call buckets nearly every call of a busy tick would be refused.
    quotas = Throttling(enabled=True, sandbox=dict(PRODUCTION_QUOTAS))
    amazon = LocalAmazon(SELLER, HOST, seed=seed, throttling=quotas)
    switch = CrashSwitch(InProcessTransport(amazon.app))
    calls = httpx.Client(transport=switch)
    mail = MailCount()
    settings = Settings.load(
        {
            "AMZPAY_DATABASE_URL": database_url,
            "AMZPAY_AMAZON__SELLER_ID": SELLER.seller_id,
            "AMZPAY_AMAZON__SIMULATOR_HOST": HOST,
            "AMZPAY_SHOP__NAME": "The soak shop",
            "AMZPAY_SHOP__STAFF": "staff@shop.soak",
        }
    )
    app = build(
        settings,
        gateway_factory=lambda _, call_log: amazon.gateway(call_log, http=calls),
        clock=amazon.clock.now,
        certificates=amazon.certificates,
        mailer=mail,
    )
    amazon.receiver = app.ipn
    try:
        yield Shop(app, amazon, switch, mail)
    finally:
        app.close()
        calls.close()
        amazon.close()


Report = Callable[[Phase, int], None]
"""Told after each tick: the phase and how many shoppers are done."""


@dataclass
class Campaign:
    """``orders`` shoppers on ``shop``, every random choice drawn from ``seed``."""

    shop: Shop
    orders: int
    seed: int
    max_ticks: int = 0  # the storm's budget; 0: enough for ``orders``
    shoppers: list[Shopper] = field(init=False)
    ticks: int = 0
    forged_accepted: list[str] = field(default_factory=list)  # message ids let in

    def __post_init__(self) -> None:
        self.rng = random.Random(f"{self.seed}-campaign")
        self.shoppers = [
            Shopper(f"SOAK-{n:04d}", random.Random(f"{self.seed}-{n}"))
            for n in range(1, self.orders + 1)
        ]
        self.faults = FaultMix(self.shop.amazon.sim, random.Random(f"{self.seed}-faults"))
        self.events: Counter[Fault] = Counter()  # the faults the campaign makes itself
        self._workers = 0
        self.worker = self._new_worker()
        self.max_ticks = self.max_ticks or 200 + 6 * self.orders

    @property
    def done(self) -> int:
        return sum(shopper.done for shopper in self.shoppers)

    def run(self, report: Report) -> None:
        while self.done < self.orders and self.ticks < self.max_ticks:
            self._tick(storm=True)
            report(Phase.STORM, self.done)
        self.faults.calm()
        self.shop.switch.armed = None
        while self.done < self.orders and self.ticks < 2 * self.max_ticks:
            self._tick(storm=False)
            report(Phase.CALM, self.done)
        horizon = sum(self.shop.app.settings.polling.schedule, timedelta())
        horizon += self.shop.app.settings.polling.schedule[-1]
        for _ in range(int(horizon / HORIZON_STEP) + 1):
            self.shop.amazon.advance(HORIZON_STEP.total_seconds())
            self._work()
            report(Phase.HORIZON, self.done)

    def tally(self) -> Counter[Fault]:
        return self.faults.tally() + self.events

    def _tick(self, *, storm: bool) -> None:
        self.ticks += 1
        if storm:
            self._stir()
        app, simulator = self.shop.app, self.shop.amazon.sim
        for shopper in [s for s in self.shoppers if not s.done][:AT_ONCE]:
            shopper.step(app, simulator)
        # The worker makes the calls asked for and applies the IPNs that came in meanwhile.
        self._work()
        self.shop.amazon.advance(self.rng.randint(*STEP_SECONDS))
        # The IPNs that arrived are stored for the worker, which takes them up at once (as
        # ``amzpay serve``'s, woken by them), before the shoppers look again.
        self._work()

    def _stir(self) -> None:
        rng = self.rng
        if rng.random() < FAULT_CHANCE:
            self.faults.arm()
        if rng.random() < FORGE_CHANCE:
            self._forge()
        if rng.random() < RESTART_CHANCE:
            self.events[Fault.WORKER_RESTART] += 1
            self.worker = self._new_worker()
        if rng.random() < KILL_CHANCE:
            self.shop.switch.armed = rng.choice((Fault.KILLED_BEFORE_CALL, Fault.KILLED_AFTER_CALL))

    def _work(self) -> None:
        """Run the worker until it has nothing to do now; a worker killed mid-call is
        followed by a new one (its job waits for the dead one's lease to run out)."""
        for _ in range(MAX_ROUNDS):
            try:
                with self.shop.switch.live():
                    busy = self.worker.run_once().busy
            except WorkerKilled as death:
                self.events[death.fault] += 1
                self.worker = self._new_worker()
                continue
            if not busy:
                return

    def _forge(self) -> None:
        """Post a forged copy of a genuine refund IPN straight to the shop's receiver."""
        genuine = [ipn for ipn, _ in self.shop.amazon.answers[-50:]]
        refunds = [ipn for ipn in genuine if ipn.notification_type == "PaymentRefund"]
        if not refunds:
            return
        body, headers = forged(self.rng.choice(refunds), self.rng)
        self.events[Fault.FORGED_IPN] += 1
        try:
            receipt = self.shop.app.ipn.receive(body, headers)
        except (IpnRejected, IpnNotStored):
            return
        self.forged_accepted.append(receipt.message_id)

    def _new_worker(self) -> Worker:
        self._workers += 1
        return self.shop.app.worker(f"soak-{self._workers}")
