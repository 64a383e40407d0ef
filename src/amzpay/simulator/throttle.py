"""Amazon's per-operation leaky buckets (amazonpay-api.md §A.10).

Each seller has one bucket per operation and environment: a call fills it by one, it drains
by one every ``restore_seconds`` (divided by ``time_scale`` only when
``Throttling.scale_with_time`` says so), and a call that would overflow it is answered 503
RequestThrottled.
"""

from __future__ import annotations

from datetime import datetime

from .config import SimulatorConfig


class Throttle:
    def __init__(self, config: SimulatorConfig) -> None:
        self._config = config
        self._buckets: dict[tuple[str, bool, str], tuple[float, datetime]] = {}

    def admit(self, seller_id: str, sandbox: bool, action: str, now: datetime) -> bool:
        """Whether this call fits in its bucket (and, if it does, count it)."""
        settings = self._config.throttling
        quotas = settings.sandbox if sandbox else settings.production
        quota = quotas.get(action)
        if not settings.enabled or quota is None:
            return True
        key = (seller_id, sandbox, action)
        level, then = self._buckets.get(key, (0.0, now))
        drain = quota.restore_seconds
        if settings.scale_with_time:
            drain = self._config.scaled(quota.restore_seconds).total_seconds()
        level = max(0.0, level - (now - then).total_seconds() / drain)
        if level + 1 > quota.burst:
            self._buckets[key] = (level, now)
            return False
        self._buckets[key] = (level + 1, now)
        return True
