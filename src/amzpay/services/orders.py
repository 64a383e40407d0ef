"""Use cases on orders: import one a shop placed, fire an event on its items, read it.

Each runs in one short transaction; the calls to Amazon that events ask for are planned in
it and made by the worker after the commit (``oms.runner``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol, runtime_checkable

from amzpay.amazonpay.gateway import CallRefused, Observation, PaymentState
from amzpay.domain.buyer import OrderBuyer
from amzpay.domain.money import Money
from amzpay.domain.order import AmazonApi, Order
from amzpay.oms.engine import Engine
from amzpay.oms.model import Process
from amzpay.ports.errors import DuplicateOrder, OrderNotFound
from amzpay.ports.unit import Storage, UnitOfWork
from amzpay.processes.call_log import CallBatch, StoreCallLog
from amzpay.processes.catalog import DEFAULT_PROCESSES, api_of, processes_of
from amzpay.services.errors import (
    InvalidOrderSpec,
    OrderReferenceNotOpen,
    ProcessNotForApi,
    ServiceError,
)
from amzpay.services.order_spec import read_order

Clock = Callable[[], datetime]
AUTHORIZE_COMMAND = "authorize"
"""The command that calls Amazon's Authorize, which needs an Open order reference."""


class OrderReferenceSetup(Protocol):
    """The two calls of a checkout (Amazon Pay API reference, "SetOrderReferenceDetails",
    "ConfirmOrderReference"): what the import needs of the PaymentGateway port."""

    def set_order_reference_details(
        self, order_reference_id: str, amount: Money, seller_order_id: str, note: str | None = None
    ) -> Observation: ...

    def confirm_order_reference(self, order_reference_id: str) -> None: ...


@runtime_checkable
class ChargePermissions(Protocol):
    """What an import of an API v2 order needs of Amazon before the order exists: the charge
    permission a completed checkout session left (Amazon Pay API v2, "Get Checkout Session")."""

    def charge_permission_of(self, checkout_session_id: str) -> str | None:
        """The session's charge permission id; None while the session is not completed.
        Raises CallRefused (no such session: ``ResourceNotFound``) or CallFailed."""


def order_total(order: Order) -> Money:
    """What the buyer pays for ``order``: every line's price to pay, shipping included."""
    return Money.total((line.price_to_pay for line in order.lines()), order.currency)


@dataclass(frozen=True, slots=True)
class ItemView:
    id: str
    name: str
    state: str | None
    manual_events: tuple[str, ...]


