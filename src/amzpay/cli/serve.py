"""``amzpay serve``: the web app (REST API, IPN endpoint, back office, health, metrics) with
uvicorn, a worker in a background thread, and in sandbox-simulator mode the simulator, all in
one process at one URL.

    amzpay serve --simulator           # a newcomer: SQLite, the simulator, everything at once
    amzpay serve --no-worker           # production: plus any number of ``amzpay worker``
                                       # processes on one PostgreSQL database

Ctrl-C or SIGTERM stops the server gracefully, then the worker (its round finishes) and the
simulator.
"""

from __future__ import annotations

import logging
import signal
import socket
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Final

import typer

from amzpay import __version__
from amzpay.cli.options import DatabaseOption, settings_for, shown

if TYPE_CHECKING:
    from rich.console import Console

    from amzpay.bootstrap import App
    from amzpay.config import Settings
    from amzpay.store.database import Database

log = logging.getLogger(__name__)

IDLE_SECONDS: Final = 0.5  # the worker's pause after a round with nothing to do


@dataclass
class BackgroundWorker:
    """``App.worker(name).run`` in a thread of its own, until ``stop``; woken from its pause
    when an IPN is stored for it to apply, and giving way to the endpoint while IPNs keep
    arriving (``worker.GiveWay``: for up to 2 s)."""

    running: App
    name: str
    idle_seconds: float = IDLE_SECONDS
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        from amzpay.worker import GiveWay

        # Before each round and each transaction of IPNs, the worker gives way to the
        # endpoint while a burst of IPNs arrives: it shares the process's interpreter lock
        # with the requests.
        waiting = self.running.ipn_waiting
        give_way = GiveWay(waiting)
        worker = self.running.worker(self.name, ipn_pause=lambda: give_way(self._stop, False))
        pause = (self._stop, self.idle_seconds, waiting, give_way)
        self._thread = threading.Thread(target=worker.run, args=pause, name="worker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.running.ipn_waiting.set()  # ends the worker's pause
        if self._thread is not None:
            self._thread.join(timeout=60)


def serve(
    host: Annotated[
        str | None, typer.Option(help="Interface to listen on (default: $AMZPAY_WEB__HOST).")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port to listen on (default: $AMZPAY_WEB__PORT).")
    ] = None,
    worker: Annotated[
        bool,
        typer.Option(help="Run a worker in this process (--no-worker: separate amzpay worker)."),
    ] = True,
    simulator: Annotated[
        bool | None,
        typer.Option(
            help="Sandbox-simulator mode: serve the local Amazon Pay simulator here too "
            "(default: $AMZPAY_AMAZON__SIMULATOR).",
            show_default=False,
        ),
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Serve the REST API, the IPN endpoint, the back office, /healthz, /readyz and /metrics."""
    import uvicorn  # only a serving run needs it
    from rich.console import Console

    from amzpay.cli.logs import configure
    from amzpay.cli.sandbox import (
        PREFIX,
        SandboxSimulator,
        base_url,
        sandbox_settings,
        with_mail_sink,
    )
    from amzpay.cli.wiring import built_app, record_simulator
    from amzpay.store.database import Database
    from amzpay.web import storefront
    from amzpay.web.app import create_app

    settings = settings_for(database)
    if simulator is not None:
        settings = settings.model_copy(
            update={"amazon": settings.amazon.model_copy(update={"simulator": simulator})}
        )
    host = host if host is not None else settings.web.host
    port = port if port is not None else settings.web.port
    url = base_url(host, port)
    sandbox = None
    if settings.amazon.simulator:
        settings = sandbox_settings(settings, url)
        sandbox = SandboxSimulator.for_server(settings, url)
    settings, mail_sink = with_mail_sink(settings)
    running = built_app(settings)  # before the logs are set: a database it cannot open ends it
    logs = configure(settings.log)
    record_simulator(running, url if sandbox is not None else None)  # for the other commands
    web = create_app(running, region=settings.amazon.region)
    if sandbox is not None:
        web.include_router(storefront.router())  # the demo shop pays at the simulator
        web.mount(PREFIX, sandbox.app)
    background = BackgroundWorker(running, f"{socket.gethostname()}:{port}") if worker else None
    console = Console()
    _banner(console, settings, url, sandbox is not None, worker, mail_sink is not None)
    if isinstance(running.database, Database):  # what ``built_app`` opens
        _warn_at_start(console, running, running.database)
    # uvicorn stops gracefully on SIGTERM, then raises it again: end with a clean exit here,
    # so that the worker and the simulator are stopped and the database closed below.
    signal.signal(signal.SIGTERM, _exit)
    try:
        for part in (sandbox, mail_sink, background):
            if part is not None:
                part.start()
        config = uvicorn.Config(web, host=host, port=port, log_config=None, lifespan="on")
        uvicorn.Server(config).run()
    finally:
        for part in (background, mail_sink, sandbox):
            if part is not None:
                part.stop()
        running.close()
        log.info("stopped")
        logs.undo()


def _warn_at_start(console: Console, running: App, database: Database) -> None:
    """Say at once what keeps amzpay from being used yet (/readyz and amzpay config check
    say it too): a database that does not answer or is behind, nobody to log in."""
    from sqlalchemy.exc import SQLAlchemyError

    from amzpay.ports.errors import StorageFailed
    from amzpay.store.migrate import head_revision

    try:
        revision = database.revision()
        users = running.access.users() if revision == head_revision() else []
    except (SQLAlchemyError, StorageFailed) as error:
        kind = error.kind if isinstance(error, StorageFailed) else type(error).__name__
        _warn(console, f"the database does not answer ({kind})")
        return
    if revision != head_revision():
        _warn(
            console,
            f"the database is at revision {revision}, this amzpay needs {head_revision()}: "
            "run amzpay db upgrade",
        )
    elif not any(user.active for user in users):
        _warn(console, "no back-office user yet: amzpay user add NAME")


def _warn(console: Console, message: str) -> None:
    console.print(f"[yellow]! {message}[/yellow]", soft_wrap=True)


def _exit(*_: object) -> None:
    raise SystemExit(0)


def _banner(
    console: Console, settings: Settings, url: str, simulated: bool, worker: bool, sink: bool
) -> None:
    """A few plain lines: where everything is, and in which mode."""
    from amzpay.cli.sandbox import PREFIX

    amazon = settings.amazon
    if simulated:
        mode = "sandbox, with the local simulator (no real Amazon calls)"
    elif amazon.seller_id:
        mode = f"{amazon.release_environment.lower()}, seller {amazon.seller_id}"
    else:
        mode = "no Amazon credentials: calls wait (see amzpay config check)"
    lines = [
        f"amzpay {__version__}",
        f"  back office  {url}/",
        f"  REST API     {url}/api/v1  (OpenAPI: {url}/openapi.json)",
        f"  IPN endpoint {url}/amazonpay/ipn",
        f"  health       {url}/healthz  {url}/readyz  {url}/metrics",
        f"  database     {shown(settings.database_url)}",
        f"  Amazon Pay   {mode}",
    ]
    if simulated:
        lines.append(f"  simulator    {url}{PREFIX}  (control API: {url}{PREFIX}/_sim/...)")
        lines.append(f"  demo shop    {url}/shop  (pays with Amazon at the simulator)")
    smtp = settings.smtp
    if sink:
        where = f"sent to a local SMTP sink at {smtp.host}:{smtp.port}; nothing leaves this machine"
    else:
        where = f"sent to {smtp.host}:{smtp.port}" if smtp.host else "no SMTP server: they wait"
    lines.append(f"  e-mails      {url}/mails  ({where})")
    waiting = "the IPNs, polls and mails" if amazon.ipn_apply == "worker" else "polls and mails"
    lines.append(
        "  worker       in this process"
        if worker
        else f"  worker       none here (--no-worker): {waiting} wait for an amzpay worker"
    )
    console.print("\n".join(lines), highlight=False, soft_wrap=True)
