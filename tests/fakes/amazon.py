"""An in-memory Amazon Pay: objects, their states, and the answers a test scripts.

It keeps order references, authorizations, captures and refunds with their states; repeats
a write call with a known reference id by answering the first result (as Amazon does);
refuses calls on objects in the wrong state, or over Amazon's amount limits, with Amazon's
error codes; and lets a test script the next answer of an operation (``answer``, ``refuse``,
``fail``) or change an object's state later, as Amazon's processing would (``settle``).

Unscripted, it follows Amazon's sandbox (``sandbox.py``): SandboxSimulation strings in notes
and the starred test payment methods decline or constrain; with ``timing`` an asynchronous
authorization, a Pending capture and every refund stay Pending until the clock has moved on
as far as Amazon's would (the contract suite checks this against the simulator).

With ``lenient=True`` an object it has never seen is taken to exist in its usual state, and
calls are not refused for an object's state (another process's fake may know better), so
that several processes, each with its own fake, can share the work on one database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime

from amzpay.amazonpay.gateway import CallRefused, ObjectKind, Observation, PaymentState
from amzpay.domain.money import Money
from fakes import sandbox
from fakes.objects import PREFIX, USUAL, Answer, Due, Object
from fakes.order_references import OrderReferences

_PARENT_STATE = {ObjectKind.CAPTURE: PaymentState.OPEN, ObjectKind.REFUND: PaymentState.COMPLETED}
_PARENT_REFUSAL = {
    ObjectKind.CAPTURE: "InvalidAuthorizationStatus",
    ObjectKind.REFUND: "CaptureNotRefundable",
}
_SETTLES_TO = {
    ObjectKind.AUTHORIZATION: PaymentState.OPEN,
    ObjectKind.CAPTURE: PaymentState.COMPLETED,
    ObjectKind.REFUND: PaymentState.COMPLETED,
}


class PlayedAmazon(OrderReferences):
    """Amazon's side of the fake: what it knows and how it answers; ``FakeGateway`` is the
    port in front of it."""

    def __init__(
        self,
        clock: Callable[[], datetime],
        *,
        lenient: bool = False,
        answers: dict[str, PaymentState] | None = None,
        polls_to_settle: int | None = None,
        timing: sandbox.Timing | None = None,
    ) -> None:
        """``answers``: what each write operation answers unless scripted (default: Open,
        Completed, Pending). ``polls_to_settle``: a pending object asked about that often
        is settled (authorization Open, capture and refund Completed). ``timing``: Pending
        objects settle by the clock, as in Amazon's sandbox."""
        super().__init__(clock, lenient=lenient, answers=answers)
        self.timing, self.polls_to_settle = timing, polls_to_settle
        self._polls: Counter[str] = Counter()
        self._by_reference: dict[tuple[ObjectKind, str], str] = {}
        self._due: list[Due] = []

    # -- scripting (and see Books) ---------------------------------------------------------

    def settle(self, amazon_id: str, state: PaymentState, reason_code: str | None = None) -> None:
        """Amazon moves an object on, later (processing finished, an expiry, a decline)."""
        found = self.objects[amazon_id]
        found.state, found.reason_code = state, reason_code
        found.updated_at = self.clock()
        if found.kind is ObjectKind.REFUND and state is PaymentState.COMPLETED:
            self._refunded(found)

    # -- payments ---------------------------------------------------------------------------------

    def _authorize(
        self,
        order_reference_id: str,
        reference_id: str,
        amount: Money,
        capture_now: bool,
        *,
        asynchronous: bool = False,
        note: str | None = None,
    ) -> Observation:
        self.calls["authorize", reference_id] += 1
        known = self._repeat(ObjectKind.AUTHORIZATION, reference_id, amount)
        if known is not None:
            return known
        self._tick()
        reference = self._get(ObjectKind.ORDER_REFERENCE, order_reference_id, "authorize")
        self._require(reference, PaymentState.OPEN, "authorize", "InvalidOrderReferenceStatus")
        answer = self._next("authorize", note)
        if answer.state is None:
            answer = self._decline_of(reference)
        auth = self._new(ObjectKind.AUTHORIZATION, reference_id, amount, answer)
        reference.children.append(auth.amazon_id)
        auth.capture_now = capture_now
        if asynchronous and self.timing is not None:
            self._pending(auth, answer)  # asynchronous: Pending first, whatever follows (A.7)
        else:
            self._authorized(auth)
        return auth.seen()

    def _authorized(self, auth: Object) -> None:
        """What an authorization's first real state does next (A.7)."""
        reference = self._order_reference_of(auth)
        if auth.state is PaymentState.OPEN and auth.capture_now:
            self._take(
                auth,
                ObjectKind.CAPTURE,
                auth.reference_id or "",
                auth.amount,
                self._next("capture"),
            )
        elif auth.reason_code == "InvalidPaymentMethod" and reference is not None:
            self._move(reference, PaymentState.SUSPENDED, "InvalidPaymentMethod")
        elif auth.reason_code == "AmazonRejected" and reference is not None:
            self._move(reference, PaymentState.CLOSED, "AmazonClosed")

    def _capture(
        self, authorization_id: str, reference_id: str, amount: Money, note: str | None = None
    ) -> Observation:
        return self._child(
            ObjectKind.AUTHORIZATION,
            authorization_id,
            ObjectKind.CAPTURE,
            reference_id,
            amount,
            note,
        )

    def _refund(
        self, capture_id: str, reference_id: str, amount: Money, note: str | None = None
    ) -> Observation:
        return self._child(
            ObjectKind.CAPTURE, capture_id, ObjectKind.REFUND, reference_id, amount, note
        )

    def _child(
        self,
        parent_kind: ObjectKind,
        parent_id: str,
        kind: ObjectKind,
        reference_id: str,
        amount: Money,
        note: str | None,
    ) -> Observation:
        """A capture of an authorization, a refund of a capture."""
        operation = kind.value
        self.calls[operation, reference_id] += 1
        known = self._repeat(kind, reference_id, amount)
        if known is not None:
            return known
        self._tick()
        parent = self._get(parent_kind, parent_id, operation)
        self._require(parent, _PARENT_STATE[kind], operation, _PARENT_REFUSAL[kind])
        self._within_limits(parent, kind, amount, operation)
        return self._take(parent, kind, reference_id, amount, self._next(operation, note)).seen()

    def _take(
        self,
        parent: Object,
        kind: ObjectKind,
        reference_id: str,
        amount: Money | None,
        answer: Answer,
    ) -> Object:
        child = self._new(kind, reference_id, amount, answer)
        parent.children.append(child.amazon_id)
        if kind is ObjectKind.REFUND and self.timing is not None:
            self._pending(child, answer)  # a legacy refund always starts Pending (A.7)
        if kind is ObjectKind.CAPTURE and child.state is not PaymentState.DECLINED:
            # One capture per authorization (legacy API): the authorization closes. A
            # declined capture leaves it Open for another try (A.7).
            parent.settled = amount
            self._move(parent, PaymentState.CLOSED, "MaxCapturesProcessed")
            if child.state is PaymentState.PENDING and self.timing is not None:
                self._pending(child, Answer(PaymentState.COMPLETED))
        return child

    def _within_limits(
        self, parent: Object, kind: ObjectKind, amount: Money, operation: str
    ) -> None:
        if self.lenient or parent.amount is None:
            return
        if kind is ObjectKind.CAPTURE:
            ceiling = parent.amount
        else:
            ceiling = sandbox.refund_ceiling(parent.amount)
            amount = amount + self._committed_refunds(parent)
        if amount > ceiling:
            raise CallRefused(
                operation, "TransactionAmountExceeded", f"above {ceiling}", http_status=400
            )

    def _committed_refunds(self, capture: Object) -> Money:
        refunds = (self.objects[r] for r in capture.children)
        live = (r.amount for r in refunds if r.amount and r.state is not PaymentState.DECLINED)
        return Money.total(live, capture.amount.currency if capture.amount else "EUR")

    def _refunded(self, refund: Object) -> None:
        """A completed refund counts in its capture's refunded amount (RefundedAmount)."""
        capture = next((o for o in self.objects.values() if refund.amazon_id in o.children), None)
        if capture is not None and refund.amount is not None:
            settled = capture.settled
            capture.settled = refund.amount + settled if settled else refund.amount

    def close_authorization(self, *, authorization_id: str, reason: str | None = None) -> None:
        self.calls["close authorization", authorization_id] += 1
        auth = self._get(ObjectKind.AUTHORIZATION, authorization_id, "close authorization")
        if auth.state is not PaymentState.CLOSED:
            self._move(auth, PaymentState.CLOSED, "SellerClosed")

    # -- inside -----------------------------------------------------------------------------

    def _read(self, kind: ObjectKind, amazon_id: str) -> Observation:
        self.calls[f"{kind} details", amazon_id] += 1
        self._script_error(f"{kind} details")
        self._tick()
        found = self._get(kind, amazon_id, f"get {kind} details")
        self._polls[amazon_id] += 1
        settles = (
            self.polls_to_settle is not None and self._polls[amazon_id] >= self.polls_to_settle
        )
        if found.state is PaymentState.PENDING and settles:
            self.settle(amazon_id, _SETTLES_TO[kind])
        return found.seen()

    def _pending(self, made: Object, answer: Answer) -> None:
        """``made`` stays Pending for Amazon's time, then becomes what ``answer`` says."""
        assert self.timing is not None
        final = Answer(answer.state or _SETTLES_TO[made.kind], answer.reason_code)
        if final.state is PaymentState.PENDING:
            final = Answer(_SETTLES_TO[made.kind])
        made.state, made.reason_code = PaymentState.PENDING, None
        self._due.append(Due(self.clock() + self.timing.pending[made.kind], made.amazon_id, final))

    def _tick(self) -> None:
        """Amazon's processing that has fallen due by now (the sandbox's timing)."""
        now = self.clock()
        due, self._due = [d for d in self._due if d.at <= now], [d for d in self._due if d.at > now]
        for item in sorted(due, key=lambda d: d.at):
            made = self.objects[item.amazon_id]
            if made.state is not PaymentState.PENDING:
                continue
            assert item.answer.state is not None
            self.settle(made.amazon_id, item.answer.state, item.answer.reason_code)
            if made.kind is ObjectKind.AUTHORIZATION:
                self._authorized(made)

    def _decline_of(self, reference: Object) -> Answer:
        reason = sandbox.PAYMENT_METHOD_DECLINES.get(reference.payment_method)
        return Answer(PaymentState.DECLINED, reason) if reason else Answer()

    def _repeat(self, kind: ObjectKind, reference_id: str, amount: Money) -> Observation | None:
        """Amazon answers a repeated reference id with the object it made the first time, and
        refuses it with other parameters (A.8: DuplicateRequest)."""
        amazon_id = self._by_reference.get((kind, reference_id))
        if amazon_id is None:
            return None
        first = self.objects[amazon_id]
        if first.amount is not None and first.amount != amount:
            raise CallRefused(kind.value, "DuplicateRequest", reference_id, http_status=400)
        return first.seen()

    def _new(
        self, kind: ObjectKind, reference_id: str, amount: Money | None, answer: Answer
    ) -> Object:
        made = Object(
            kind,
            f"AMZ-{PREFIX[kind]}-{reference_id}",  # the same in every process (lenient mode)
            reference_id,
            answer.state or USUAL[kind],
            amount,
            self.clock(),
            answer.reason_code,
        )
        made.soft_decline = answer.soft
        self.objects[made.amazon_id] = made
        self._by_reference[kind, reference_id] = made.amazon_id
        return made

    def _order_reference_of(self, auth: Object) -> Object | None:
        return next((o for o in self.objects.values() if auth.amazon_id in o.children), None)
