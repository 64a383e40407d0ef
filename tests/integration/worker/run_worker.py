"""One worker process for the concurrency test: ``python -m ... URL START STOP_FILE NAME``.

Its clock runs ``SPEED`` times faster than real time from ``START``, so that one-minute
polling timers come due within seconds; Amazon is a lenient fake of its own (authorizations
answer Pending, every pending object settles on its second poll).
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

from amzpay.amazonpay.gateway import PaymentState
from amzpay.processes.call_log import StoreCallLog
from amzpay.processes.catalog import build_engine
from amzpay.store.database import Database
from amzpay.worker import Worker
from fakes.gateway import FakeGateway

SPEED = 30


def main(url: str, start: str, stop_file: str, name: str) -> None:
    logging.basicConfig(level=logging.WARNING)
    began, real_start = datetime.fromisoformat(start), time.monotonic()

    def clock() -> datetime:
        return began + timedelta(seconds=(time.monotonic() - real_start) * SPEED)

    database = Database(url)
    gateway = FakeGateway(
        clock,
        lenient=True,
        answers={"authorize": PaymentState.PENDING},
        polls_to_settle=2,
        call_log=StoreCallLog(database),
    )
    stop = threading.Event()
    watcher = threading.Thread(target=_watch, args=(Path(stop_file), stop), daemon=True)
    watcher.start()
    Worker(database, build_engine(gateway, clock), name).run(stop, idle_seconds=0.05)
    database.dispose()


def _watch(stop_file: Path, stop: threading.Event) -> None:
    while not stop_file.exists():
        time.sleep(0.05)
    stop.set()


if __name__ == "__main__":
    main(*sys.argv[1:5])
