"""One authenticated v2 call, as the operations see it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .books import Books

Answer = tuple[int, dict[str, Any]]  # HTTP status and the JSON object answered


@dataclass(frozen=True)
class Call:
    """Who called (seller and environment), on which object, with what."""

    seller_id: str
    sandbox: bool
    resource: str | None  # the id in the path, when there is one
    body: bytes
    simulation: str | None
    redirect_base: str  # where the simulator's buyer pages live

    def the_id(self) -> str:
        assert self.resource is not None  # the route's pattern has an id
        return self.resource

    @property
    def owner(self) -> tuple[str, bool]:
        return self.seller_id, self.sandbox


__all__ = ["Answer", "Books", "Call"]
