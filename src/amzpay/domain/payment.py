"""Amazon Pay's payment objects as the shop keeps them, and Amazon's limits on refunds.

An order hangs on one Amazon order reference; its money moves by authorizations, captures and
refunds, each kept as a ``PaymentRecord`` with a state of its kind's enum. Every kind has one
transition table (``TRANSITIONS``, ``ORDER_REFERENCE_TRANSITIONS``) and one guard
(``guard``): a move the table does not allow raises ``IllegalTransition`` naming both states.
The tables are Amazon's state diagrams (Amazon Pay API reference, "States and reason codes";
amazonpay-api.md §A.7) closed under the moves a missed notification can skip, plus two
states of our own: ``requested`` (stored, the call not yet answered) and ``failed`` (Amazon
refused the call: nothing exists there).

``CaptureBalance`` is one capture as the refund needs it. The limits cite the Amazon Pay API
reference, "Refund" (RefundAmount) and "Refund states and reason codes".

Imports nothing but the standard library.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum, StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Final, TypeAlias, TypeVar

from amzpay.domain.errors import IllegalTransition, UnknownPaymentState
from amzpay.domain.money import Money
from amzpay.domain.order import CaptureId

if TYPE_CHECKING:
    from amzpay.domain.refund import RefundLine


class PaymentKind(StrEnum):
    AUTHORIZATION = "authorization"
    CAPTURE = "capture"
    REFUND = "refund"


class AuthorizationState(StrEnum):
    REQUESTED = "requested"
    PENDING = "pending"  # asynchronous authorizations only
    OPEN = "open"  # may be captured
    DECLINED = "declined"
    CLOSED = "closed"  # captured (MaxCapturesProcessed), expired, or closed by Amazon or us
    FAILED = "failed"


class CaptureState(StrEnum):
    REQUESTED = "requested"
    PENDING = "pending"
    COMPLETED = "completed"  # the money is taken; refunds allowed
    DECLINED = "declined"
    CLOSED = "closed"  # the money is taken; no more refunds (ten made, or the maximum)
    FAILED = "failed"


class RefundState(StrEnum):
    REQUESTED = "requested"
    PENDING = "pending"  # Amazon's answer to every Refund call
    COMPLETED = "completed"
    DECLINED = "declined"
    FAILED = "failed"


class OrderReferenceState(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    SUSPENDED = "suspended"  # the buyer must choose another payment method
    CANCELED = "canceled"
    CLOSED = "closed"


PaymentState: TypeAlias = AuthorizationState | CaptureState | RefundState
"""The state of a payment record: the enum of its kind."""
_S = TypeVar("_S", bound=StrEnum)

_A, _C, _R, _O = AuthorizationState, CaptureState, RefundState, OrderReferenceState

STATES: Final[Mapping[PaymentKind, type[PaymentState]]] = MappingProxyType(
    {
        PaymentKind.AUTHORIZATION: AuthorizationState,
        PaymentKind.CAPTURE: CaptureState,
        PaymentKind.REFUND: RefundState,
    }
)

TRANSITIONS: Final[Mapping[PaymentKind, Mapping[PaymentState, frozenset[PaymentState]]]] = (
    MappingProxyType(
        {
            PaymentKind.AUTHORIZATION: {
                _A.REQUESTED: frozenset({_A.PENDING, _A.OPEN, _A.DECLINED, _A.CLOSED, _A.FAILED}),
                _A.PENDING: frozenset({_A.OPEN, _A.DECLINED, _A.CLOSED}),
                _A.OPEN: frozenset({_A.CLOSED}),
                _A.DECLINED: frozenset(),
                _A.CLOSED: frozenset(),
                _A.FAILED: frozenset(),
            },
            PaymentKind.CAPTURE: {
                _C.REQUESTED: frozenset(
                    {_C.PENDING, _C.COMPLETED, _C.DECLINED, _C.CLOSED, _C.FAILED}
                ),
                _C.PENDING: frozenset({_C.COMPLETED, _C.DECLINED, _C.CLOSED}),
                _C.COMPLETED: frozenset({_C.CLOSED}),
                _C.DECLINED: frozenset(),
                _C.CLOSED: frozenset(),
                _C.FAILED: frozenset(),
            },
            PaymentKind.REFUND: {
                _R.REQUESTED: frozenset({_R.PENDING, _R.COMPLETED, _R.DECLINED, _R.FAILED}),
                _R.PENDING: frozenset({_R.COMPLETED, _R.DECLINED}),
                _R.COMPLETED: frozenset(),
                _R.DECLINED: frozenset(),
                _R.FAILED: frozenset(),
            },
        }
    )
)
"""Each kind's state -> the states it may move to. ``requested`` may become any of Amazon's
states (the first answer may already be a later one), and only ``requested`` may become
``failed``."""

ORDER_REFERENCE_TRANSITIONS: Final[Mapping[OrderReferenceState, frozenset[OrderReferenceState]]] = (
    MappingProxyType(
        {
            _O.DRAFT: frozenset({_O.OPEN, _O.CANCELED}),
            _O.OPEN: frozenset({_O.SUSPENDED, _O.CANCELED, _O.CLOSED}),
            _O.SUSPENDED: frozenset({_O.OPEN, _O.CANCELED, _O.CLOSED}),
            _O.CANCELED: frozenset(),
            _O.CLOSED: frozenset(),
        }
    )
)
"""The order reference's moves (amazonpay-api.md §A.7: Suspended returns to Open when the
buyer chooses another payment method)."""

UNSETTLED: Final[frozenset[str]] = frozenset({_R.REQUESTED, _R.PENDING})
"""The states in which a record waits for Amazon's word: ``requested`` and ``pending``, which
every kind has, with the same values."""

MONEY_MAY_BE_TAKEN: Final = frozenset({_C.REQUESTED, _C.PENDING, _C.COMPLETED, _C.CLOSED})
"""Capture states in which the capture took, or may yet take, money: Amazon refuses to cancel
the order reference then."""

MONEY_TAKEN: Final = frozenset({_C.COMPLETED, _C.CLOSED})
"""Capture states whose money is taken: what refunds may be asked of."""


class Observed(Enum):
    """What news of a payment's state means for the record (``judge``)."""

    MOVE = "move"  # a move the table allows: apply it
    REPEAT = "repeat"  # the state the record is in
    STALE = "stale"  # an earlier state, or news of a record that is settled for good


