"""Amazon Pay's payment objects as the shop keeps them, and Amazon's limits on refunds.

``CaptureBalance`` is one capture as the refund needs it. The limits cite the Amazon Pay API
reference, "Refund" (RefundAmount) and "Refund states and reason codes".

Imports nothing but the standard library.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from amzpay.domain.money import Money
from amzpay.domain.order import CaptureId

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
