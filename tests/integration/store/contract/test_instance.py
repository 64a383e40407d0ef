"""Settings one amzpay process records for the others, by name."""

from __future__ import annotations

from integration.store.contract.kit import MINUTE, NOW


def test_a_setting_is_recorded_replaced_and_forgotten(storage):
    with storage.read() as tx:
        unset = tx.instance_setting("simulator_url")
    with storage.transaction() as tx:
        tx.set_instance_setting("simulator_url", "http://127.0.0.1:8001", NOW)
        tx.set_instance_setting("other", "kept", NOW)
    with storage.read() as tx:
        first = tx.instance_setting("simulator_url")
    with storage.transaction() as tx:
        tx.set_instance_setting("simulator_url", "http://127.0.0.1:8002", NOW + MINUTE)
    with storage.read() as tx:
        replaced = tx.instance_setting("simulator_url")
    with storage.transaction() as tx:
        tx.set_instance_setting("simulator_url", None, NOW + 2 * MINUTE)

    with storage.read() as tx:
        forgotten, other = tx.instance_setting("simulator_url"), tx.instance_setting("other")
    assert (unset, first, replaced, forgotten, other) == (
        None,
        "http://127.0.0.1:8001",
        "http://127.0.0.1:8002",
        None,
        "kept",
    )
