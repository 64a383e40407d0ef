from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from amzpay.config import DEFAULT_POLL_SCHEDULE, Settings
from amzpay.processes.polls import DEFAULT_SCHEDULE


def test_the_defaults_run_locally_with_nothing_configured():
    settings = Settings.load({})

    assert settings.database_url == "sqlite:///amzpay.db"
    assert settings.smtp.host is None
    assert settings.polling.schedule == DEFAULT_POLL_SCHEDULE


def test_the_default_poll_schedule_is_the_processes_one():
    assert DEFAULT_POLL_SCHEDULE == DEFAULT_SCHEDULE


def test_nested_settings_come_from_prefixed_variables():
    settings = Settings.load(
        {
            "AMZPAY_SMTP__HOST": "mail.test",
            "AMZPAY_SMTP__PORT": "2525",
            "AMZPAY_POLLING__SCHEDULE": "60,PT10M",
            "AMZPAY_POLLING__STUCK_AFTER": "PT48H",
            "AMZPAY_SIM_SELLER_ID": "the simulator's own option",
            "PATH": "/usr/bin",
        }
    )

    assert (settings.smtp.host, settings.smtp.port) == ("mail.test", 2525)
    assert settings.polling.schedule == (timedelta(minutes=1), timedelta(minutes=10))
    assert settings.polling.stuck_after == timedelta(hours=48)


def test_the_environment_wins_over_the_settings_file(tmp_path):
    file = tmp_path / "amzpay.toml"
    file.write_text('database_url = "sqlite:///file.db"\n[shop]\nname = "File shop"\n')

    settings = Settings.load({"AMZPAY_SETTINGS_FILE": str(file), "AMZPAY_SHOP__NAME": "Env"})

    assert (settings.database_url, settings.shop.name) == ("sqlite:///file.db", "Env")


def test_a_missing_settings_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nowhere\.toml"):
        Settings.load({}, file=tmp_path / "nowhere.toml")


def test_a_bad_value_is_refused_naming_the_setting():
    with pytest.raises(ValidationError, match=r"smtp\.port"):
        Settings.load({"AMZPAY_SMTP__PORT": "twenty-five"})


def test_an_unknown_setting_is_refused_rather_than_ignored():
    with pytest.raises(ValidationError, match="databse_url"):
        Settings.load({"AMZPAY_DATABSE_URL": "sqlite:///typo.db"})


def test_secrets_do_not_show_in_the_settings_repr():
    settings = Settings.load({"AMZPAY_AMAZON__SECRET_KEY": "very-secret"})

    assert "very-secret" not in repr(settings)
    assert settings.amazon.secret_key.get_secret_value() == "very-secret"


def test_ipns_are_left_to_the_worker_unless_applied_at_receipt():
    assert Settings.load({}).amazon.ipn_apply == "worker"
    at_receipt = Settings.load({"AMZPAY_AMAZON__IPN_APPLY": "at-receipt"})
    assert at_receipt.amazon.ipn_apply == "at-receipt"
    with pytest.raises(ValidationError, match=r"amazon\.ipn_apply"):
        Settings.load({"AMZPAY_AMAZON__IPN_APPLY": "later"})
