"""The REST API, the IPN endpoint and the back office.

Empty until its issue lands; it exists now so the layer contracts in pyproject.toml hold
from the first commit.
"""
