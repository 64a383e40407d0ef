"""``amzpay serve`` and ``amzpay worker`` as real processes on a free loopback port, always
terminated; every wait is bounded and says what it waited for when it gives up."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import httpx

T = TypeVar("T")
STARTUP_SECONDS = 90.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(**values: str) -> dict[str, str]:
    """This process's environment without any AMZPAY_* variable, plus ``values``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AMZPAY_")}
    return clean | {f"AMZPAY_{name}": value for name, value in values.items()}


def wait_for(what: str, probe: Callable[[], T | None], seconds: float = 60.0) -> T:
    """Call ``probe`` until it returns something; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        found = probe()
        if found is not None and found is not False:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.2)


@dataclass
class Running:
    process: subprocess.Popen[bytes]
    out: Path
    err: Path

    def output(self) -> str:
        return self.out.read_text() + self.err.read_text()


@dataclass
class Served(Running):
    url: str

    def get(self, path: str) -> httpx.Response:
        return httpx.get(self.url + path, timeout=10)

    def post(self, path: str, **kwargs: object) -> httpx.Response:
        return httpx.post(self.url + path, timeout=10, **kwargs)  # type: ignore[arg-type]


@contextmanager
def running(args: list[str], env: dict[str, str], folder: Path, name: str) -> Iterator[Running]:
    out, err = folder / f"{name}.out", folder / f"{name}.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "amzpay", *args], env=env, cwd=folder, stdout=stdout,
            stderr=stderr,
        )  # fmt: skip
        try:
            yield Running(process, out, err)
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)


@contextmanager
def served(env: dict[str, str], folder: Path, *args: str) -> Iterator[Served]:
    """``amzpay serve`` on ``env["AMZPAY_WEB__PORT"]``, once /healthz answers."""
    url = f"http://127.0.0.1:{env['AMZPAY_WEB__PORT']}"
    with running(["serve", *args], env, folder, "serve") as started:
        server = Served(started.process, started.out, started.err, url)

        def healthy() -> bool | None:
            if server.process.poll() is not None:
                raise AssertionError(f"amzpay serve ended:\n{server.output()}")
            try:
                return server.get("/healthz").status_code == 200
            except httpx.TransportError:
                return None

        wait_for("amzpay serve to answer /healthz", healthy, STARTUP_SECONDS)
        yield server
