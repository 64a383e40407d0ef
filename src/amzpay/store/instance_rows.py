"""Settings one amzpay process records for the others on the same database, by name."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from sqlalchemy import delete, insert, select

from amzpay.store import tables as t
from amzpay.store.base import Rows

SIMULATOR_URL: Final = "simulator_url"  # where ``amzpay serve --simulator`` serves Amazon


class InstanceRows(Rows):
    def instance_setting(self, name: str) -> str | None:
        found = self.conn.scalar(
            select(t.instance_settings.c.value).where(t.instance_settings.c.name == name)
        )
        return None if found is None else str(found)

    def set_instance_setting(self, name: str, value: str | None, at: datetime) -> None:
        """Record ``value`` under ``name``; None forgets it."""
        self.conn.execute(delete(t.instance_settings).where(t.instance_settings.c.name == name))
        if value is not None:
            self.conn.execute(
                insert(t.instance_settings).values(name=name, value=value, updated_at=at)
            )
