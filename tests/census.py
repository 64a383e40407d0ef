"""A pytest plugin that counts which tests use a database: those that open a ``Database``, or
run a transaction, a read or an IPN's store on one (in their own process), while they set up,
run or tear down. The rest run on the in-memory store or on no store at all.

    .venv/bin/python -m pytest -p census            # the whole suite, then the counts

It prints the totals and, per folder of service-layer tests (services, processes, the OMS),
how many of them run without a database; ``AMZPAY_CENSUS_FILE`` names a JSON file to write the
test ids to as well.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from amzpay.store.database import Database

SERVICE_FOLDERS = (
    "tests/unit/services",
    "tests/unit/processes",
    "tests/unit/oms",
    "tests/integration/services",
)

_running: list[str] = []
_using: set[str] = set()
_seen: list[str] = []


def _noted(method: Callable[..., Any]) -> Callable[..., Any]:
    def noting(self: Database, *args: Any, **kwargs: Any) -> Any:
        if _running:
            _using.add(_running[-1])
        return method(self, *args, **kwargs)

    return noting


def pytest_configure(config: pytest.Config) -> None:
    for name in ("__init__", "transaction", "read", "store_ipn"):
        setattr(Database, name, _noted(getattr(Database, name)))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    _running.append(item.nodeid)
    _seen.append(item.nodeid)
    yield
    _running.pop()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    write = terminalreporter.write_line
    without = [test for test in _seen if test not in _using]
    write(f"census: {len(_seen)} tests, {len(_seen) - len(without)} use a database, "
          f"{len(without)} do not")  # fmt: skip
    total, free = Counter[str](), Counter[str]()
    for test in _seen:
        folder = next((f for f in SERVICE_FOLDERS if test.startswith(f"{f}/")), None)
        if folder is not None:
            total[folder] += 1
            free[folder] += test not in _using
    for folder in SERVICE_FOLDERS:
        write(f"census: {folder}: {free[folder]} of {total[folder]} without a database")
    if path := os.environ.get("AMZPAY_CENSUS_FILE"):
        with open(path, "w", encoding="utf-8") as out:
            json.dump({"tests": _seen, "using_a_database": sorted(_using)}, out)
