"""The Amazon Pay process files with their commands and conditions.

Empty until its issue lands; it exists now so the layer contracts in pyproject.toml hold
from the first commit.
"""
