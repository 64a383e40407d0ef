"""The simulator's books: every object by id, and the one place their states change.

Every change (and every object born in a state other than Pending) is reported to
``on_change``, which turns it into an IPN.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from .clock import Clock
from .config import SimulatorConfig
from .errors import ApiError
from .ids import IdFactory
from .logins import Logins
from .model import Authorization, Capture, OrderReference, Payment, Refund
from .scheduler import Scheduler

Listener = Callable[[Payment], None]
_T = TypeVar("_T")


@dataclass
class Page:
    """What a ListOrderReference NextPageToken stands for: whose query it was, the order
    references still to show and how many a page holds."""

    seller_id: str
    sandbox: bool
    order_ids: tuple[str, ...]
    size: int
    next_token: str | None = None  # the token of the page after this one, once made


class Ledger:
    """Amazon's records for every seller, and the clock and scheduler they live by."""

    def __init__(
        self,
        config: SimulatorConfig,
        clock: Clock,
        ids: IdFactory,
        scheduler: Scheduler,
        on_change: Listener,
    ) -> None:
        self.config, self.clock, self.ids, self.scheduler = config, clock, ids, scheduler
        self._on_change = on_change
        self.orders: dict[str, OrderReference] = {}
        self.authorizations: dict[str, Authorization] = {}
        self.captures: dict[str, Capture] = {}
        self.refunds: dict[str, Refund] = {}
        self.owner: dict[str, tuple[str, bool]] = {}  # id -> (seller id, sandbox)
        self.pages: dict[str, Page] = {}  # NextPageToken -> the page it fetches
        self.logins = Logins(ids)  # the buyers' Login with Amazon access tokens

    def now(self) -> datetime:
        return self.clock.now()

    def later(self, amazon_seconds: float, action: Callable[[], None]) -> None:
        """Run ``action`` after ``amazon_seconds`` of Amazon's time (scaled by the config)."""
        self.scheduler.at(self.now() + self.config.scaled(amazon_seconds), action)

    def at(self, delay: timedelta, action: Callable[[], None]) -> None:
        self.scheduler.at(self.now() + delay, action)

    def add(self, item: Payment, seller_id: str, sandbox: bool) -> None:
        """Book a new object; announce it unless it starts Pending or is an order reference
        (the buyer made it; the seller learns of it from the widget, not from an IPN)."""
        self._file(item)
        self.owner[item.id] = (seller_id, sandbox)
        if item.status.state != "Pending" and item.kind != "OrderReference":
            self._on_change(item)

    def move(self, item: Payment, target: str, reason: str | None = None) -> None:
        """Change ``item``'s state now and announce it."""
        item.status.move(item.kind, target, self.now(), reason)
        self._on_change(item)

    def order(self, order_id: str, seller_id: str, sandbox: bool) -> OrderReference:
        if self.owner.get(order_id) != (seller_id, sandbox) or order_id not in self.orders:
            raise ApiError(
                "InvalidOrderReferenceId", f"The OrderReferenceId {order_id} is invalid."
            )
        return self.orders[order_id]

    def authorization(self, auth_id: str, seller_id: str, sandbox: bool) -> Authorization:
        return self._transaction(self.authorizations, auth_id, seller_id, sandbox)

    def capture(self, capture_id: str, seller_id: str, sandbox: bool) -> Capture:
        return self._transaction(self.captures, capture_id, seller_id, sandbox)

    def refund(self, refund_id: str, seller_id: str, sandbox: bool) -> Refund:
        return self._transaction(self.refunds, refund_id, seller_id, sandbox)

    def _transaction(self, table: dict[str, _T], key: str, seller_id: str, sandbox: bool) -> _T:
        if self.owner.get(key) != (seller_id, sandbox) or key not in table:
            raise ApiError("InvalidTransactionId", f"The TransactionId {key} is invalid.")
        return table[key]

    def _file(self, item: Payment) -> None:
        match item:
            case OrderReference():
                self.orders[item.id] = item
            case Authorization():
                self.authorizations[item.id] = item
            case Capture():
                self.captures[item.id] = item
            case Refund():
                self.refunds[item.id] = item
