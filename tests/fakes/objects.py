"""The fake Amazon's books: its objects, the answers a test scripts, and the checks every
operation shares (``Books``, the base of ``PlayedAmazon``)."""

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
from amzpay.amazonpay.mws import errors as mws_errors
from amzpay.amazonpay.mws.gateway import gateway_error
from amzpay.amazonpay.throttle import Quota
from amzpay.domain.money import Money
from fakes import sandbox

PREFIX = {
    ObjectKind.ORDER_REFERENCE: "O",
    ObjectKind.AUTHORIZATION: "A",
    ObjectKind.CAPTURE: "C",
    ObjectKind.REFUND: "R",
}
USUAL = {
    ObjectKind.ORDER_REFERENCE: PaymentState.OPEN,
    ObjectKind.AUTHORIZATION: PaymentState.OPEN,
    ObjectKind.CAPTURE: PaymentState.COMPLETED,
    ObjectKind.REFUND: PaymentState.PENDING,
}


@dataclass
class Object:
    kind: ObjectKind
    amazon_id: str
    reference_id: str | None
    state: PaymentState
    amount: Money | None
    updated_at: datetime
    reason_code: str | None = None
    children: list[str] = field(default_factory=list)
    settled: Money | None = None  # captured of an authorization, refunded of a capture
    soft_decline: bool | None = None
    capture_now: bool = False
    payment_method: str = "visa"  # an order reference's, from the sandbox test wallet
    constraints: list[str] = field(default_factory=list)

    def seen(self) -> Observation:
        soft = (
            self.state is PaymentState.DECLINED
            and self.reason_code == "InvalidPaymentMethod"
            and self.soft_decline is not False
        )
        return Observation(
            kind=self.kind,
            amazon_id=self.amazon_id,
            reference_id=self.reference_id,
            state=self.state,
            updated_at=self.updated_at,
            amount=self.amount,
            settled=self.settled,
            reason_code=self.reason_code,
            children=tuple(self.children),
            soft_decline=soft,
        )


@dataclass(frozen=True)
class Answer:
    state: PaymentState | None = None
    reason_code: str | None = None
    error: Exception | None = None
    soft: bool | None = None


@dataclass(frozen=True)
class Due:
    """Amazon's processing of a Pending object, due ``at``."""

    at: datetime
    amazon_id: str
    answer: Answer


class Books:
    """What the fake knows, the scripted answers, and the shared checks."""

    def __init__(
        self,
        clock: Callable[[], datetime],
        *,
        lenient: bool = False,
        answers: dict[str, PaymentState] | None = None,
    ) -> None:
        self.clock, self.lenient = clock, lenient
        self.answers = answers or {}
        self.objects: dict[str, Object] = {}
        self.calls: Counter[tuple[str, str]] = Counter()  # (operation, our or Amazon's id)
        self._script: defaultdict[str, deque[Answer]] = defaultdict(deque)

    # -- scripting --------------------------------------------------------------------------

    def answer(self, operation: str, state: PaymentState, reason_code: str | None = None) -> None:
        """The next new ``operation`` ("authorize", "capture", "refund") answers ``state``."""
        self._script[operation].append(Answer(state, reason_code))

    def refuse(self, operation: str, code: str = "InvalidParameterValue") -> None:
        """The next ``operation`` call is rejected by Amazon."""
        error = CallRefused(operation, code, f"the fake refuses {operation}", http_status=400)
        self._script[operation].append(Answer(error=error))

    def fail(self, operation: str) -> None:
        """The next ``operation`` call fails (as a 503 would)."""
        error = CallFailed(operation, "503 Service Unavailable", retry_after=timedelta(seconds=30))
        self._script[operation].append(Answer(error=error))

    def throttle(self, operation: str, quota: Quota) -> None:
        """The next ``operation`` call is throttled (RequestThrottled) by an Amazon whose
        quota for it is ``quota``, translated as the real gateway does."""
        name = operation[:1].upper() + operation[1:]
        throttled = mws_errors.Throttled("Request is throttled", code="RequestThrottled")
        self._script[operation].append(Answer(error=gateway_error(name, throttled, quota)))

    def of_kind(self, kind: ObjectKind) -> list[Object]:
        return [o for o in self.objects.values() if o.kind is kind]

    def _next(self, operation: str, note: str | None = None) -> Answer:
        """The scripted answer, else the note's SandboxSimulation, else the default."""
        script = self._script[operation]
        if script:
            answer = script.popleft()
        elif (simulated := sandbox.simulation(note)) is not None:
            answer = Answer(simulated.state, simulated.reason_code, soft=simulated.soft_decline)
        else:
            answer = Answer(self.answers.get(operation))
        if answer.error is not None:
            raise answer.error
        return answer

    def _script_error(self, operation: str) -> None:
        if self._script[operation]:
            self._next(operation)

    # -- shared checks ----------------------------------------------------------------------

    def _move(self, found: Object, state: PaymentState, reason: str | None = None) -> None:
        found.state, found.reason_code, found.updated_at = state, reason, self.clock()

    def _require(self, found: Object, state: PaymentState, operation: str, code: str) -> None:
        if found.state is not state and not self.lenient:
            raise CallRefused(operation, code, f"not {state.value}", http_status=405)

    def _refuse_in(self, found: Object, states: set[PaymentState], operation: str) -> None:
        if found.state in states and not self.lenient:
            code = "InvalidOrderReferenceStatus"
            raise CallRefused(operation, code, found.state.value, http_status=405)

    def _get(self, kind: ObjectKind, amazon_id: str, operation: str) -> Object:
        found = self.objects.get(amazon_id)
        if found is None and self.lenient:
            reference_id = amazon_id.split("-", 2)[-1] if amazon_id.startswith("AMZ-") else None
            found = Object(kind, amazon_id, reference_id, USUAL[kind], None, self.clock())
            self.objects[amazon_id] = found
        if found is None or found.kind is not kind:
            # Amazon names an unknown order reference apart from other unknown ids
            unknown = (
                "InvalidOrderReferenceId"
                if kind is ObjectKind.ORDER_REFERENCE
                else "InvalidTransactionId"
            )
            raise CallRefused(operation, unknown, f"no {kind} {amazon_id}")
        return found
