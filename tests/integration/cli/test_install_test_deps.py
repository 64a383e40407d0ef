"""``scripts/install-test-deps``, which the README's test command runs first: on a machine
that lacks the Debian packages the tests need it installs them (apt-get update only when apt
does not know them), and run again it installs nothing.

The "machine" is a folder of stand-ins on PATH: ``apt-get`` records its calls and "installs"
a package by putting its programs on PATH; ``apt-cache`` knows packages once ``update`` ran.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[3] / "scripts" / "install-test-deps"
PACKAGES = ["python3-venv", "postgresql", "graphviz", "chromium"]

APT_GET = """#!/bin/sh
echo "apt-get $*" >> "$MACHINE/calls"
[ "$1" = update ] && touch "$MACHINE/lists" && exit 0
for package in "$@"; do
  case "$package" in
    python3-venv) printf '#!/bin/sh\\nexit 0\\n' > "$MACHINE/bin/python3" ;;
    postgresql) touch "$MACHINE/pg/initdb" "$MACHINE/pg/pg_ctl" ;;
    graphviz) printf '#!/bin/sh\\n' > "$MACHINE/bin/dot" ;;
    chromium) printf '#!/bin/sh\\n' > "$MACHINE/bin/chromium" ;;
  esac
done
chmod +x "$MACHINE"/bin/*
"""
APT_CACHE = """#!/bin/sh
echo "apt-cache $*" >> "$MACHINE/calls"
[ -e "$MACHINE/lists" ]
"""


@pytest.fixture
def machine(tmp_path: Path) -> Path:
    """A Debian machine with python3 (no venv module), apt, and none of the packages."""
    (tmp_path / "bin").mkdir()
    (tmp_path / "pg").mkdir()
    for tool in ("bash", "sed", "id", "touch", "chmod", "cat"):
        found = shutil.which(tool)
        assert found is not None
        (tmp_path / "bin" / tool).symlink_to(found)
    for name, text in {
        "apt-get": APT_GET,
        "apt-cache": APT_CACHE,
        "python3": "#!/bin/sh\nexit 1\n",
    }.items():
        (tmp_path / "bin" / name).write_text(text)
        (tmp_path / "bin" / name).chmod(0o755)
    return tmp_path


def _run(machine: Path, *args: str, root: bool = True) -> subprocess.CompletedProcess[str]:
    if not root:
        (machine / "bin" / "id").unlink()
        (machine / "bin" / "id").write_text("#!/bin/sh\necho 1000\n")
        (machine / "bin" / "id").chmod(0o755)
    environ = {
        "PATH": f"{machine / 'bin'}:/bin/fake-empty",
        "MACHINE": str(machine),
        "INSTALL_TEST_DEPS_POSTGRES_BIN": str(machine / "pg"),
    }
    return subprocess.run(
        ["bash", str(SCRIPT), *args],
        capture_output=True,
        text=True,
        env=environ,
        check=False,
        executable=shutil.which("bash"),
    )


def _calls(machine: Path) -> list[str]:
    calls = machine / "calls"
    return calls.read_text().splitlines() if calls.exists() else []


def test_a_dry_run_names_what_is_missing_and_installs_nothing(machine):
    done = _run(machine, "--dry-run")

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"install-test-deps: would install {' '.join(PACKAGES)}"
    assert _calls(machine) == []


def test_a_fresh_machine_gets_every_package_and_a_second_run_installs_nothing(machine):
    first = _run(machine)
    calls_of_first = _calls(machine)
    second = _run(machine)

    assert first.returncode == 0, first.stderr
    assert [call for call in calls_of_first if call.startswith("apt-get")] == [
        "apt-get update -qq",
        f"apt-get install -y -qq --no-install-recommends {' '.join(PACKAGES)}",
    ]
    assert second.returncode == 0, second.stderr
    assert "nothing to install" in second.stdout
    assert _calls(machine) == calls_of_first  # no apt call at all the second time


def test_apt_lists_that_know_the_packages_are_not_updated(machine):
    (machine / "lists").touch()
    (machine / "bin" / "python3").write_text("#!/bin/sh\nexit 0\n")  # venv is there

    done = _run(machine)

    assert done.returncode == 0, done.stderr
    assert [call for call in _calls(machine) if call.startswith("apt-get")] == [
        "apt-get install -y -qq --no-install-recommends postgresql graphviz chromium"
    ]


def test_without_root_or_sudo_it_says_what_to_run(machine):
    done = _run(machine, root=False)

    assert done.returncode == 1
    assert f"run as root: apt-get install {' '.join(PACKAGES)}" in done.stderr
    assert _calls(machine) == []


def test_this_machine_has_what_the_tests_need():
    # The README's test command ran the script before the tests: nothing is left missing.
    done = subprocess.run(
        [str(SCRIPT), "--dry-run"], capture_output=True, text=True, check=False, env=os.environ
    )

    assert done.returncode == 0
    assert "nothing to install" in done.stdout
