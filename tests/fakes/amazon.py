"""An in-memory Amazon Pay: objects, their states, and the answers a test scripts.

It keeps order references, authorizations, captures and refunds with their states; repeats
a write call with a known reference id by answering the first result (as Amazon does);
refuses calls on objects in the wrong state with Amazon's error codes; and lets a test
script the next answer of an operation (``answer``, ``refuse``, ``fail``) or change an
object's state later, as Amazon's processing would (``settle``).

With ``lenient=True`` an object it has never seen is taken to exist in its usual state, and
calls are not refused for an object's state (another process's fake may know better), so
that several processes, each with its own fake, can share the work on one database.
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from amzpay.amazonpay.gateway import (
    CallFailed,
    CallRefused,
    ObjectKind,
    Observation,
    PaymentState,
)
from amzpay.domain.money import Money

_PREFIX = {
    ObjectKind.AUTHORIZATION: "A",
    ObjectKind.CAPTURE: "C",
    ObjectKind.REFUND: "R",
}
_SETTLES_TO = {
    ObjectKind.AUTHORIZATION: PaymentState.OPEN,
    ObjectKind.CAPTURE: PaymentState.COMPLETED,
    ObjectKind.REFUND: PaymentState.COMPLETED,
}
_PARENT_STATE = {ObjectKind.CAPTURE: PaymentState.OPEN, ObjectKind.REFUND: PaymentState.COMPLETED}
_PARENT_REFUSAL = {
    ObjectKind.CAPTURE: "InvalidAuthorizationStatus",
    ObjectKind.REFUND: "CaptureNotRefundable",
}
_USUAL = {
    ObjectKind.ORDER_REFERENCE: PaymentState.OPEN,
    ObjectKind.AUTHORIZATION: PaymentState.OPEN,
    ObjectKind.CAPTURE: PaymentState.COMPLETED,
    ObjectKind.REFUND: PaymentState.PENDING,
}


@dataclass
class _Object:
    kind: ObjectKind
    amazon_id: str
    reference_id: str | None
    state: PaymentState
    amount: Money | None
    updated_at: datetime
    reason_code: str | None = None
    children: list[str] = field(default_factory=list)

    def seen(self) -> Observation:
        return Observation(
            kind=self.kind,
            amazon_id=self.amazon_id,
            reference_id=self.reference_id,
            state=self.state,
            updated_at=self.updated_at,
            amount=self.amount,
            reason_code=self.reason_code,
            children=tuple(self.children),
        )


@dataclass(frozen=True)
class _Answer:
    state: PaymentState | None = None
    reason_code: str | None = None
    error: Exception | None = None


class PlayedAmazon:
    """Amazon's side of the fake: what it knows and how it answers; ``FakeGateway`` is the
    port in front of it."""

    def __init__(
        self,
        clock: Callable[[], datetime],
        *,
        lenient: bool = False,
        answers: dict[str, PaymentState] | None = None,
        polls_to_settle: int | None = None,
    ) -> None:
        """``answers``: what each write operation answers unless scripted (default: Open,
        Completed, Pending). ``polls_to_settle``: a pending object asked about that often
        is settled (authorization Open, capture and refund Completed)."""
        self.clock, self.lenient = clock, lenient
        self.answers = answers or {}
        self.polls_to_settle = polls_to_settle
        self._polls: Counter[str] = Counter()
        self.objects: dict[str, _Object] = {}
        self.calls: Counter[tuple[str, str]] = Counter()  # (operation, our or Amazon's id)
        self._by_reference: dict[tuple[ObjectKind, str], str] = {}
        self._script: defaultdict[str, deque[_Answer]] = defaultdict(deque)

    # -- scripting --------------------------------------------------------------------------

    def answer(self, operation: str, state: PaymentState, reason_code: str | None = None) -> None:
        """The next new ``operation`` ("authorize", "capture", "refund") answers ``state``."""
        self._script[operation].append(_Answer(state, reason_code))

    def refuse(self, operation: str, code: str = "InvalidParameterValue") -> None:
        """The next ``operation`` call is rejected by Amazon."""
        error = CallRefused(operation, code, f"the fake refuses {operation}", http_status=400)
        self._script[operation].append(_Answer(error=error))

    def fail(self, operation: str) -> None:
        """The next ``operation`` call fails (as a 503 would)."""
        error = CallFailed(operation, "503 Service Unavailable", retry_after=timedelta(seconds=30))
        self._script[operation].append(_Answer(error=error))

    def settle(self, amazon_id: str, state: PaymentState, reason_code: str | None = None) -> None:
        """Amazon moves an object on, later (processing finished, an expiry, a decline)."""
        found = self.objects[amazon_id]
        found.state, found.reason_code = state, reason_code
        found.updated_at = self.clock()

    def open_order_reference(
        self, order_reference_id: str, state: PaymentState = PaymentState.OPEN
    ) -> None:
        self.objects[order_reference_id] = _Object(
            ObjectKind.ORDER_REFERENCE, order_reference_id, None, state, None, self.clock()
        )

    def of_kind(self, kind: ObjectKind) -> list[_Object]:
        return [o for o in self.objects.values() if o.kind is kind]

    # -- the operations, unlogged ----------------------------------------------------------------

    def _authorize(
        self, order_reference_id: str, reference_id: str, amount: Money, capture_now: bool
    ) -> Observation:
        self.calls["authorize", reference_id] += 1
        known = self._repeat(ObjectKind.AUTHORIZATION, reference_id)
        if known is not None:
            return known
        reference = self._get(ObjectKind.ORDER_REFERENCE, order_reference_id, "authorize")
        self._require(reference, PaymentState.OPEN, "authorize", "InvalidOrderReferenceStatus")
        auth = self._new(ObjectKind.AUTHORIZATION, reference_id, amount, self._next("authorize"))
        reference.children.append(auth.amazon_id)
        if capture_now and auth.state is PaymentState.OPEN:
            self._take(auth, ObjectKind.CAPTURE, reference_id, amount, "capture")
        return auth.seen()

    def _capture(self, authorization_id: str, reference_id: str, amount: Money) -> Observation:
        return self._child(
            ObjectKind.AUTHORIZATION, authorization_id, ObjectKind.CAPTURE, reference_id, amount
        )

    def _refund(self, capture_id: str, reference_id: str, amount: Money) -> Observation:
        return self._child(ObjectKind.CAPTURE, capture_id, ObjectKind.REFUND, reference_id, amount)

    def _child(
        self,
        parent_kind: ObjectKind,
        parent_id: str,
        kind: ObjectKind,
        reference_id: str,
        amount: Money,
    ) -> Observation:
        """A capture of an authorization, a refund of a capture."""
        operation = kind.value
        self.calls[operation, reference_id] += 1
        known = self._repeat(kind, reference_id)
        if known is not None:
            return known
        parent = self._get(parent_kind, parent_id, operation)
        self._require(parent, _PARENT_STATE[kind], operation, _PARENT_REFUSAL[kind])
        return self._take(parent, kind, reference_id, amount, operation).seen()

    def _take(
        self, parent: _Object, kind: ObjectKind, reference_id: str, amount: Money, operation: str
    ) -> _Object:
        child = self._new(kind, reference_id, amount, self._next(operation))
        parent.children.append(child.amazon_id)
        if kind is ObjectKind.CAPTURE:
            # One capture per authorization (legacy API): the authorization closes.
            parent.state, parent.reason_code = PaymentState.CLOSED, "MaxCapturesProcessed"
        return child

    def _require(self, found: _Object, state: PaymentState, operation: str, code: str) -> None:
        if found.state is not state and not self.lenient:
            raise CallRefused(operation, code, f"not {state.value}", http_status=405)

    def close_authorization(self, *, authorization_id: str, reason: str | None = None) -> None:
        self.calls["close authorization", authorization_id] += 1
        self.settle(authorization_id, PaymentState.CLOSED, "SellerClosed")

    def _close_order_reference(self, *, order_reference_id: str, reason: str | None = None) -> None:
        self.calls["close order reference", order_reference_id] += 1
        self._script_error("close order reference")
        reference = self._get(ObjectKind.ORDER_REFERENCE, order_reference_id, "close")
        reference.state, reference.updated_at = PaymentState.CLOSED, self.clock()

    def _cancel_order_reference(
        self, *, order_reference_id: str, reason: str | None = None
    ) -> None:
        self.calls["cancel order reference", order_reference_id] += 1
        self._script_error("cancel order reference")
        reference = self._get(ObjectKind.ORDER_REFERENCE, order_reference_id, "cancel")
        reference.state, reference.updated_at = PaymentState.CANCELED, self.clock()

    # -- inside -----------------------------------------------------------------------------

    def _read(self, kind: ObjectKind, amazon_id: str) -> Observation:
        self.calls[f"{kind} details", amazon_id] += 1
        self._script_error(f"{kind} details")
        found = self._get(kind, amazon_id, f"get {kind} details")
        self._polls[amazon_id] += 1
        settles = (
            self.polls_to_settle is not None and self._polls[amazon_id] >= self.polls_to_settle
        )
        if found.state is PaymentState.PENDING and settles:
            self.settle(amazon_id, _SETTLES_TO[kind])
        return found.seen()

    def _next(self, operation: str) -> _Answer:
        script = self._script[operation]
        answer = script.popleft() if script else _Answer(self.answers.get(operation))
        if answer.error is not None:
            raise answer.error
        return answer

    def _script_error(self, operation: str) -> None:
        if self._script[operation]:
            self._next(operation)

    def _repeat(self, kind: ObjectKind, reference_id: str) -> Observation | None:
        """Amazon answers a repeated reference id with the object it made the first time."""
        amazon_id = self._by_reference.get((kind, reference_id))
        if amazon_id is None:
            return None
        return self.objects[amazon_id].seen()

    def _new(self, kind: ObjectKind, reference_id: str, amount: Money, answer: _Answer) -> _Object:
        made = _Object(
            kind,
            f"AMZ-{_PREFIX[kind]}-{reference_id}",  # the same in every process (lenient mode)
            reference_id,
            answer.state or _USUAL[kind],
            amount,
            self.clock(),
            answer.reason_code,
        )
        self.objects[made.amazon_id] = made
        self._by_reference[kind, reference_id] = made.amazon_id
        return made

    def _get(self, kind: ObjectKind, amazon_id: str, operation: str) -> _Object:
        found = self.objects.get(amazon_id)
        if found is None and self.lenient:
            reference_id = amazon_id.split("-", 2)[-1] if amazon_id.startswith("AMZ-") else None
            found = _Object(kind, amazon_id, reference_id, _USUAL[kind], None, self.clock())
            self.objects[amazon_id] = found
        if found is None or found.kind is not kind:
            raise CallRefused(operation, "InvalidTransactionId", f"no {kind} {amazon_id}")
        return found
