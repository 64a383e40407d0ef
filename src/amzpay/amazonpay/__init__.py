"""Amazon's wire protocols: the PaymentGateway port and its adapters (legacy API, IPN).

Empty until its issue lands; it exists now so the layer contracts in pyproject.toml hold
from the first commit.
"""
