"""amzpay: the Amazon Pay payment module of a shop's order back end, built around refunds.

Importing the package has no side effects: nothing is configured, connected or started.
"""

from __future__ import annotations

__version__ = "0.1.0"
