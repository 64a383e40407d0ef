"""The Amazon Pay processes: their files, commands and conditions, and an engine to run them.

Nothing is loaded at import time; ``load_processes`` reads and checks the files when called
(at start-up, by ``build_engine``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from importlib.resources import files
from importlib.resources.abc import Traversable

from amzpay.amazonpay.gateway import PaymentGateway
from amzpay.domain.order import AmazonApi
from amzpay.domain.payment import PaymentKind
from amzpay.oms.engine import Engine
from amzpay.oms.loader import load
from amzpay.oms.model import Process
from amzpay.oms.ports import Command, Job, Transactions
from amzpay.ports.unit import UnitOfWork
from amzpay.processes.call_log import StoreCallLog
from amzpay.processes.commands import (
    AuthorizeCommand,
    CaptureCommand,
    OrderReferenceCommand,
    RefreshCommand,
)
from amzpay.processes.conditions import conditions
from amzpay.processes.polls import DEFAULT_SCHEDULE, Schedule
from amzpay.processes.refund import RefundCommand
from amzpay.processes.settlement import SIGNALS, Settlement

ASYNC = "amazon-pay-async"
SYNC = "amazon-pay-sync"
V2 = "amazon-pay-v2"
V2_SYNC = "amazon-pay-v2-sync"


@dataclass(frozen=True, slots=True)
class ProcessFile:
    """A process's main file in ``process_directory()``, and the Amazon API of the orders it
    runs: its states are in that API's words."""

    main: str
    api: AmazonApi


PROCESS_FILES: Mapping[str, ProcessFile] = {
    ASYNC: ProcessFile("amazon_pay_async.toml", AmazonApi.LEGACY),
    SYNC: ProcessFile("amazon_pay_sync.toml", AmazonApi.LEGACY),
    V2: ProcessFile("amazon_pay_v2.toml", AmazonApi.V2),
    V2_SYNC: ProcessFile("amazon_pay_v2_sync.toml", AmazonApi.V2),
}
"""Each process by name -> its main file and its API."""
MAIN_FILES: Mapping[str, str] = {name: file.main for name, file in PROCESS_FILES.items()}
"""Each process by name -> its main file in ``process_directory()``."""
DEFAULT_PROCESSES: Mapping[AmazonApi, str] = {AmazonApi.LEGACY: ASYNC, AmazonApi.V2: V2}
"""The process an order of each API follows unless another is chosen (the settings')."""


def processes_of(api: AmazonApi) -> tuple[str, ...]:
    """The processes that run orders paid through ``api``."""
    return tuple(name for name, file in PROCESS_FILES.items() if file.api is api)


def api_of(process: str) -> AmazonApi | None:
    """The API whose orders ``process`` runs; None for a process not in the catalog."""
    found = PROCESS_FILES.get(process)
    return None if found is None else found.api


def process_directory() -> Traversable:
    return files("amzpay.processes").joinpath("files")


Clock = Callable[[], datetime]
_Factory = Callable[[PaymentGateway, Clock, Settlement, Schedule], Command[UnitOfWork]]
_COMMANDS: Mapping[str, _Factory] = {
    "authorize": lambda g, c, t, _: AuthorizeCommand(g, c, t, capture_now=False),
    "authorize and capture": lambda g, c, t, _: AuthorizeCommand(g, c, t, capture_now=True),
    "refresh authorization": lambda g, c, t, s: RefreshCommand(
        g, c, t, PaymentKind.AUTHORIZATION, s
    ),
    "capture": lambda g, c, t, _: CaptureCommand(g, c, t),
    "refresh capture": lambda g, c, t, s: RefreshCommand(g, c, t, PaymentKind.CAPTURE, s),
    "close order": lambda g, c, t, _: OrderReferenceCommand(g, c, cancel=False),
    "cancel order": lambda g, c, t, _: OrderReferenceCommand(g, c, cancel=True),
    "refund": lambda g, c, t, _: RefundCommand(g, c, t),
    "refresh refund": lambda g, c, t, s: RefreshCommand(g, c, t, PaymentKind.REFUND, s),
}


def commands(
    gateway: PaymentGateway,
    clock: Clock,
    settlement: Settlement,
    poll_schedule: Schedule = DEFAULT_SCHEDULE,
) -> dict[str, Command[UnitOfWork]]:
    """Every command by the name the process files use; what their calls settle moves
    the items through ``settlement``."""
    return {
        name: make(gateway, clock, settlement, poll_schedule) for name, make in _COMMANDS.items()
    }


def load_processes(directory: Traversable | None = None) -> dict[str, Process]:
    """Read and check every process file. Raises ProcessFileError naming the culprit."""
    where = directory or process_directory()
    known = conditions()
    return {
        name: load(where, main, commands=_COMMANDS.keys(), conditions=known, signals=SIGNALS)
        for name, main in MAIN_FILES.items()
    }


class LoggedCommand:
    """A command whose calls to Amazon are logged in the transaction that records their
    outcome, not in one transaction each."""

    def __init__(self, command: Command[UnitOfWork], call_log: StoreCallLog) -> None:
        self.command, self.call_log = command, call_log

    def plan(self, tx: UnitOfWork, job: Job) -> None:
        self.command.plan(tx, job)

    def call(
        self, job: Job, transactions: Transactions[UnitOfWork]
    ) -> Callable[[UnitOfWork], None]:
        with self.call_log.held() as calls:
            record = self.command.call(job, transactions)

        def record_with_calls(tx: UnitOfWork) -> None:
            # The transaction is the runner's; should it roll back, the job runs again and
            # its new attempt is logged (the calls of this one are lost with the outcome).
            record(tx)
            calls.write(tx)

        return record_with_calls


def build_engine(
    gateway: PaymentGateway,
    clock: Clock,
    poll_schedule: Schedule = DEFAULT_SCHEDULE,
    call_log: StoreCallLog | None = None,
) -> Engine[UnitOfWork]:
    """The engine with every process and command; the ``refresh ...`` commands ask Amazon
    on ``poll_schedule`` (``polls.py``), however often their timers fire. The commands
    settle payments through the engine they belong to, so they join it once it exists. With
    ``call_log`` (the gateway's), each command's calls are logged with its outcome."""
    engine: Engine[UnitOfWork] = Engine(
        load_processes(), commands={}, conditions=conditions(), clock=clock
    )
    made = commands(gateway, clock, Settlement(engine), poll_schedule)
    if call_log is not None:
        made = {name: LoggedCommand(command, call_log) for name, command in made.items()}
    engine.commands.update(made)
    return engine
