"""The call log, the IPN inbox's receipt and the order reference's row, in memory: what
``LogRows`` does."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from amzpay.domain.payment import OrderReferenceState, PaymentKind
from amzpay.ports.logs import CallRecord, IpnSubject
from fakes.memory.base import MemoryRows, utc
from fakes.memory.tables import CallRow, InboxRow, OrderReferenceRow


class MemoryLogRows(MemoryRows):
    def log_call(self, call: CallRecord) -> None:
        """Store one call, linked to its order when its ids name one."""
        tables = self._writes("log_call")
        call_id = tables.new_id("calls")
        stored = replace(call, started_at=utc(call.started_at), parameters=dict(call.parameters))
        tables.calls[call_id] = CallRow(call_id, self._order_of(call), stored)

    def api_calls(self, order: str) -> list[CallRecord]:
        order_id = self.order_id(order)
        return [row.call for row in self.tables.calls.values() if row.order_id == order_id]

    def _order_of(self, call: CallRecord) -> int | None:
        """The order a call was about: by our reference id, else by the Amazon order
        reference id among its parameters (None when neither is known here)."""
        if call.reference_id is not None:
            for kind in PaymentKind:
                for row in self.tables.payments[kind].values():
                    if row.record.reference_id == call.reference_id:
                        return row.order_id
        amazon_order = call.parameters.get("AmazonOrderReferenceId")
        if amazon_order is None:
            return None
        return self._order_with_amazon_reference(amazon_order)

    def receive_ipn(
        self,
        message_id: str,
        notification_type: str,
        body: str,
        at: datetime,
        about: IpnSubject | None = None,
    ) -> bool:
        """Put a notification in the inbox, with what it is ``about`` when that was read;
        False when its message id is already there (a duplicate delivery)."""
        tables = self._writes("receive_ipn")
        order_id = None if about is None or about.order is None else self.order_id(about.order)
        if message_id in tables.inbox:
            return False
        row = InboxRow(tables.new_id("inbox"), message_id, notification_type, body, utc(at))
        if about is not None:
            row = replace(
                row,
                object_kind=about.object_kind,
                amazon_id=about.amazon_id,
                object_state=about.state,
                order_id=order_id,
            )
        tables.inbox[message_id] = row
        return True

    def mark_ipn_processed(self, message_id: str, at: datetime, error: str | None = None) -> None:
        self._change_ipn("mark_ipn_processed", message_id, processed_at=utc(at), error=error)

    def set_order_reference(
        self,
        order: str,
        amazon_id: str,
        state: OrderReferenceState,
        reason_code: str | None,
        at: datetime,
    ) -> None:
        """Record the order reference's state (one row per order, kept current)."""
        tables = self._writes("set_order_reference")
        order_id = self.order_id(order)
        found = tables.order_references.get(order_id)
        known_id = amazon_id if found is None else found.amazon_id
        tables.order_references[order_id] = OrderReferenceRow(
            known_id, OrderReferenceState(state).value, reason_code, utc(at)
        )

    def order_reference_state(self, order: str) -> OrderReferenceState | None:
        found = self.tables.order_references.get(self.order_id(order))
        return None if found is None else OrderReferenceState(found.state)
