"""The v2 books: every object by id with the seller and environment owning it, and the one
place their states change. Every change is reported to ``on_change``, which turns it into an
IPN. Time, ids and timed work are the legacy ledger's (its clock, id factory and scheduler),
so both APIs live on one clock.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from ..ledger import Ledger
from .errors import V2Error
from .model import Charge, ChargePermission, CheckoutSession, Refund, Resource, State, move

Listener = Callable[[Resource], None]
_T = TypeVar("_T")


class Books:
    """Amazon's v2 records for every seller."""

    def __init__(self, ledger: Ledger, on_change: Listener) -> None:
        self.config, self.ids = ledger.config, ledger.ids
        self.now, self.later = ledger.now, ledger.later
        self._on_change = on_change
        self.sessions: dict[str, CheckoutSession] = {}
        self.permissions: dict[str, ChargePermission] = {}
        self.charges: dict[str, Charge] = {}
        self.refunds: dict[str, Refund] = {}
        self.owner: dict[str, tuple[str, bool]] = {}  # id -> (seller id, sandbox)

    def add(self, item: Resource, seller_id: str, sandbox: bool, announce: bool) -> None:
        """Book a new object, announcing it when ``announce``."""
        match item:
            case CheckoutSession():
                self.sessions[item.id] = item
            case ChargePermission():
                self.permissions[item.id] = item
            case Charge():
                self.charges[item.id] = item
            case Refund():
                self.refunds[item.id] = item
        self.owner[item.id] = (seller_id, sandbox)
        if announce:
            self._on_change(item)

    def move(self, item: Resource, target: State, reason: str | None = None) -> None:
        """Change ``item``'s state now and announce it (checkout sessions have no IPNs)."""
        move(item.status, item.kind, target, self.now(), reason)
        if item.kind != "CheckoutSession":
            self._on_change(item)

    def session(self, key: str, seller_id: str, sandbox: bool) -> CheckoutSession:
        return self._find(self.sessions, key, seller_id, sandbox, "CheckoutSession")

    def permission(self, key: str, seller_id: str, sandbox: bool) -> ChargePermission:
        return self._find(self.permissions, key, seller_id, sandbox, "ChargePermission")

    def charge(self, key: str, seller_id: str, sandbox: bool) -> Charge:
        return self._find(self.charges, key, seller_id, sandbox, "Charge")

    def refund(self, key: str, seller_id: str, sandbox: bool) -> Refund:
        return self._find(self.refunds, key, seller_id, sandbox, "Refund")

    def seller_of(self, key: str) -> tuple[str, bool]:
        return self.owner[key]

    def _find(self, table: dict[str, _T], key: str, seller_id: str, sandbox: bool, what: str) -> _T:
        if self.owner.get(key) != (seller_id, sandbox) or key not in table:
            raise V2Error("ResourceNotFound", f"The {what} with id {key} was not found.")
        return table[key]
