"""The ``amzpay`` command line, run in-process and as ``python -m amzpay``."""

from __future__ import annotations

import subprocess
import sys

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
