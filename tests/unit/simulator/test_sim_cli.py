"""``amzpay simulator``: the command exists and builds a real-time simulator app."""

from __future__ import annotations

import pytest

from amzpay.cli import build_app, main
from amzpay.cli.simulator import build, simulator_config
from amzpay.simulator import OffsetClock, Seller, simulator_of


def test_the_simulator_command_is_registered() -> None:
    names = [command.name for command in build_app().registered_commands]

    assert "simulator" in names


def test_the_simulator_command_documents_its_options(capsys: object) -> None:
    assert main(["simulator", "--help"]) == 0


def test_the_standalone_simulator_throttles_like_amazon_unless_told_not_to() -> None:
    seller = Seller()

    assert simulator_config("127.0.0.1", 8900, seller).throttling.enabled
    assert not simulator_config("127.0.0.1", 8900, seller, throttle=False).throttling.enabled


def test_the_command_line_keeps_quotas_on_amazons_time_unless_told_otherwise() -> None:
    seller = Seller()

    assert not simulator_config("127.0.0.1", 8900, seller, time_scale=10).throttling.scale_with_time
    scaled = simulator_config("127.0.0.1", 8900, seller, time_scale=10, scale_throttling=True)
    assert scaled.throttling.scale_with_time


def test_the_help_says_how_time_scale_treats_quotas_and_how_to_move_the_clock(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["simulator", "--help"])

    shown = " ".join(capsys.readouterr().out.split())
    assert "--scale-throttling" in shown
    assert "/_sim/clock/advance" in shown


def test_the_command_line_config_points_ipn_certificates_at_the_served_address() -> None:
    config = simulator_config(
        "127.0.0.1", 8123, Seller(ipn_url="http://shop/ipn"), time_scale=10, throttle=True
    )

    app = build(config)

    simulator = simulator_of(app)
    assert config.public_url == "http://127.0.0.1:8123"
    assert config.throttling.enabled
    assert isinstance(simulator.clock, OffsetClock)  # so /_sim/clock/advance can move it
    assert simulator.ipn_urls == {Seller().seller_id: "http://shop/ipn"}
