"""Settings one amzpay process records for the others, in memory: what ``InstanceRows``
does."""

from __future__ import annotations

from datetime import datetime

from fakes.memory.base import MemoryRows, utc
from fakes.memory.tables import SettingRow


class MemoryInstanceRows(MemoryRows):
    def instance_setting(self, name: str) -> str | None:
        found = self.tables.settings.get(name)
        return None if found is None else found.value

    def set_instance_setting(self, name: str, value: str | None, at: datetime) -> None:
        """Record ``value`` under ``name``; None forgets it."""
        tables = self._writes("set_instance_setting")
        tables.settings.pop(name, None)
        if value is not None:
            tables.settings[name] = SettingRow(value, utc(at))
