"""Use cases: import an order, fire an event, request a refund, apply an observation.

Empty until its issue lands; it exists now so the layer contracts in pyproject.toml hold
from the first commit.
"""
