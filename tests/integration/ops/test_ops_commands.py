"""The operations commands in-process: ``amzpay config check`` names every problem in plain
words, exits 1 when something must be fixed and 0 when amzpay can run, and never prints a
secret; ``serve`` refuses settings that do not fit; ``worker`` leaves the logging as it was."""

from __future__ import annotations

import logging
import os
import socket

import pytest
from argon2 import PasswordHasher
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from sqlalchemy import create_engine, text

from amzpay.cli import main
from amzpay.mail.sink import SmtpSink
from amzpay.services.access import AccessService
from amzpay.store.database import Database
from amzpay.store.migrate import head_revision
from fakes.clock import FakeClock

SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY"


@pytest.fixture
def environ(monkeypatch):
    """A clean AMZPAY_* environment the test fills."""
    for name in [name for name in os.environ if name.startswith("AMZPAY_")]:
        monkeypatch.delenv(name)

    def set_all(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(f"AMZPAY_{name}", value)

    return set_all


@pytest.fixture
def sink():
    with SmtpSink() as running:
        yield running


def _with_user(url: str) -> None:
    database = Database(url, migrate=True)
    access = AccessService(
        database, FakeClock(), hasher=PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )
    access.add_user("ada", "correct horse battery")
    database.dispose()


def _good(environ, url: str, sink: SmtpSink) -> None:
    environ(
        DATABASE_URL=url,
        AMAZON__SELLER_ID="A2EXAMPLESELLER1",
        AMAZON__ACCESS_KEY_ID="AKIAEXAMPLE000000001",
        AMAZON__SECRET_KEY=SECRET,
        SMTP__HOST=sink.host,
        SMTP__PORT=str(sink.port),
        SHOP__STAFF="payments@shop.test",
        SHOP__SENDER="shop@shop.test",
    )


def _check(capsys) -> tuple[int, str]:
    code = main(["config", "check"])
    return code, capsys.readouterr().out


def test_good_settings_pass_with_exit_code_0(environ, sqlite_url, sink, capsys):
    _with_user(sqlite_url)
    _good(environ, sqlite_url, sink)

    code, out = _check(capsys)

    assert code == 0, out
    assert f"at the head revision {head_revision()}" in out
    assert "1 active user(s)" in out
    assert "credentials set for seller A2EXAMPLESELLER1, sandbox" in out
    assert f"{sink.host}:{sink.port} answers as an SMTP server" in out
    assert "ready, 0 warning(s)" in out
    assert SECRET not in out


def test_missing_credentials_are_named_and_fail_the_check(environ, sqlite_url, sink, capsys):
    _with_user(sqlite_url)
    _good(environ, sqlite_url, sink)
    environ(AMAZON__SELLER_ID="", AMAZON__ACCESS_KEY_ID="")

    code, out = _check(capsys)

    assert code == 1
    assert "credentials missing: AMZPAY_AMAZON__SELLER_ID, AMZPAY_AMAZON__ACCESS_KEY_ID" in out
    assert SECRET not in out


def test_an_unreachable_database_fails_the_check_without_showing_its_password(
    environ, sqlite_url, sink, capsys
):
    _good(environ, "postgresql+psycopg://amzpay:db-pw-123@127.0.0.1:9/amzpay", sink)

    code, out = _check(capsys)

    assert code == 1
    assert "postgresql+psycopg://amzpay:***@127.0.0.1:9/amzpay: cannot connect" in out
    assert "db-pw-123" not in out


def test_a_server_database_behind_the_migrations_must_be_upgraded(
    environ, postgres_server, sink, capsys
):
    engine = create_engine(f"{postgres_server}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("CREATE DATABASE amzpay_ops_unmigrated"))
    engine.dispose()
    _good(environ, f"{postgres_server}/amzpay_ops_unmigrated", sink)

    code, out = _check(capsys)

    assert code == 1, out
    assert f"not migrated, this amzpay needs {head_revision()} (run: amzpay db upgrade)" in out


def test_no_back_office_user_fails_the_check(environ, sqlite_url, sink, capsys):
    Database(sqlite_url).dispose()  # migrated, nobody in it
    _good(environ, sqlite_url, sink)

    code, out = _check(capsys)

    assert code == 1
    assert "no back-office user: nobody can log in (amzpay user add NAME)" in out


def test_an_unreachable_smtp_host_fails_the_check(environ, sqlite_url, sink, capsys):
    _with_user(sqlite_url)
    _good(environ, sqlite_url, sink)
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environ(SMTP__PORT=str(port))

    code, out = _check(capsys)

    assert code == 1
    assert f"127.0.0.1:{port} cannot be reached" in out


def test_a_value_that_does_not_fit_names_the_setting_but_not_the_value(environ, capsys):
    environ(AMAZON__SANDBOX="maybe", AMAZON__SECRET_KEY=SECRET)

    code = main(["config", "check"])

    err = capsys.readouterr().err
    assert code == 2
    assert "AMZPAY_AMAZON__SANDBOX: Input should be a valid boolean" in err
    assert "maybe" not in err


def test_a_live_endpoint_with_sandbox_settings_is_an_error(environ, sqlite_url, sink, capsys):
    _with_user(sqlite_url)
    _good(environ, sqlite_url, sink)
    environ(AMAZON__ENDPOINT_URL="https://mws-eu.amazonservices.com/OffAmazonPayments/2013-01-01")

    code, out = _check(capsys)

    assert code == 1
    assert "does not fit AMZPAY_AMAZON__SANDBOX (sandbox)" in out


def test_the_ipn_topic_is_shown_and_one_that_is_no_sns_topic_fails_the_check(
    environ, sqlite_url, sink, capsys
):
    _with_user(sqlite_url)
    _good(environ, sqlite_url, sink)
    topic = "arn:aws:sns:eu-west-1:291180941288:A1PA6795UKMFR9A2EXAMPLESELLER1"
    environ(AMAZON__IPN_TOPIC_ARN=topic)
    code, out = _check(capsys)
    environ(AMAZON__IPN_TOPIC_ARN="A1PA6795UKMFR9A2EXAMPLESELLER1")
    wrong_code, wrong_out = _check(capsys)

    assert code == 0, out
    assert f"IPNs are accepted from the SNS topic {topic} only (eu-west-1)" in out
    assert wrong_code == 1
    assert "AMZPAY_AMAZON__IPN_TOPIC_ARN is not an SNS topic ARN" in wrong_out


def test_api_v2_keys_are_checked_and_a_key_id_of_the_other_environment_fails_the_check(
    environ, sqlite_url, sink, capsys, tmp_path
):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    key_file = tmp_path / "private.pem"
    key_file.write_bytes(pem)
    key_file.chmod(0o600)
    _with_user(sqlite_url)
    _good(environ, sqlite_url, sink)
    environ(AMAZON_V2__PUBLIC_KEY_ID="SANDBOX-AKEY", AMAZON_V2__PRIVATE_KEY_FILE=str(key_file))
    code, out = _check(capsys)
    environ(AMAZON_V2__SANDBOX="false")
    wrong_code, wrong_out = _check(capsys)

    assert code == 0, out
    assert "amazon v2: the private key file reads as an RSA private key (2048 bits)" in out
    assert wrong_code == 1
    assert "is a sandbox key but AMZPAY_AMAZON_V2__SANDBOX says live" in wrong_out
    assert not any(line in out + wrong_out for line in pem.decode().splitlines()[1:-1])


def test_warnings_alone_leave_the_exit_code_0(environ, sqlite_url, capsys):
    _with_user(sqlite_url)
    environ(DATABASE_URL=sqlite_url, AMAZON__SIMULATOR="true")

    code, out = _check(capsys)

    assert code == 0, out
    assert "sandbox-simulator mode" in out
    assert "no SMTP host (AMZPAY_SMTP__HOST)" in out
    assert "AMZPAY_SHOP__STAFF is still the example address" in out
    assert "ready, 3 warning(s)" in out


def test_simulator_mode_with_live_calls_is_refused(environ, capsys):
    environ(AMAZON__SIMULATOR="true", AMAZON__SANDBOX="false")

    code = main(["config", "check"])

    assert code == 2
    assert "simulator mode is a sandbox mode" in capsys.readouterr().err


def test_serve_refuses_to_start_on_settings_that_do_not_fit(environ, capsys):
    environ(LOG__FORMAT="yaml", AMAZON__SECRET_KEY=SECRET)

    code = main(["serve"])

    err = capsys.readouterr().err
    assert code == 2
    assert "AMZPAY_LOG__FORMAT: Input should be 'text' or 'json'" in err
    assert "yaml" not in err  # the value given is never echoed


def test_a_worker_run_in_process_leaves_no_log_handler_behind(environ, sqlite_url, capsys):
    environ(DATABASE_URL=sqlite_url, LOG__FORMAT="json")
    root = logging.getLogger()
    handlers = list(root.handlers)

    code = main(["worker", "--once"])

    assert code == 0
    assert root.handlers == handlers
