"""A local Amazon Pay sandbox simulator. Imports nothing from the rest of amzpay, and the
rest never imports it (bootstrap and the CLI may start it).

Empty until its issue lands; it exists now so the layer contracts in pyproject.toml hold
from the first commit.
"""
