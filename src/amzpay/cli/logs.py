"""Logging for the long-running commands (``serve``, ``worker``): readable text by default,
JSON lines for a log shipper (``AMZPAY_LOG__FORMAT=json``), at ``AMZPAY_LOG__LEVEL``.

A JSON line holds ``time`` (UTC, ISO 8601), ``level``, ``logger`` and ``message``, then every
extra field the call passed (``log.info("...", extra={"order": "1001"})``) and, for an error,
the ``exception`` text. Modules log with ``logging.getLogger(__name__)`` and know nothing of
this; the command configures the root logger once when it starts.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Final, TextIO

from amzpay.config import LogSettings

TEXT_FORMAT: Final = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
_HANDLER: Final = "amzpay"

# What every LogRecord has; anything else on a record came in through ``extra``.
_STANDARD: Final = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "taskName",
}


class JsonFormatter(logging.Formatter):
    """One JSON object a line; values JSON cannot hold are written as their ``str``."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update((key, value) for key, value in record.__dict__.items() if key not in _STANDARD)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record comes (a test may swap it)."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


class QuietProbes(logging.Filter):
    """Drops uvicorn's access lines for successful /healthz, /readyz and /metrics requests:
    probes and scrapes come every few seconds and would bury everything else."""

    PATHS: Final = frozenset({"/healthz", "/readyz", "/metrics"})

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if not (isinstance(args, tuple) and len(args) == 5):
            return True  # not uvicorn's access line: keep it
        path, status = str(args[2]).split("?", 1)[0], args[4]
        return not (path in self.PATHS and isinstance(status, int) and status < 400)


class Configured:
    """What ``configure`` changed; ``undo`` puts the root logger back as it was (a command run
    in-process, as the tests run them, leaves no handler behind)."""

    def __init__(self, handler: logging.Handler, previous_level: int) -> None:
        self.handler, self._previous_level = handler, previous_level

    def undo(self) -> None:
        root = logging.getLogger()
        root.removeHandler(self.handler)
        root.setLevel(self._previous_level)


def configure(settings: LogSettings, stream: TextIO | None = None) -> Configured:
    """Send every log record at ``settings.level`` and above to ``stream`` (default: stderr),
    formatted as ``settings.format`` says. Calling it again replaces the handler it added
    (and only that one)."""
    handler: logging.Handler = _Stderr() if stream is None else logging.StreamHandler(stream)
    if settings.format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    handler.set_name(_HANDLER)
    root = logging.getLogger()
    previous_level = root.level
    for old in [h for h in root.handlers if h.get_name() == _HANDLER]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.level)
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, QuietProbes) for f in access.filters):
        access.addFilter(QuietProbes())
    return Configured(handler, previous_level)
