"""The ``amzpay`` command line, run in-process and as ``python -m amzpay``."""

from __future__ import annotations

import subprocess
import sys

import pytest

from amzpay import __version__
from amzpay.cli import main


def test_version_prints_the_package_version(capsys):
    assert main(["version"]) == 0

    assert f"amzpay {__version__}" in capsys.readouterr().out


def test_no_command_shows_the_help_and_fails(capsys):
    assert main([]) != 0

    assert "Usage: amzpay" in capsys.readouterr().out


def test_an_unknown_command_is_an_error_naming_it(capsys):
    assert main(["refund-everything"]) == 2

    assert "refund-everything" in capsys.readouterr().err


def test_python_dash_m_runs_the_same_command_line():
    done = subprocess.run(
        [sys.executable, "-m", "amzpay", "version"], capture_output=True, text=True, check=False
    )

    assert (done.returncode, done.stdout.strip()) == (0, f"amzpay {__version__}")


# What the command line must not import before a command needs it: each costs tens to hundreds
# of milliseconds, and ``amzpay --help`` must start at once.
HEAVY = (
    "sqlalchemy",
    "alembic",
    "fastapi",
    "starlette",
    "uvicorn",
    "httpx",
    "pydantic",
    "cryptography",
    "argon2",
    "jinja2",
    "babel",
    "amzpay.simulator",
    "amzpay.bootstrap",
    "amzpay.store",
    "amzpay.web",
)


def _imported_after(code: str, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    probe = f"import sys\n{code}\nprint(' '.join(sorted(m for m in {heavy!r} if m in sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return done.stdout.split()


def test_importing_the_command_line_imports_nothing_heavy():
    assert _imported_after("import amzpay.cli") == []


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["version"], ["refund", "--help"], ["serve", "--help"], ["config", "--help"]],
)
def test_help_and_version_import_nothing_heavy(argv):
    run = f"from amzpay.cli import main\nwith contextlib.redirect_stdout(io.StringIO()): main({argv!r})"

    # typer itself checks the commands' parameters with pydantic when it builds them
    heavy = tuple(module for module in HEAVY if module != "pydantic")

    assert _imported_after(f"import contextlib, io\n{run}", heavy) == []


def test_the_probe_sees_a_heavy_import():
    assert _imported_after("import amzpay.bootstrap") != []
