"""The fake Amazon's order references: made by a buyer (Draft), given the order's total,
confirmed, closed and canceled as Amazon's sandbox does (research A.7, A.11)."""

from __future__ import annotations

from amzpay.amazonpay.gateway import CallRefused, ObjectKind, Observation, PaymentState
from amzpay.domain.money import Money
from fakes import sandbox
from fakes.objects import Books, Object


class OrderReferences(Books):
    def open_order_reference(
        self,
        order_reference_id: str,
        state: PaymentState = PaymentState.OPEN,
        *,
        payment_method: str = "visa",
    ) -> None:
        """The order reference a buyer leaves behind (Draft until the shop confirms it);
        ``payment_method`` is one of the sandbox wallet's (``*amazon-rejected``, …)."""
        kind = ObjectKind.ORDER_REFERENCE
        made = Object(kind, order_reference_id, None, state, None, self.clock())
        made.payment_method = payment_method
        constraint = sandbox.PAYMENT_METHOD_CONSTRAINTS.get(payment_method)
        made.constraints = [constraint] if constraint else []
        self.objects[order_reference_id] = made

    def _set_details(self, order_reference_id: str, amount: Money, note: str | None) -> Observation:
        self.calls["set order reference details", order_reference_id] += 1
        reference = self._get(ObjectKind.ORDER_REFERENCE, order_reference_id, "set details")
        self._require(reference, PaymentState.DRAFT, "set details", "OrderReferenceNotModifiable")
        simulated = sandbox.simulation(note)
        if simulated is not None and simulated.constraint:
            reference.constraints = [simulated.constraint]
        reference.amount = amount
        return reference.seen()

    def _confirm(self, order_reference_id: str) -> None:
        self.calls["confirm order reference", order_reference_id] += 1
        reference = self._get(ObjectKind.ORDER_REFERENCE, order_reference_id, "confirm")
        self._require(reference, PaymentState.DRAFT, "confirm", "OrderReferenceNotModifiable")
        if reference.constraints:
            raise CallRefused("confirm", "ConstraintsExist", ", ".join(reference.constraints))
        self._move(reference, PaymentState.OPEN)

    def _close_order_reference(self, *, order_reference_id: str, reason: str | None = None) -> None:
        self.calls["close order reference", order_reference_id] += 1
        self._script_error("close order reference")
        reference = self._get(ObjectKind.ORDER_REFERENCE, order_reference_id, "close")
        if reference.state is PaymentState.CLOSED:
            return  # closing a Closed order reference changes nothing
        self._refuse_in(reference, {PaymentState.DRAFT, PaymentState.CANCELED}, "close")
        self._move(reference, PaymentState.CLOSED, "SellerClosed")

    def _cancel_order_reference(
        self, *, order_reference_id: str, reason: str | None = None
    ) -> None:
        self.calls["cancel order reference", order_reference_id] += 1
        self._script_error("cancel order reference")
        reference = self._get(ObjectKind.ORDER_REFERENCE, order_reference_id, "cancel")
        authorizations = [self.objects[a] for a in reference.children if a in self.objects]
        if any(auth.settled for auth in authorizations):  # only while nothing is captured (A.7)
            self._refuse_in(reference, set(PaymentState), "cancel")
        self._refuse_in(reference, {PaymentState.CLOSED, PaymentState.CANCELED}, "cancel")
        self._move(reference, PaymentState.CANCELED, "SellerCanceled")
        for auth in authorizations:
            if auth.state in (PaymentState.PENDING, PaymentState.OPEN):
                self._move(auth, PaymentState.CLOSED, "OrderReferenceCanceled")
