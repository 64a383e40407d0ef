"""The process each API's orders follow by default is a setting per API (``AMZPAY_PROCESS``,
``AMZPAY_PROCESS_V2``); a process that does not exist or runs the other API's orders is
refused when amzpay is built, naming the variable, before any database is opened."""

from __future__ import annotations

import pytest

from amzpay.bootstrap import build, default_processes
from amzpay.config import SettingsError, load_settings
from amzpay.domain.order import AmazonApi


def test_by_default_legacy_orders_run_async_and_v2_orders_the_v2_process():
    chosen = default_processes(load_settings({}))

    assert chosen == {AmazonApi.LEGACY: "amazon-pay-async", AmazonApi.V2: "amazon-pay-v2"}


def test_each_apis_process_is_chosen_by_its_own_variable():
    settings = load_settings(
        {"AMZPAY_PROCESS": "amazon-pay-sync", "AMZPAY_PROCESS_V2": "amazon-pay-v2-sync"}
    )

    assert default_processes(settings) == {
        AmazonApi.LEGACY: "amazon-pay-sync",
        AmazonApi.V2: "amazon-pay-v2-sync",
    }


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("AMZPAY_PROCESS_V2", "amazon-pay-async", "a process for legacy orders"),
        ("AMZPAY_PROCESS", "amazon-pay-v2", "a process for v2 orders"),
        ("AMZPAY_PROCESS_V2", "amazon-pay-v3", "no such process"),
    ],
)
def test_a_process_of_the_other_api_or_none_is_refused_naming_the_variable(
    tmp_path, variable, value, said
):
    database = tmp_path / "never.db"
    settings = load_settings({variable: value, "AMZPAY_DATABASE_URL": f"sqlite:///{database}"})

    with pytest.raises(SettingsError) as refused:
        build(settings)

    [problem] = refused.value.problems
    assert problem.startswith(f"{variable}: {value!r} is {said}; choose one of ")
    assert not database.exists()
