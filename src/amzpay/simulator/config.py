"""The simulator's configuration: the sellers it knows, how long Amazon takes, throttling.

Durations are in Amazon's seconds; ``time_scale`` divides every one of them, so a demo can
run a 30 s refund in 3 s (``time_scale=10``) and an hourly IPN retry every 36 s
(``time_scale=100``). Nothing here reads the environment: the CLI builds a config from its
options and tests build one by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta


@dataclass(frozen=True)
class Seller:
    """A merchant account the simulator accepts calls from (Seller Central's MWS keys)."""

    seller_id: str = "A2SIMULATORSELLER"
    access_key_id: str = "AKIASIMULATOR0000001"
    secret_key: str = "simulator-secret-key"
    ipn_url: str | None = None
    marketplace_id: str = "A53RDEWN57UU5"
    account_status: str = "ACTIVE"  # GetMerchantAccountStatus: ACTIVE or INACTIVE
    # API v2: the public key registered in Seller Central (its id, and its PEM), whose
    # private half signs the seller's v2 requests.
    public_key_id: str | None = None
    public_key_pem: str | None = None
    client_id: str = "amzn1.application-oa2-client.simulator"  # Login with Amazon's, for buttons


@dataclass(frozen=True)
class Quota:
    """A leaky bucket: ``burst`` calls at once, one more every ``restore_seconds``."""

    burst: int
    restore_seconds: float


WRITE_OPERATIONS = frozenset(
    {
        "Authorize",
        "CancelOrderReference",
        "Capture",
        "CloseAuthorization",
        "CloseOrderReference",
        "ConfirmOrderReference",
        "Refund",
        "SetOrderAttributes",
        "SetOrderReferenceDetails",
    }
)
READ_OPERATIONS = frozenset(
    {
        "GetAuthorizationDetails",
        "GetCaptureDetails",
        "GetOrderReferenceDetails",
        "GetRefundDetails",
    }
)

# API v2 quotas, amazonpay-api.md §C.7: burst, and the restore rate read as calls per second.
_V2_QUOTAS: dict[str, tuple[tuple[int, float], tuple[int, float]]] = {
    # operation: ((live burst, live restore), (sandbox burst, sandbox restore))
    "CreateRefund": ((10, 4), (2, 1)),
    "GetRefund": ((20, 4), (5, 1)),
    "CaptureCharge": ((20, 4), (2, 1)),
    "CreateCharge": ((10, 4), (2, 1)),
    "GetCharge": ((20, 4), (5, 1)),
    "CancelCharge": ((10, 2), (2, 1)),
    "CloseChargePermission": ((10, 2), (2, 1)),
    "GetChargePermission": ((20, 4), (10, 1)),
    "CreateCheckoutSession": ((40, 16), (5, 1)),
    "GetCheckoutSession": ((40, 8), (10, 1)),
    "UpdateCheckoutSession": ((20, 8), (5, 1)),
    "CompleteCheckoutSession": ((20, 4), (2, 1)),
}

# Throttling limits, amazonpay-api.md §A.10 (Amazon's "throttling-limits" page).
SANDBOX_QUOTAS: dict[str, Quota] = {
    **{op: Quota(2, 2.0) for op in WRITE_OPERATIONS},
    **{op: Quota(5, 1.0) for op in READ_OPERATIONS},
    "GetServiceStatus": Quota(2, 300.0),
    **{op: Quota(burst, 1 / rate) for op, (_, (burst, rate)) in _V2_QUOTAS.items()},
}
PRODUCTION_QUOTAS: dict[str, Quota] = {
    **{op: Quota(10, 1.0) for op in WRITE_OPERATIONS},
    **{op: Quota(20, 0.5) for op in READ_OPERATIONS},
    "GetServiceStatus": Quota(2, 300.0),
    **{op: Quota(burst, 1 / rate) for op, ((burst, rate), _) in _V2_QUOTAS.items()},
}


@dataclass(frozen=True)
class Throttling:
    """Whether calls are throttled, and with which quotas per environment. Buckets refill on
    Amazon's real time, whatever ``time_scale`` does to Amazon's delays, unless
    ``scale_with_time`` asks for them to refill that much faster too."""

    enabled: bool = False
    scale_with_time: bool = False
    sandbox: dict[str, Quota] = field(default_factory=lambda: dict(SANDBOX_QUOTAS))
    production: dict[str, Quota] = field(default_factory=lambda: dict(PRODUCTION_QUOTAS))


@dataclass(frozen=True)
class SimulatorConfig:
    """Everything the simulator needs to know before it starts."""

    sellers: tuple[Seller, ...] = (Seller(),)
    public_url: str = "http://127.0.0.1:8900"
    # Where buyers' browsers reach the hosted pages (amazonPayRedirectUrl), when not at
    # public_url: a simulator the shop calls in-process but a browser reaches elsewhere.
    pages_url: str | None = None
    region: str = "eu-west-1"
    time_scale: float = 1.0
    authorization_seconds: float = 30.0
    capture_seconds: float = 30.0
    refund_seconds: float = 31.0
    ipn_seconds: float = 0.4
    ipn_retry_seconds: float = 3600.0
    ipn_retry_window_seconds: float = 14 * 86400.0
    max_clock_skew_seconds: float = 900.0
    lost_response_hang_seconds: float = 120.0
    throttling: Throttling = field(default_factory=Throttling)
    seed: int | None = None

    def scaled(self, amazon_seconds: float) -> timedelta:
        """How long ``amazon_seconds`` of Amazon's time takes in the simulator."""
        return timedelta(seconds=amazon_seconds / self.time_scale)

    @property
    def buyer_url(self) -> str:
        """Where a buyer's browser reaches the hosted pages."""
        return self.pages_url or self.public_url

    def seller_by_key(self, access_key_id: str) -> Seller | None:
        """The seller owning ``access_key_id``, if any."""
        return next((s for s in self.sellers if s.access_key_id == access_key_id), None)

    def seller_by_public_key(self, public_key_id: str) -> Seller | None:
        """The seller whose registered v2 public key has ``public_key_id``, if any."""
        return next((s for s in self.sellers if s.public_key_id == public_key_id), None)
