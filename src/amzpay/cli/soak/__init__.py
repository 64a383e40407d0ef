"""``amzpay soak``: a fault campaign against the in-process simulator, and its checks.

``campaign`` runs the orders (``shoppers``) while ``faults`` are injected; ``checks`` compare
the shop's books with Amazon's; ``summary`` prints the outcome; ``command`` is the CLI.
"""

from __future__ import annotations

from amzpay.cli.soak.command import soak

__all__ = ["soak"]
