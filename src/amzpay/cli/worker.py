"""``amzpay worker``: fire due timers, run queued commands, apply
stored IPNs, poll pending objects and send queued mails (``bootstrap.App.worker``)."""

from __future__ import annotations

import signal
import socket
import threading
from typing import Annotated

import typer

from amzpay.cli.options import DatabaseOption, new_console, settings_for, shown

app = typer.Typer(help="The background worker.")


@app.callback(invoke_without_command=True)
def work(
    once: Annotated[bool, typer.Option("--once", help="Do what is due now, then exit.")] = False,
    name: Annotated[str | None, typer.Option(help="This worker's name in the job leases.")] = None,
    database: DatabaseOption = None,
) -> None:
    """Work until stopped (Ctrl-C); several workers may share one PostgreSQL database."""
    from amzpay.bootstrap import amazon_configured
    from amzpay.cli.logs import configure
    from amzpay.cli.wiring import open_app

    console = new_console()
    running = open_app(settings_for(database))
    settings, url = running.settings, running.settings.database_url
    logs = configure(settings.log)
    if not amazon_configured(settings):
        console.print(
            "[yellow]! no Amazon Pay credentials: Amazon calls wait (amzpay config check)[/yellow]"
        )
    # Besides timers and jobs: stored IPNs, polls and queued mails.
    worker = running.worker(name or socket.gethostname())
    try:
        if once:
            done = worker.run_once()
            console.print(
                f"{done.timers} timer(s) fired, {done.jobs} command(s) run, "
                f"{done.tasks} IPN(s), poll(s) and mail(s) handled"
            )
            return
        console.print(f"worker [bold]{worker.name}[/bold] on {shown(url)}; Ctrl-C stops it")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            worker.run(stop)
        except KeyboardInterrupt:
            stop.set()
        console.print("stopped")
    finally:
        running.close()
        logs.undo()
