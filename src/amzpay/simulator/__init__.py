"""A local Amazon Pay sandbox simulator: the legacy OffAmazonPayments API (2013-01-01) and
its signed SNS IPNs, in memory, on a clock tests can move.

Imports nothing from the rest of amzpay, and the rest never imports it (bootstrap and the
CLI may start it). It shares no wire code with amzpay's client on purpose: a serialisation
bug must not hide by appearing on both sides. How to run and drive it: docs/simulator.md.

    create_simulator(config, clock=..., sender=...)  -> Starlette app
    simulator_of(app)                                -> Simulator (create_order_reference,
                                                        advance, settle_due, faults, ...)
"""

from __future__ import annotations

from .app import create_simulator, simulator_app, simulator_of
from .buyers import PAYMENT_METHODS, sandbox_buyer
from .clock import ManualClock, OffsetClock, SystemClock
from .config import Quota, Seller, SimulatorConfig, Throttling
from .core import Simulator
from .delivery import IpnTimeout, IpnUnreachable, Sender, http_sender
from .notifications import Ipn
from .transport import InProcessTransport

__all__ = [
    "PAYMENT_METHODS",
    "InProcessTransport",
    "Ipn",
    "IpnTimeout",
    "IpnUnreachable",
    "ManualClock",
    "OffsetClock",
    "Quota",
    "Seller",
    "Sender",
    "Simulator",
    "SimulatorConfig",
    "SystemClock",
    "Throttling",
    "create_simulator",
    "http_sender",
    "sandbox_buyer",
    "simulator_app",
    "simulator_of",
]
