"""How long the command line takes to start, against ``python -c pass`` in the same run.

    .venv/bin/python bench/bench_cli_start.py [--rounds 15] [--compare OTHER_SRC]

Each command runs as a fresh process (``python -m amzpay ...``, what the ``amzpay`` script
does) and is timed from spawn to exit (wall time), and by the CPU time the process used
(user + system, which waiting for a core on a loaded machine does not inflate). The commands
take turns in rounds, the baseline first in each, so that all see the same load of a shared
machine; the table gives the median of each, its ratio to the baseline's median, and the
median of the per-round difference to the baseline (what amzpay adds). ``--compare`` runs the same
commands with another source tree first on ``PYTHONPATH`` (e.g. an export of an older
commit's ``src``), in the same rounds. Results go to docs/performance.md by hand.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import time

BASELINE = ("python -c pass", ["-c", "pass"])
COMMANDS = [
    ("import amzpay.cli", ["-c", "import amzpay.cli"]),
    ("amzpay --help", ["-m", "amzpay", "--help"]),
    ("amzpay version", ["-m", "amzpay", "version"]),
    ("amzpay refund --help", ["-m", "amzpay", "refund", "--help"]),
    ("amzpay config --help", ["-m", "amzpay", "config", "--help"]),
]


def _timed(args: list[str], environ: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time of one run of ``python args``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, *args],
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _row(name: str, samples: list[float], base: list[float]) -> str:
    median = statistics.median(samples)
    added = statistics.median(s - b for s, b in zip(samples, base, strict=True))
    ratio = median / statistics.median(base)
    return f"{median * 1000:.0f} ms | {ratio:.1f}x | {added * 1000:+.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--compare", help="another source tree, e.g. an older commit's src")
    options = parser.parse_args()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("AMZPAY_")}
    variants = {"": environ}
    if options.compare:
        variants = {"this: ": environ, "other: ": environ | {"PYTHONPATH": options.compare}}
    runs = [(BASELINE[0], BASELINE[1], environ)] + [
        (label + name, args, env) for label, env in variants.items() for name, args in COMMANDS
    ]
    walls: dict[str, list[float]] = {name: [] for name, _, _ in runs}
    cpus: dict[str, list[float]] = {name: [] for name, _, _ in runs}
    load = os.getloadavg()[0]
    for _ in range(options.rounds):
        for name, args, env in runs:
            wall, cpu = _timed(args, env)
            walls[name].append(wall)
            cpus[name].append(cpu)
    print(
        f"Python {platform.python_version()}, {platform.machine()}, {options.rounds} rounds, "
        f"load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end\n"
    )
    print("| command | wall (median) | / baseline | added | CPU (median) | / baseline | added |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in walls:
        wall = _row(name, walls[name], walls[BASELINE[0]])
        cpu = _row(name, cpus[name], cpus[BASELINE[0]])
        print(f"| `{name}` | {wall} | {cpu} |")


if __name__ == "__main__":
    main()
