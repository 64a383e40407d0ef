"""The state machine's exception tree.

    OmsError
    ├── ProcessFileError (ValueError)     a process file that must not be loaded
    │   ├── InvalidProcessFile            not TOML, or an element of the wrong shape
    │   ├── UnknownState
    │   ├── UnknownEvent
    │   ├── UnknownCommand
    │   ├── UnknownCondition
    │   ├── UnknownSignal                 a signal event the application never sends
    │   ├── UnreachableState
    │   ├── UnusedEvent                   an event no transition uses
    │   └── DuplicateName                 a state or event declared twice across the files
    ├── UnknownProcess (LookupError)
    ├── TransitionRefused (ValueError)    an event that cannot move the items now
    │   ├── EventNotAllowed               no transition on this event from the item's state
    │   ├── NotAManualEvent               staff fired an event that fires by itself
    │   ├── OrderClosed                   a closed order accepts refunds only
    │   └── ConditionNotMet               transitions exist, but none of their conditions holds
    ├── NotASignal (ValueError)           the application signalled an event declared otherwise
    ├── LoopDetected (RuntimeError)       events or conditions moving items round in circles
    └── RetryLater                        raised by a command whose work must be tried again

Imports nothing but the standard library.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta


class OmsError(Exception):
    """Base of every error the state machine raises."""


class ProcessFileError(OmsError, ValueError):
    """A process file is wrong; ``file`` and ``element`` say where."""

    def __init__(self, file: str, element: str, reason: str) -> None:
        self.file, self.element, self.reason = file, element, reason
        msg = f"{file}: {element}: {reason}"
        super().__init__(msg)


class InvalidProcessFile(ProcessFileError):
    """Raised for a file that is not TOML, or an element missing a key or of the wrong type."""


class UnknownState(ProcessFileError):
    """Raised when a transition or the process names a state no file declares."""


class UnknownEvent(ProcessFileError):
    """Raised when a transition names an event no file declares."""


class UnknownCommand(ProcessFileError):
    """Raised when an event names a command the application did not register."""


class UnknownCondition(ProcessFileError):
    """Raised when a transition names a condition the application did not register."""


class UnknownSignal(ProcessFileError):
    """Raised when an event is fired by ``signal`` but the application sends no such
    signal: no transition on it could ever be taken."""


class UnreachableState(ProcessFileError):
    """Raised for a declared state no path from the initial state leads to."""


class UnusedEvent(ProcessFileError):
    """Raised for a declared event no transition uses (the seed had such dead events)."""


class DuplicateName(ProcessFileError):
    """Raised when a state or an event is declared twice (in one file or across the main
    process and its sub-processes): the second would silently replace the first."""


class UnknownProcess(OmsError, LookupError):
    def __init__(self, name: str, known: Iterable[str]) -> None:
        self.name = name
        msg = f"no process {name!r}; known: {', '.join(sorted(known)) or 'none'}"
        super().__init__(msg)


class TransitionRefused(OmsError, ValueError):
    """Base of the reasons an event does not move the chosen items."""

    def __init__(self, order: str, item: str, event: str, current: str, reason: str) -> None:
        self.order, self.item, self.event, self.current = order, item, event, current
        msg = f"order {order}, item {item} in {current!r}: cannot {event!r}: {reason}"
        super().__init__(msg)


class EventNotAllowed(TransitionRefused):
    """Raised when the item's state has no transition on the event."""

    def __init__(self, order: str, item: str, event: str, current: str) -> None:
        super().__init__(order, item, event, current, "no transition on this event")


class NotAManualEvent(TransitionRefused):
    """Raised when staff fire an on-enter or timeout event: those fire by themselves."""

    def __init__(self, order: str, item: str, event: str, current: str) -> None:
        super().__init__(order, item, event, current, "it is not fired by hand")


class OrderClosed(TransitionRefused):
    """Raised for any event but a refund on a closed order."""

    def __init__(self, order: str, item: str, event: str, current: str) -> None:
        super().__init__(order, item, event, current, "the order is closed, only refunds")


class ConditionNotMet(TransitionRefused):
    """Raised when every transition on the event is guarded by a condition that is false."""

    def __init__(self, order: str, item: str, event: str, current: str) -> None:
        super().__init__(order, item, event, current, "no condition of its transitions holds")


class LoopDetected(OmsError, RuntimeError):
    """Raised when one run moves an order round in circles (an event fired too often, or
    conditions sending items back and forth): the transaction is rolled back."""

    def __init__(self, order: str, what: str, limit: int) -> None:
        self.order, self.what, self.limit = order, what, limit
        msg = f"order {order}: {what} repeated more than {limit} times in one run"
        super().__init__(msg)


class RetryLater(OmsError):
    """Raised by a command whose work could not be done now (a network failure, a throttled
    call): the job is run again after ``delay`` with the same data. With a ``ceiling`` the
    delay backs off: it doubles with each run of the job, up to ``ceiling``, with jitter so
    that jobs throttled together do not all come back together."""

    def __init__(
        self,
        reason: str,
        delay: timedelta = timedelta(minutes=1),
        *,
        ceiling: timedelta | None = None,
    ) -> None:
        self.reason, self.delay, self.ceiling = reason, delay, ceiling
        super().__init__(reason)

    def delay_after(self, runs: int, rng: Callable[[], float]) -> timedelta:
        """The wait after the job's ``runs``-th run (1, 2, ...): without a ceiling ``delay``;
        with one, between half and all of ``min(ceiling, delay * 2**runs)`` ("equal
        jitter", ``rng()`` in [0, 1) picks where) but never less than ``delay``: so never
        more than ``ceiling`` (unless it is below ``delay``), and until the ceiling is
        reached never less than the wait before."""
        if self.ceiling is None:
            return self.delay
        top = self.ceiling if runs >= 32 else min(self.ceiling, self.delay * (1 << runs))
        return max(self.delay, top / 2 + top / 2 * rng())


class NotASignal(OmsError, ValueError):
    """Raised when the application signals an event the process declares with another
    trigger (staff, on-enter or timer): news must not take a path meant for those."""

    def __init__(self, order: str, event: str, trigger: str) -> None:
        self.order, self.event, self.trigger = order, event, trigger
        msg = f"order {order}: {event!r} is not a signal (its trigger is {trigger!r})"
        super().__init__(msg)
