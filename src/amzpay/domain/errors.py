"""The domain's exception tree.

    DomainError
    ├── MoneyError (ValueError)
    │   ├── UnknownCurrency          a code that is not an ISO 4217 currency with minor units
    │   ├── CurrencyMismatch         two amounts in different currencies met
    │   ├── InvalidAmount            a wire string or a value that is not an exact amount
    │   └── InvalidSplit             weights that cannot share an amount
    ├── InvalidOrder (ValueError)    an order whose parts contradict each other
    ├── PaymentStateError (ValueError)  a payment state that cannot be (see ``payment.py``)
    │   ├── UnknownPaymentState      a state the payment's kind does not have
    │   └── IllegalTransition        a move the kind's transition table does not allow
    └── RefundError (ValueError)     a refund that must not be sent (see ``refund.py``)
        ├── EmptyRefund
        ├── UnknownItem
        ├── ItemNotRefundable
        ├── UnknownCapture
        ├── CaptureExhausted
        ├── TooManyRefunds
        ├── RefundTooLarge
        └── OverRefundNotAllowed

Imports nothing but the standard library.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the domain raises."""


class MoneyError(DomainError, ValueError):
    """An amount or currency that cannot be used as money."""


class UnknownCurrency(MoneyError):
    """Raised for a currency code that has no ISO 4217 minor unit in our table."""

    def __init__(self, code: object) -> None:
        self.code = code
        super().__init__(f"unknown currency {code!r}: expected an ISO 4217 code such as 'EUR'")


class CurrencyMismatch(MoneyError):
    """Raised when two amounts in different currencies are combined or compared."""

    def __init__(self, left: str, right: str, context: str = "") -> None:
        self.left, self.right = left, right
        where = f" in {context}" if context else ""
        super().__init__(f"currency mismatch{where}: {left} and {right}")


class InvalidAmount(MoneyError):
    """Raised for a value that is not an exact amount of the currency (float, NaN, too many
    decimals, a negative amount where none is allowed, malformed text)."""

    def __init__(self, value: object, reason: str) -> None:
        self.value, self.reason = value, reason
        super().__init__(f"invalid amount {value!r}: {reason}")


class InvalidSplit(MoneyError):
    """Raised when an amount cannot be split over the given weights."""


class InvalidOrder(DomainError, ValueError):
    """Raised when an order's parts contradict each other (a duplicate item id, an item
    pointing at a bundle or shipment the order does not have, a discount above the price)."""

    def __init__(self, order_reference: str, reason: str) -> None:
        self.order_reference, self.reason = order_reference, reason
        super().__init__(f"order {order_reference}: {reason}")


class PaymentStateError(DomainError, ValueError):
    """Base of the payment states and moves the transition tables refuse."""


class UnknownPaymentState(PaymentStateError):
    """Raised for a state name the payment's kind does not have (a refund is never open)."""

    def __init__(self, kind: str, state: str) -> None:
        self.kind, self.state = kind, state
        super().__init__(f"a {kind} has no state {state!r}")


class IllegalTransition(PaymentStateError):
    """Raised when a payment would move from ``current`` to ``target`` and its kind's
    transition table does not allow that move."""

    def __init__(self, kind: str, current: str, target: str) -> None:
        self.kind, self.current, self.target = kind, current, target
        super().__init__(f"a {kind} cannot move from {current!r} to {target!r}")


class RefundError(DomainError, ValueError):
    """Base of the reasons a refund is refused before anything is sent to Amazon."""


class EmptyRefund(RefundError):
    """Raised when a refund selects nothing."""

    def __init__(self, order_reference: str) -> None:
        self.order_reference = order_reference
        super().__init__(f"order {order_reference}: choose at least one item to refund")


class UnknownItem(RefundError, LookupError):
    """Raised when a refund names an item, bundle or expense the order does not have."""

    def __init__(self, order_reference: str, line_id: str) -> None:
        self.order_reference, self.line_id = order_reference, line_id
        super().__init__(f"order {order_reference} has no item, bundle or expense {line_id!r}")


class ItemNotRefundable(RefundError):
    """Raised when a chosen item or expense cannot be refunded now; ``reason`` says why
    ("never captured", "refund pending", "already refunded")."""

    def __init__(self, line_id: str, reason: str) -> None:
        self.line_id, self.reason = line_id, reason
        super().__init__(f"{line_id!r} cannot be refunded: {reason}")


class UnknownCapture(RefundError, LookupError):
    """Raised when an item's capture is not among the captures given to the planner."""

    def __init__(self, capture_id: str, line_id: str) -> None:
        self.capture_id, self.line_id = capture_id, line_id
        super().__init__(f"{line_id!r} was captured by {capture_id!r}, which is not known")


class CaptureExhausted(RefundError):
    """Raised when a refund would take more from a capture than is left of it (captured less
    refunded less pending)."""

    def __init__(self, capture_id: str, requested: object, available: object) -> None:
        self.capture_id, self.requested, self.available = capture_id, requested, available
        super().__init__(
            f"capture {capture_id!r}: refund of {requested} exceeds the {available} "
            "left after earlier and pending refunds"
        )


class TooManyRefunds(RefundError):
    """Raised when a capture already has Amazon's maximum number of refunds."""

    def __init__(self, capture_id: str, count: int, limit: int) -> None:
        self.capture_id, self.count, self.limit = capture_id, count, limit
        super().__init__(
            f"capture {capture_id!r} already has {count} refunds; Amazon allows {limit}"
        )


class RefundTooLarge(RefundError):
    """Raised when one refund is above Amazon's maximum single refund amount."""

    def __init__(self, capture_id: str, amount: object, maximum: object) -> None:
        self.capture_id, self.amount, self.maximum = capture_id, amount, maximum
        super().__init__(
            f"capture {capture_id!r}: a refund of {amount} is above Amazon's maximum {maximum}"
        )


class OverRefundNotAllowed(RefundError):
    """Raised when an amount above the captured one is asked for beyond Amazon's allowance
    (the lesser of 15 % and 75 currency units per capture), or in a way that cannot be sent."""

    def __init__(self, capture_id: str, reason: str) -> None:
        self.capture_id, self.reason = capture_id, reason
        super().__init__(f"capture {capture_id!r}: over-refund refused: {reason}")
