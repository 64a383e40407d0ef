"""A worker in its own OS process, for the crash tests: ``python crashworker.py NAME START``.

It is ``amzpay worker`` (``bootstrap.build`` from ``AMZPAY_*``, ``App.worker(NAME).run``) on a
clock that starts at START (ISO 8601, the simulator's time when the test launches it) and runs
on in real time, so that its job due times, leases and the Timestamp it signs agree with the
simulator the test moves. SIGTERM stops it; the tests SIGKILL it mid-call.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from datetime import datetime, timedelta

from amzpay.bootstrap import build
from amzpay.config import Settings


def main(name: str, start: str) -> None:
    began, ticking = datetime.fromisoformat(start), time.monotonic()
    app = build(
        Settings.load(os.environ),
        clock=lambda: began + timedelta(seconds=time.monotonic() - ticking),
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        app.worker(name).run(stop, idle_seconds=0.05)
    finally:
        app.close()


if __name__ == "__main__":
    main(*sys.argv[1:3])
