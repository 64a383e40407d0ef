"""The operations settings (logs, the web server, sandbox-simulator mode) and the log lines
the long-running commands write."""

from __future__ import annotations

import io
import json
import logging

import pytest
from pydantic import ValidationError

from amzpay.cli.logs import QuietProbes, configure
from amzpay.cli.sandbox import base_url, sandbox_settings, wired_like_serve
from amzpay.config import LogSettings, Settings
from amzpay.simulator import Seller


@pytest.fixture
def root_logger():
    """The root logger, given back as it was."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield root
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


def test_json_logs_are_one_object_a_line_with_the_extra_fields(root_logger):
    stream = io.StringIO()
    configure(LogSettings(format="json", level="INFO"), stream)

    logging.getLogger("amzpay.test").info("refund %s sent", "R-1", extra={"order": "1001"})
    logging.getLogger("amzpay.test").debug("below the level")

    (line,) = stream.getvalue().splitlines()
    logged = json.loads(line)
    assert logged["level"] == "info"
    assert logged["logger"] == "amzpay.test"
    assert logged["message"] == "refund R-1 sent"
    assert logged["order"] == "1001"
    assert logged["time"].endswith("+00:00")


def test_an_exception_is_logged_in_the_json_line(root_logger):
    stream = io.StringIO()
    configure(LogSettings(format="json"), stream)

    try:
        raise ValueError("bad input")
    except ValueError:
        logging.getLogger("amzpay.test").exception("it failed")

    logged = json.loads(stream.getvalue())
    assert logged["level"] == "error"
    assert "ValueError: bad input" in logged["exception"]


def test_text_logs_are_readable_lines(root_logger):
    stream = io.StringIO()
    configure(LogSettings(), stream)

    logging.getLogger("amzpay.test").warning("IPN rejected")

    assert stream.getvalue().rstrip().endswith("WARNING amzpay.test: IPN rejected")


def test_configuring_again_replaces_only_its_own_handler(root_logger):
    configure(LogSettings(), io.StringIO())
    configure(LogSettings(format="json"), io.StringIO())

    ours = [h for h in root_logger.handlers if h.get_name() == "amzpay"]
    assert len(ours) == 1


def test_undoing_the_configuration_leaves_the_root_logger_as_it_was(root_logger):
    handlers, level = list(root_logger.handlers), root_logger.level

    configure(LogSettings(level="DEBUG"), io.StringIO()).undo()

    assert root_logger.handlers == handlers
    assert root_logger.level == level


def test_log_settings_come_from_the_environment_in_any_case():
    settings = Settings.load({"AMZPAY_LOG__FORMAT": "JSON", "AMZPAY_LOG__LEVEL": "debug"})

    assert settings.log == LogSettings(format="json", level="DEBUG")


def test_an_unknown_log_format_names_the_setting():
    with pytest.raises(ValidationError, match=r"log\.format"):
        Settings.load({"AMZPAY_LOG__FORMAT": "xml"})


def test_simulator_mode_is_refused_with_live_calls():
    with pytest.raises(ValidationError, match="simulator mode is a sandbox mode"):
        Settings.load({"AMZPAY_AMAZON__SIMULATOR": "true", "AMZPAY_AMAZON__SANDBOX": "false"})


def test_sandbox_settings_point_the_gateway_and_the_ipn_trust_at_the_mounted_simulator():
    settings = sandbox_settings(Settings.load({}), "http://127.0.0.1:8123")

    amazon = settings.amazon
    assert amazon.endpoint_url == (
        "http://127.0.0.1:8123/simulator/OffAmazonPayments_Sandbox/2013-01-01"
    )
    assert amazon.simulator_host == "127.0.0.1:8123"
    assert amazon.sandbox is True
    assert amazon.simulator is True
    # No credentials configured: the simulator's own test seller.
    assert amazon.seller_id == Seller().seller_id
    assert amazon.access_key_id == Seller().access_key_id
    assert amazon.secret_key.get_secret_value() == Seller().secret_key


def test_sandbox_settings_point_the_storefronts_button_at_the_simulators_widgets():
    amazon = sandbox_settings(Settings.load({}), "http://127.0.0.1:8123").amazon

    assert amazon.client_id == Seller().client_id
    assert amazon.widgets_url == (
        "http://127.0.0.1:8123/simulator/OffAmazonPayments/de/sandbox/lpa/js/Widgets.js"
        f"?sellerId={Seller().seller_id}"
    )


def test_configured_credentials_are_the_simulators_seller():
    settings = Settings.load(
        {"AMZPAY_AMAZON__SELLER_ID": "A2OWNSELLER", "AMZPAY_AMAZON__SECRET_KEY": "own-secret"}
    )

    amazon = sandbox_settings(settings, "http://127.0.0.1:8123").amazon

    assert amazon.seller_id == "A2OWNSELLER"
    assert amazon.secret_key.get_secret_value() == "own-secret"


def test_a_separate_worker_in_simulator_mode_calls_the_servers_simulator():
    settings = Settings.load(
        {
            "AMZPAY_AMAZON__SIMULATOR": "true",
            "AMZPAY_WEB__HOST": "0.0.0.0",
            "AMZPAY_WEB__PORT": "9100",
        }
    )

    assert wired_like_serve(settings).amazon.endpoint_url == (
        "http://127.0.0.1:9100/simulator/OffAmazonPayments_Sandbox/2013-01-01"
    )
    assert wired_like_serve(Settings.load({})) == Settings.load({})


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1", "http://127.0.0.1:80"),
        ("0.0.0.0", "http://127.0.0.1:80"),
        ("::1", "http://[::1]:80"),
        ("shop.internal", "http://shop.internal:80"),
    ],
)
def test_the_server_calls_itself_at_a_reachable_address(host, url):
    assert base_url(host, 80) == url


def _access_line(path: str, status: int) -> logging.LogRecord:
    """A record as uvicorn's access logger makes it."""
    args = ("127.0.0.1:50000", "GET", path, "1.1", status)
    return logging.LogRecord(
        "uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d', args, None
    )


@pytest.mark.parametrize(
    ("path", "status", "kept"),
    [
        ("/healthz", 200, False),
        ("/readyz", 200, False),
        ("/metrics?name=x", 200, False),
        ("/readyz", 503, True),
        ("/api/v1/orders", 200, True),
    ],
)
def test_successful_probes_and_scrapes_leave_the_access_log(path, status, kept):
    assert QuietProbes().filter(_access_line(path, status)) is kept


def test_other_records_pass_the_probe_filter():
    record = logging.LogRecord("uvicorn.access", logging.INFO, "", 0, "plain", None, None)

    assert QuietProbes().filter(record) is True
