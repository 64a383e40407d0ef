"""Every command on a bad setting or an unusable database: one plain line on stderr naming
the setting or the database (never its password), exit code 2, no traceback.

The commands run in-process through ``main`` (an exception escaping it fails the test) and,
for one case, as a real process (what an operator sees)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from amzpay.cli import main
from amzpay.services.access import AccessService
from amzpay.worker import Worker

SECRET = "s3cret-Passw0rd"  # in every URL below: it must never be shown

# Every command that reads the settings, with arguments that would otherwise run it.
COMMANDS = {
    "config check": ["config", "check"],
    "serve": ["serve", "--port", "0"],
    "worker": ["worker"],
    "worker --once": ["worker", "--once"],
    "token list": ["token", "list"],
    "token add": ["token", "add", "erp"],
    "token revoke": ["token", "revoke", "erp"],
    "user list": ["user", "list"],
    "user add": ["user", "add", "ada", "--password-stdin"],
    "user disable": ["user", "disable", "ada"],
    "refund status": ["refund", "status", "R-1"],
    "refund status --check-now": ["refund", "status", "R-1", "--check-now"],
    "refund stuck": ["refund", "stuck"],
    "refund external": ["refund", "external"],
    "db upgrade": ["db", "upgrade"],
    "process diagram --order": [
        "process",
        "diagram",
        "amazon-pay-async",
        "--order",
        "1001",
        "--format",
        "dot",
    ],
}
# What only reports on the database (config check) or outlives its outages (serve).
REPORTS_OR_WAITS = {"config check", "serve"}


@dataclass(frozen=True)
class Bad:
    """A bad configuration: what it sets, and what the one line must name."""

    variables: dict[str, str]
    named: str
    settings_file: str | None = None


def _file(text: str) -> Callable[[Path], Bad]:
    def bad(tmp_path: Path) -> Bad:
        path = tmp_path / "amzpay.toml"
        path.write_text(text)
        return Bad({"AMZPAY_SETTINGS_FILE": str(path)}, str(path))

    return bad


SETTINGS: dict[str, Callable[[Path], Bad]] = {
    "not a URL": lambda _: Bad({"AMZPAY_DATABASE_URL": "notaurl"}, "AMZPAY_DATABASE_URL"),
    "MySQL": lambda _: Bad(
        {"AMZPAY_DATABASE_URL": f"mysql://amzpay:{SECRET}@db.shop.test/shop"},
        "AMZPAY_DATABASE_URL",
    ),
    "PostgreSQL without its driver": lambda _: Bad(
        {"AMZPAY_DATABASE_URL": f"postgresql://amzpay:{SECRET}@db.shop.test/shop"},
        "AMZPAY_DATABASE_URL",
    ),
    "a database port that is not a number": lambda _: Bad(
        {"AMZPAY_DATABASE_URL": f"postgresql+psycopg://amzpay:{SECRET}@db:five/shop"},
        "AMZPAY_DATABASE_URL: the host or the port in the URL is not valid",
    ),
    "a port out of range": lambda _: Bad({"AMZPAY_SMTP__PORT": "99999"}, "AMZPAY_SMTP__PORT"),
    "an unknown variable": lambda _: Bad({"AMZPAY_DATABSE_URL": "x"}, "AMZPAY_DATABSE_URL"),
    "a malformed settings file": _file('[smtp\nhost = "mail"\n'),
    "an unknown key in the settings file": _file('[smtp]\nhots = "mail.shop.test"\n'),
    "a missing settings file": lambda tmp_path: Bad(
        {"AMZPAY_SETTINGS_FILE": str(tmp_path / "nowhere.toml")}, "nowhere.toml"
    ),
}


@pytest.fixture
def run(monkeypatch, tmp_path, capsys):
    """Run a command with only ``variables`` set, in an empty folder; its exit code, stdout
    and stderr."""
    for name in [name for name in os.environ if name.startswith("AMZPAY_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)

    def never(*_: object, **__: object) -> None:  # a command that ran on would never end
        pytest.fail("the command started to serve or to work instead of stopping")

    monkeypatch.setattr(Worker, "run", never)
    monkeypatch.setattr(uvicorn.Server, "run", never)

    def running(argv: list[str], variables: dict[str, str]) -> tuple[int, str, str]:
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        code = main(argv)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return running


def _said_in_one_line(code: int, out: str, err: str, named: str) -> None:
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, (out, err)
    assert len(lines) == 1, err
    assert out == ""
    assert named in lines[0]
    assert "Traceback" not in out + err
    assert SECRET not in out + err


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", SETTINGS)
def test_a_bad_setting_is_one_line_naming_it(run, tmp_path, command, case):
    bad = SETTINGS[case](tmp_path)

    code, out, err = run(COMMANDS[command], bad.variables)

    _said_in_one_line(code, out, err, bad.named)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def unmigrated(postgres_server) -> str:
    """An empty PostgreSQL database, its URL with a password (the server trusts any)."""
    engine = create_engine(f"{postgres_server}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS amzpay_unmigrated"))
        connection.execute(text("CREATE DATABASE amzpay_unmigrated"))
    engine.dispose()
    return postgres_server.replace("://amzpay@", f"://amzpay:{SECRET}@") + "/amzpay_unmigrated"


DATABASES: dict[str, Callable[[pytest.FixtureRequest], tuple[str, str]]] = {
    "a SQLite file in a folder that does not exist": lambda _: (
        "sqlite:////nonexistent/folder/amzpay.db",
        "the folder /nonexistent/folder does not exist",
    ),
    "a PostgreSQL server that does not answer": lambda _: (
        f"postgresql+psycopg://amzpay:{SECRET}@127.0.0.1:{_closed_port()}/shop",
        "cannot connect",
    ),
    "an unmigrated PostgreSQL database": lambda request: (
        request.getfixturevalue("unmigrated"),
        "not migrated",
    ),
}


@pytest.mark.parametrize(
    ("case", "command"),
    [
        (case, command)
        for case in DATABASES
        for command in sorted(set(COMMANDS) - REPORTS_OR_WAITS)
        if (case, command) != ("an unmigrated PostgreSQL database", "db upgrade")  # it migrates
    ],
)
def test_an_unusable_database_is_one_line_naming_it(run, request, case, command):
    url, problem = DATABASES[case](request)

    code, out, err = run(COMMANDS[command], {"AMZPAY_DATABASE_URL": url})

    _said_in_one_line(code, out, err, problem)
    assert "database sqlite:///" in err or "database postgresql+psycopg://amzpay:***@" in err


def test_serve_refuses_a_sqlite_file_it_could_not_create(run):
    code, out, err = run(
        ["serve", "--port", "0"], {"AMZPAY_DATABASE_URL": "sqlite:////nonexistent/amzpay.db"}
    )

    _said_in_one_line(code, out, err, "the folder /nonexistent does not exist")


def test_config_check_reports_what_serve_would_die_on(run):
    code, out, _ = run(["config", "check"], {"AMZPAY_DATABASE_URL": "sqlite:////nonexistent/x.db"})

    assert code == 1
    assert "✗ database: sqlite:////nonexistent/x.db: the folder /nonexistent does not exist" in out


def test_config_check_names_an_unmigrated_server_database_without_its_password(run, unmigrated):
    code, out, _ = run(["config", "check"], {"AMZPAY_DATABASE_URL": unmigrated})

    assert code == 1
    assert "not migrated" in out
    assert SECRET not in out


@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_database_url_is_the_sqlite_default_in_every_command(run, tmp_path, value):
    code, out, err = run(["token", "list"], {"AMZPAY_DATABASE_URL": value})
    assert (code, err) == (0, "")
    assert (tmp_path / "amzpay.db").is_file()

    code, out, _ = run(["config", "check"], {"AMZPAY_DATABASE_URL": value})
    assert "sqlite:///amzpay.db: reachable" in out


def test_an_empty_database_option_is_the_sqlite_default_too(run, tmp_path):
    code, _, err = run(["user", "list", "--database", ""], {})

    assert (code, err) == (0, "")
    assert (tmp_path / "amzpay.db").is_file()


def test_a_bad_database_option_names_the_option(run):
    code, out, err = run(["token", "list", "--database", f"mysql://u:{SECRET}@h/db"], {})

    _said_in_one_line(code, out, err, "--database: amzpay runs on SQLite or PostgreSQL, not mysql")


def test_an_operator_sees_one_line_and_no_traceback(tmp_path):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("AMZPAY_")}
    environ["AMZPAY_DATABASE_URL"] = "notaurl"

    done = subprocess.run(
        [sys.executable, "-m", "amzpay", "worker", "--once"],
        capture_output=True,
        text=True,
        env=environ,
        cwd=tmp_path,
        check=False,
    )

    assert done.returncode == 2
    assert done.stderr.strip() == (
        "amzpay: AMZPAY_DATABASE_URL: not a database URL; expected sqlite:///FILE or "
        "postgresql+psycopg://USER@HOST/DATABASE"
    )
    assert done.stdout == ""


@pytest.mark.parametrize(
    "command", ["worker --once", "token list", "refund stuck", "refund status --check-now"]
)
def test_an_endpoint_url_that_is_not_one_is_named_by_commands_that_build_the_gateway(
    run, sqlite_url, command
):
    variables = {
        "AMZPAY_DATABASE_URL": sqlite_url,
        "AMZPAY_AMAZON__SELLER_ID": "A2EXAMPLESELLER1",
        "AMZPAY_AMAZON__ACCESS_KEY_ID": "AKIAEXAMPLE000000001",
        "AMZPAY_AMAZON__SECRET_KEY": SECRET,
        "AMZPAY_AMAZON__ENDPOINT_URL": "notaurl",
    }

    code, out, err = run(COMMANDS[command], variables)

    _said_in_one_line(code, out, err, "AMZPAY_AMAZON__ENDPOINT_URL: not an http(s) URL")


def test_a_database_that_stops_answering_during_a_command_is_one_line(run, sqlite_url, monkeypatch):
    def gone(_self: object) -> None:
        raise OperationalError("SELECT", {}, ConnectionError("server closed the connection"))

    monkeypatch.setattr(AccessService, "api_tokens", gone)

    code, out, err = run(COMMANDS["token list"], {"AMZPAY_DATABASE_URL": sqlite_url})

    _said_in_one_line(
        code, out, err, "the database stopped answering (ConnectionError: server closed"
    )