class OrderService:
    def __init__(
        self,
        database: Storage,
        engine: Engine[UnitOfWork],
        clock: Clock,
        processes: Mapping[AmazonApi, str] = DEFAULT_PROCESSES,
        checkout: OrderReferenceSetup | None = None,
        call_log: StoreCallLog | None = None,
        sessions: ChargePermissions | None = None,
    ) -> None:
        """``processes``: the process an order of each API follows unless the import names
        one (each of that API: ``check_process``)."""
        self.database, self.engine, self.clock = database, engine, clock
        self.processes = {api: processes.get(api, DEFAULT_PROCESSES[api]) for api in AmazonApi}
        for api, name in self.processes.items():
            check_process(name, api)
        self.checkout, self.call_log, self.sessions = checkout, call_log, sessions

    def import_order(
        self,
        spec: object,
        *,
        process: str | None = None,
        confirm: bool = False,
        buyer: OrderBuyer | None = None,
        api: AmazonApi = AmazonApi.LEGACY,
    ) -> str:
        """Store the order ``spec`` describes and start its process; return its reference.

        ``api`` is the Amazon API the order is paid through: its ``amazon_order_reference_id``
        is the legacy API's order reference, or API v2's charge permission (a checkout
        session's: ``charge_permission_of``). Every later call about the order speaks it,
        and its process is one of that API's: ``process``, or the API's default.

        With ``confirm`` the buyer's Draft order reference is first given the order's total
        and number and confirmed (no transaction is open meanwhile); without, it is taken to
        be confirmed (Open) already, as a shop that confirms at checkout hands it over.
        ``buyer`` (who bought and where it ships, as Amazon told at checkout) is kept with it.

        Raises:
            InvalidOrderSpec: the spec is malformed (the field is named).
            DuplicateOrder: an order with this reference is stored already.
            UnknownProcess: no such process.
            ProcessNotForApi: ``process`` runs the other API's orders (field ``process``).
            CallRefused, CallFailed: Amazon refused or could not be asked to confirm
                (``ConstraintsExist``: the buyer must choose again); nothing is stored.
        """
        order = replace(read_order(spec), api=api)
        if confirm and api is AmazonApi.V2:
            raise InvalidOrderSpec(
                "confirm", "an API v2 charge permission is confirmed by completing its checkout"
            )
        name = process or self.processes[api]
        self.engine.process(name)  # an unknown process fails before anything is stored
        check_process(name, api)
        with self.database.read() as tx:
            if _is_stored(tx, order.reference):
                raise DuplicateOrder(order.reference)
        with self._calls() as calls:
            if confirm:
                self._confirm(order)
        try:
            with self.database.transaction() as tx:
                if _is_stored(tx, order.reference):
                    raise DuplicateOrder(order.reference)
                tx.add_order(order, process=name, at=self.clock())
                if buyer is not None:
                    tx.set_order_buyer(order.reference, buyer)
                self.engine.start(tx, order.reference, actor="import")
                calls.write(tx)  # after the order: the log links each call to it
        except BaseException:
            calls.rescue()  # the calls were made: they are logged even if the order is not
            raise
        return order.reference

    def charge_permission_of(self, checkout_session_id: str) -> str:
        """The charge permission the buyer's completed checkout session left, read from Amazon
        (no transaction open), to import the order on.

        Raises:
            InvalidOrderSpec (``checkout_session_id``): Amazon knows no such session, or it is
                not completed; ServiceError: no API v2 gateway is configured.
            CallRefused, CallFailed: Amazon refused or could not be asked otherwise.
        """
        if self.sessions is None:
            raise InvalidOrderSpec(
                "checkout_session_id", "no Amazon Pay API v2 credentials are configured to read it"
            )
        field = "checkout_session_id"
        try:
            permission = self.sessions.charge_permission_of(checkout_session_id)
        except CallRefused as refused:
            if refused.code != "ResourceNotFound":
                raise
            raise InvalidOrderSpec(
                field, f"Amazon knows no checkout session {checkout_session_id!r}"
            ) from None
        if permission is None:
            raise InvalidOrderSpec(
                field,
                f"checkout session {checkout_session_id!r} is not completed: "
                "it has no charge permission yet",
            )
        return permission

    def _calls(self) -> AbstractContextManager[CallBatch]:
        """Hold the confirming calls to log them with the order they confirmed."""
        return nullcontext(CallBatch()) if self.call_log is None else self.call_log.held()

    def _confirm(self, order: Order) -> None:
        if self.checkout is None:
            raise ServiceError("no Amazon Pay gateway is configured to confirm the order")
        amazon_id = order.amazon_order_reference_id
        assert amazon_id is not None  # read_order requires it
        self.checkout.set_order_reference_details(amazon_id, order_total(order), order.reference)
        self.checkout.confirm_order_reference(amazon_id)

    def fire(self, order: str, event: str, items: Iterable[str] | None, actor: str) -> None:
        """Fire the manual ``event`` on ``items`` (None: every item of the order).

        Raises:
            OrderNotFound; OrderReferenceNotOpen for an event that asks Amazon for an
            authorization the order reference cannot take; the OMS's EventNotAllowed,
            NotAManualEvent, OrderClosed, ConditionNotMet: nothing changed.
        """
        with self.database.transaction() as tx:
            process = self.engine.process(tx.lock_order(order).process)
            reference_state = tx.order_reference_state(order)
            if not _possible(process, event, reference_state):
                assert reference_state is not None
                raise OrderReferenceNotOpen(order, event, reference_state)
            chosen = list(tx.item_states(order)) if items is None else list(items)
            self.engine.fire(tx, order, event, chosen, actor=actor)

    def items(self, order: str) -> list[ItemView]:
        """The order's items with their states and the events staff may fire on each: those
        the item's state allows and Amazon can take now (no authorization is offered while
        the order reference is not Open)."""
        with self.database.read() as tx:
            head = tx.order_head(order)
            states = tx.item_states(order)
            names: dict[str, str] = {i.id: i.name for i in tx.order(order).items}
            reference_state = tx.order_reference_state(order)
        process = self.engine.process(head.process)

        def events(state: str | None) -> tuple[str, ...]:
            allowed = process.manual_events(state) if state else ()
            return tuple(e for e in allowed if _possible(process, e, reference_state))

        return [ItemView(item, names[item], state, events(state)) for item, state in states.items()]


def check_process(process: str, api: AmazonApi) -> None:
    """Raises ProcessNotForApi when ``process`` is one of the catalog's made for the other API
    (a process the catalog does not know is the engine's to refuse)."""
    made_for = api_of(process)
    if made_for is not None and made_for is not api:
        raise ProcessNotForApi(process, made_for, api, processes_of(api))


def _possible(process: Process, event: str, reference_state: str | None) -> bool:
    """Whether Amazon can take what ``event`` asks for, given the order reference's state
    (None: not known yet, the call decides)."""
    declared = process.events.get(event)
    if declared is None or declared.command != AUTHORIZE_COMMAND or reference_state is None:
        return True
    return reference_state == PaymentState.OPEN.value


def _is_stored(tx: UnitOfWork, reference: str) -> bool:
    try:
        tx.order_head(reference)
    except OrderNotFound:
        return False
    return True
