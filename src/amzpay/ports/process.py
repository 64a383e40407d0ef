"""The state machine's rows as plain values: what the store hands the engine.

No SQLAlchemy here: ``amzpay.oms`` imports these (the store sits below it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from amzpay.domain.order import AmazonApi


@dataclass(frozen=True, slots=True)
class OrderHead:
    """An order as the engine sees it: its process, whether it is closed, and the Amazon
    API it is paid through."""

    reference: str
    process: str
    closed: bool
    api: AmazonApi = AmazonApi.LEGACY


@dataclass(frozen=True, slots=True)
class Timer:
    id: int
    order: str
    item: str
    state: str
    event: str
    due_at: datetime


@dataclass(frozen=True, slots=True)
class Job:
    """One command to run for the items of one order that moved together on ``event``."""

    id: int
    order: str
    command: str
    event: str
    items: tuple[str, ...]
    attempts: int = 0