def state_of(kind: PaymentKind, value: str) -> PaymentState:
    """``value`` as the state enum of ``kind``. Raises UnknownPaymentState."""
    try:
        return STATES[kind](value)
    except ValueError:
        raise UnknownPaymentState(kind.value, value) from None


def guard(kind: PaymentKind, current: PaymentState, target: PaymentState) -> PaymentState:
    """``target`` when ``kind``'s table allows the move from ``current``; else raises
    IllegalTransition naming both states."""
    if target not in TRANSITIONS[kind][current]:
        raise IllegalTransition(kind.value, current.value, target.value)
    return target


def judge(kind: PaymentKind, current: PaymentState, target: PaymentState) -> Observed:
    """What Amazon's word that a ``kind`` in ``current`` is now in ``target`` means.

    A state the record already passed (``current`` is reachable from ``target``), and any
    word about a record in a final state, are stale: notifications and polls may arrive late
    and out of order. Raises IllegalTransition for a move no diagram has (an open
    authorization declined, a completed capture pending after all).
    """
    return _judge(TRANSITIONS[kind], kind.value, current, target)


def judge_order_reference(current: OrderReferenceState, target: OrderReferenceState) -> Observed:
    """``judge`` for the order reference (a Suspended one may be Open again)."""
    return _judge(ORDER_REFERENCE_TRANSITIONS, "order reference", current, target)


