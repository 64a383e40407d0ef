"""The README's "Trying it by hand" commands, run as written in a fresh folder: a user and a
token in the first terminal, ``amzpay serve --simulator`` left running, then the curl commands
of the second terminal, which read the token from the file the first one wrote. Only the port
differs (a free one instead of 8000, which another program may hold). Amazon's sandbox delays
are real here (the authorization opens after 30 s, a refund completes after 30 s), so this
takes about a minute and a half."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

README = Path(__file__).resolve().parents[3] / "README.md"
PASSWORD = "correct horse battery"

pytestmark = pytest.mark.slow


def by_hand_blocks() -> list[str]:
    text = README.read_text()
    section = text[text.index("Trying it by hand") : text.index("## Development")]
    return re.findall(r"```sh\n(.*?)```", section, re.DOTALL)


def commands_of(block: str) -> list[str]:
    """The block's commands: a line and the lines it continues (a trailing backslash, an
    open quote or a pipe)."""
    commands: list[str] = []
    for line in block.splitlines():
        if line.startswith(("  ", "\t")) and commands:
            commands[-1] += "\n" + line
        elif line.strip() and not line.lstrip().startswith("#"):
            commands.append(line)
    return commands


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / ".venv").symlink_to(Path(sys.executable).parent.parent)
    return tmp_path


@pytest.fixture
def environ() -> dict[str, str]:
    """The user's environment without amzpay's settings: the defaults of a fresh shell."""
    return {k: v for k, v in os.environ.items() if not k.startswith("AMZPAY_")}


def shell(command: str, folder: Path, environ: dict[str, str], stdin: str = "") -> str:
    done = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", command],
        cwd=folder,
        env=environ,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, (command, done.stdout, done.stderr)
    return done.stdout


@pytest.fixture
def served(folder: Path, environ: dict[str, str]) -> Iterator[tuple[int, list[str]]]:
    """The first terminal: its commands run, ``serve`` left running; yields the port and the
    other blocks with the port put in."""
    port = free_port()
    first, *others = [block.replace(":8000", f":{port}") for block in by_hand_blocks()]
    *setup, serve = commands_of(first)
    for command in setup:
        shell(command, folder, environ, stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert "amzpay serve --simulator" in serve
    server = subprocess.Popen(
        ["bash", "-c", f"exec {serve.split('#')[0].strip()} --port {port}"],
        cwd=folder,
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for(lambda: _answers(f"http://127.0.0.1:{port}/healthz"), "serve to start")
        yield port, others
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def wait_for(holds: Callable[[], bool], what: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not holds():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s for {what}")
        time.sleep(1)


def test_the_readmes_by_hand_commands_work_as_written(served, folder, environ):
    port, (second, third) = served
    token = (folder / "amzpay-token.txt").read_text().strip()
    order = f"http://127.0.0.1:{port}/api/v1/orders/DE-1001"

    def states() -> set[str]:
        read = httpx.get(order, headers={"Authorization": f"Bearer {token}"}, timeout=5)
        return {item["state"] for item in read.json()["items"]}

    imported = json.loads(shell(second, folder, environ))
    wait_for(lambda: states() == {"auth open"}, "the authorization to open")
    capture, refund, listing = commands_of(third)
    shell("TOKEN=$(cat amzpay-token.txt)\n" + capture, folder, environ)
    wait_for(lambda: states() == {"closed"}, "the capture and the close")
    refunded = json.loads(shell("TOKEN=$(cat amzpay-token.txt)\n" + refund, folder, environ))

    def listed() -> list[dict[str, object]]:
        out = shell("TOKEN=$(cat amzpay-token.txt)\n" + listing, folder, environ)
        return list(json.loads(out)["refunds"])

    wait_for(lambda: [r["state"] for r in listed()] == ["completed"], "the refund to complete")

    assert token.startswith("amzpay_")
    assert (folder / "amzpay.db").exists()
    assert imported["reference"] == "DE-1001"
    assert imported["amazon_order_reference_id"].startswith("S01-")
    assert [r["state"] for r in refunded] == ["requested"]
    assert listed()[0]["amount"]["minor"] == 1999
