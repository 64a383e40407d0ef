"""What the web layer needs of a running amzpay: the services, by their attributes.

``bootstrap.App`` satisfies it; tests may hand in their own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from amzpay.oms.engine import Engine
from amzpay.ports.unit import Storage, UnitOfWork
from amzpay.services.access import AccessService
from amzpay.services.checkout import CheckoutService
from amzpay.services.checkout_v2 import V2CheckoutService
from amzpay.services.inbox import InboxProcessor
from amzpay.services.ipn import IpnReceiver
from amzpay.services.ledger import LedgerService
from amzpay.services.mailbox import MailLog
from amzpay.services.orders import OrderService
from amzpay.services.polling import Poller
from amzpay.services.queries import QueryService
from amzpay.services.refunds import RefundService


class Services(Protocol):
    @property
    def database(self) -> Storage: ...
    @property
    def engine(self) -> Engine[UnitOfWork]: ...
    @property
    def clock(self) -> Callable[[], datetime]: ...
    @property
    def orders(self) -> OrderService: ...
    @property
    def refunds(self) -> RefundService: ...
    @property
    def ipn(self) -> IpnReceiver: ...
    @property
    def inbox(self) -> InboxProcessor: ...
    @property
    def poller(self) -> Poller: ...
    @property
    def ledger(self) -> LedgerService: ...
    @property
    def access(self) -> AccessService: ...
    @property
    def queries(self) -> QueryService: ...
    @property
    def mails(self) -> MailLog: ...
    @property
    def checkout(self) -> CheckoutService: ...
    @property
    def checkout_v2(self) -> V2CheckoutService: ...
