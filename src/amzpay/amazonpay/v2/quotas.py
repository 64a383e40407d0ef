"""Amazon Pay API v2's throttling quotas per operation, as token buckets take them.

Research C.7 (API reference, "API throttling limits"; a throttled call gets HTTP 429). The
page gives a burst and a restore rate "measured in seconds"; the rate is calls restored per
second: sandbox rates are never above live ones that way round (Get Checkout Session: live
8, sandbox 1), and the older copy's Create Refund 10/1 matches the legacy API's 1 per second.

    operation                                    live burst / per s   sandbox burst / per s
    CreateRefund, CreateCharge                   10 / 4               2 / 1
    GetRefund, GetCharge, GetChargePermission    20 / 4               5 / 1 (GetCP: 10 / 1)
    CaptureCharge                                20 / 4               2 / 1
    CancelCharge, CloseChargePermission          10 / 2               2 / 1
    GetCheckoutSession                           40 / 8               10 / 1
    UpdateCheckoutSession                        20 / 8               5 / 1
    CompleteCheckoutSession                      20 / 4               2 / 1

Imports amzpay.amazonpay.throttle and the standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from amzpay.amazonpay.throttle import Quota

# operation: (live burst, live calls per second, sandbox burst, sandbox calls per second)
_LIMITS: Final = {
    "CreateRefund": (10, 4, 2, 1),
    "GetRefund": (20, 4, 5, 1),
    "CaptureCharge": (20, 4, 2, 1),
    "CreateCharge": (10, 4, 2, 1),
    "GetCharge": (20, 4, 5, 1),
    "CancelCharge": (10, 2, 2, 1),
    "CloseChargePermission": (10, 2, 2, 1),
    "GetChargePermission": (20, 4, 10, 1),
    "GetCheckoutSession": (40, 8, 10, 1),
    "UpdateCheckoutSession": (20, 8, 5, 1),
    "CompleteCheckoutSession": (20, 4, 2, 1),
}

LIVE_QUOTAS: Final[Mapping[str, Quota]] = MappingProxyType(
    {name: Quota(burst, 1.0 / rate) for name, (burst, rate, _, _) in _LIMITS.items()}
)
SANDBOX_QUOTAS: Final[Mapping[str, Quota]] = MappingProxyType(
    {name: Quota(burst, 1.0 / rate) for name, (_, _, burst, rate) in _LIMITS.items()}
)
