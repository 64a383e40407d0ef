"""Sandbox-simulator mode told once: ``amzpay serve --simulator`` records on the database where
it serves the simulator, and every other command on that database is wired the same way,
unless its settings say otherwise. Commands that do not talk to Amazon say nothing of it."""

from __future__ import annotations

import logging
import os

import pytest

from amzpay.amazonpay.mws.gateway import MwsGateway
from amzpay.amazonpay.routing import RoutingGateway
from amzpay.amazonpay.unavailable import UnavailableGateway
from amzpay.amazonpay.v2.gateway import V2Gateway
from amzpay.cli import main
from amzpay.cli.wiring import open_app, record_simulator
from amzpay.config import load_settings

SERVED_AT = "http://127.0.0.1:8123"


@pytest.fixture
def environ(monkeypatch, sqlite_url):
    """Only the database is set, as in a newcomer's second terminal."""
    for name in [name for name in os.environ if name.startswith("AMZPAY_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AMZPAY_DATABASE_URL", sqlite_url)
    return monkeypatch


def _record(served_at: str | None) -> None:
    running = open_app(load_settings(os.environ))
    try:
        record_simulator(running, served_at)
    finally:
        running.close()


def _gateway_and_endpoint() -> tuple[type, str | None]:
    running = open_app(load_settings(os.environ))
    try:
        return type(running.gateway), running.settings.amazon.endpoint_url
    finally:
        running.close()


def test_a_command_calls_the_simulator_serve_recorded_through_both_apis(environ):
    _record(SERVED_AT)

    running = open_app(load_settings(os.environ))
    try:
        gateway, settings = running.gateway, running.settings
    finally:
        running.close()

    assert isinstance(gateway, RoutingGateway)
    assert (type(gateway.gateways.legacy), type(gateway.gateways.v2)) == (MwsGateway, V2Gateway)
    assert settings.amazon.endpoint_url == (
        f"{SERVED_AT}/simulator/OffAmazonPayments_Sandbox/2013-01-01"
    )
    assert settings.amazon_v2.endpoint_url == f"{SERVED_AT}/simulator"


def test_without_a_record_amazon_is_unavailable(environ):
    assert _gateway_and_endpoint() == (UnavailableGateway, None)


def test_serve_without_the_simulator_forgets_the_record(environ):
    _record(SERVED_AT)
    _record(None)

    assert _gateway_and_endpoint() == (UnavailableGateway, None)


def test_simulator_mode_switched_off_in_the_settings_wins_over_the_record(environ):
    _record(SERVED_AT)
    environ.setenv("AMZPAY_AMAZON__SIMULATOR", "false")

    assert _gateway_and_endpoint() == (UnavailableGateway, None)


def test_an_endpoint_in_the_settings_wins_over_the_record(environ):
    _record(SERVED_AT)
    environ.setenv(
        "AMZPAY_AMAZON__ENDPOINT_URL", "https://simulator.test/OffAmazonPayments_Sandbox/2013-01-01"
    )

    assert _gateway_and_endpoint()[1] == (
        "https://simulator.test/OffAmazonPayments_Sandbox/2013-01-01"
    )


def test_commands_that_do_not_call_amazon_say_nothing_of_its_credentials(environ, capsys, caplog):
    caplog.set_level(logging.DEBUG)

    assert main(["token", "list"]) == 0
    assert main(["refund", "stuck"]) == 0

    captured = capsys.readouterr()
    assert "credentials" not in captured.out + captured.err + caplog.text


def test_the_worker_says_amazon_calls_wait_without_credentials(environ, capsys):
    assert main(["worker", "--once"]) == 0

    assert "no Amazon Pay credentials: Amazon calls wait" in capsys.readouterr().out