def _judge(table: Mapping[_S, frozenset[_S]], kind: str, current: _S, target: _S) -> Observed:
    if target == current:
        return Observed.REPEAT
    if target in table[current]:
        return Observed.MOVE
    if not table[current] or current in _reachable(table, target):
        return Observed.STALE
    raise IllegalTransition(kind, current.value, target.value)


def is_final(kind: PaymentKind, state: PaymentState) -> bool:
    """True when a record of ``kind`` in ``state`` never moves again."""
    return not TRANSITIONS[kind][state]


def _reachable(table: Mapping[_S, frozenset[_S]], start: _S) -> set[_S]:
    seen: set[_S] = set()
    frontier = [start]
    while frontier:
        for state in table[frontier.pop()]:
            if state not in seen:
                seen.add(state)
                frontier.append(state)
    return seen


@dataclass(frozen=True, slots=True)
class PaymentRecord:
    """The shop's record of one Amazon authorization, capture or refund: its state, reason
    code, Amazon id, our reference id, amount and the items it covers."""

    id: int
    kind: PaymentKind
    order: str
    reference_id: str
    amazon_id: str | None
    state: PaymentState
    reason_code: str | None
    error_code: str | None
    error_message: str | None
    amount: Money
    items: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    observed_at: datetime | None = None
    parent_id: int | None = None  # a capture's authorization, a refund's capture
    capture_now: bool = False
    item_lines: tuple[RefundLine, ...] = ()  # refunds only: what each line asked for
    expense_lines: tuple[RefundLine, ...] = ()
    over_refund: Money | None = None
    job_id: int | None = None
    polls: int = 0  # how often the poll for lost IPNs asked Amazon about it
    next_poll_at: datetime | None = None
    seller_note: str | None = None  # refunds only: sent as SellerRefundNote

    @property
    def unsettled(self) -> bool:
        """True while the record waits for Amazon's word (``UNSETTLED``)."""
        return self.state in UNSETTLED


MAX_REFUNDS_PER_CAPTURE: Final = 10
"""Amazon refuses an eleventh refund of one capture (the capture closes with
MaxRefundsProcessed after the tenth)."""

MAX_REFUND_UNITS: Final[Mapping[str, int]] = MappingProxyType(
    {"USD": 150_000, "EUR": 150_000, "GBP": 150_000, "JPY": 10_000_000}
)
"""Amazon's maximum single refund, in whole currency units, for the ledger currencies whose
maximum Amazon documents. Other currencies have no documented maximum and are not checked."""

OVER_REFUND_PERCENT: Final = 15
OVER_REFUND_CAP_UNITS: Final = 75
"""The over-refund allowance per capture: the lesser of 15 % of the captured amount and 75
units of the capture's currency (Amazon Pay API reference, "Refund")."""


@dataclass(frozen=True, slots=True)
class CaptureBalance:
    """One capture as the refund needs it: what it took and what refunds hold of it.

    ``refunded`` (completed) and ``pending`` (sent, not settled) count everything asked of
    the capture; ``over_refunded`` is the part of those two that was asked above the items'
    and expenses' worth, under Amazon's over-refund allowance.
    """

    id: CaptureId
    captured: Money
    refunded: Money
    pending: Money
    over_refunded: Money
    refund_count: int

    @property
    def available(self) -> Money:
        """What items and expenses may still take: captured less what other item and
        expense refunds took or hold."""
        return self.captured - (self.refunded + self.pending - self.over_refunded)

    @property
    def over_refund_allowance(self) -> Money:
        """The lesser of 15 % of the captured amount and 75 units of its currency."""
        percent = self.captured.portion(OVER_REFUND_PERCENT, 100)
        cap = Money(OVER_REFUND_CAP_UNITS * 10**self.captured.exponent, self.captured.currency)
        return min(percent, cap)

    @property
    def over_refund_left(self) -> Money:
        return self.over_refund_allowance - self.over_refunded
